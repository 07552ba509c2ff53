/**
 * HubSpot's CRM search has a window of its own (five a second per token) besides the 10-second and daily ones. Pulls
 * that search back to back, from two executions sharing one state store, against the sandbox (which enforces that
 * window as HubSpot does): the transport paces the searches, so the vendor refuses none of them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import type { CrmEntity } from '../../lib/platforms/crm';
import { HubSpotCrm, hubSpotProfile } from '../../lib/platforms/hubspot';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { bearerAuth, FetchHttpClient, Transport } from '../../lib/transport';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';

let hubspot: RunningSandbox;
let control: SandboxControl;
let folder: string;
let store: StateStore;

beforeAll(async () => {
	hubspot = await startSandbox('hubspot');
	control = new SandboxControl(hubspot.baseUrl);
	folder = mkdtempSync(join(tmpdir(), 'hubspot-search-window-'));
	store = await openStore({ kind: 'sqlite', file: join(folder, 'state.sqlite') }, allMigrations);
});

afterAll(async () => {
	await hubspot.close();
	await closeAllStores();
	rmSync(folder, { recursive: true, force: true });
});

/** One execution's HubSpot client: its own transport, the account's windows shared through the store. */
function execution(): { crm: HubSpotCrm; transport: Transport } {
	const transport = new Transport({
		profile: hubSpotProfile(),
		client: new FetchHttpClient(bearerAuth(hubspot.credentials.accessToken)),
		baseUrl: hubspot.baseUrl,
		accountKey: 'portal-1',
		rateBuckets: store.rateBuckets,
		// One try: a single refusal would fail the pull, not hide behind a retry.
		retry: { maxAttempts: 1 },
	});
	return { crm: new HubSpotCrm(transport), transport };
}

test('back-to-back searches of two executions: every pull completes and HubSpot refuses none', async () => {
	await control.seed({ contacts: [{ properties: { email: 'ada@example.com' } }], companies: [{ properties: { domain: 'example.com' } }] });
	const executions = [execution(), execution()];
	const entities: CrmEntity[] = ['contacts', 'companies', 'deals', 'tickets'];
	// 2 executions × 4 entities × 2 rounds = 16 searches, over three times what one second admits.
	const pulls = executions.flatMap(({ crm }) => [...entities, ...entities].map((entity) => crm.pullChanges(entity, undefined)));

	const pages = await Promise.all(pulls);

	expect(pages).toHaveLength(16);
	expect(pages.every((page) => page.done)).toBe(true);
	const searches = (await control.requests()).filter((request) => request.path.endsWith('/search'));
	expect(searches).toHaveLength(16);
	expect(searches.filter((request) => request.status !== 200)).toEqual([]);
	expect(executions.map(({ transport }) => transport.stats.rateLimited)).toEqual([0, 0]);
});
