/** Sync with the Intercom sandbox: contacts one call each, a taken email linked through Intercom's 409, search with day precision. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { pullChanges } from '../../lib/sync/pull';
import { syncPlatforms } from '../../lib/sync/sync';
import type { RunningSandbox } from '../sandbox/registry';
import { crmClient, startCrmSandbox, type CrmSandbox } from './crmSandboxes';

interface IntercomContact {
	id: string;
	name: string | null;
	email: string | null;
	phone: string | null;
	external_id: string | null;
	updated_at: number;
}

let servers: RunningSandbox[];
let dir: string;
let store: StateStore;
let hubspot: CrmSandbox;
let intercom: CrmSandbox;
let run = 0;

beforeAll(async () => {
	servers = [await startCrmSandbox('hubspot'), await startCrmSandbox('intercom')];
});
afterAll(async () => {
	for (const server of servers) await server.close();
});
beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'crm-intercom-'));
	store = await openStore({ kind: 'sqlite', file: join(dir, 'state.db') }, allMigrations);
	hubspot = crmClient('hubspot', servers[0], store);
	intercom = crmClient('intercom', servers[1], store);
	await hubspot.control.reset();
	await intercom.control.reset();
});
afterEach(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

const sync = () => syncPlatforms({
	store, integration: 'ic', entity: 'contacts', platforms: [hubspot.platform, intercom.platform], strategy: { kind: 'lastWriteWins' }, deletes: 'propagate', runId: `ic-${++run}`,
});
const contacts = () => intercom.control.state<IntercomContact[]>('contacts');

test('HubSpot contacts reach Intercom; one whose email Intercom already has is linked through the 409, not duplicated', async () => {
	await hubspot.control.seed({ contacts: [1, 2, 3].map((i) => ({ properties: { firstname: `Ann${i}`, lastname: 'Lee', email: `ann${i}@example.com` } })) });
	const result = await sync();
	expect(result.failures).toEqual([]);
	// Intercom's existing contact was pulled first and matched by email in the hub; a later push with no link hits the 409 path.
	await intercom.control.seed({ contacts: [{ email: 'ann9@example.com', name: 'Nine' }] });
	await hubspot.control.seed({ contacts: [{ properties: { firstname: 'Ann9', lastname: 'Lee', email: 'ann9@example.com' } }] });
	const connector = intercom.connector;
	const [outcome] = await connector.write('contacts', [{ fields: { name: 'Ann9 Lee', email: 'ann9@example.com' }, internalId: 'x9' }]);
	expect(outcome).toMatchObject({ ok: true, created: false });
	const all = await contacts();
	expect(all.map((contact) => contact.email).sort()).toEqual(['ann1@example.com', 'ann2@example.com', 'ann3@example.com', 'ann9@example.com']);
	expect(all.find((contact) => contact.email === 'ann2@example.com')).toMatchObject({ name: 'Ann2 Lee', external_id: expect.any(String) });
});

test('a pull keeps exactly the contacts changed after the cursor, later the same day included, although Intercom search works by whole days', async () => {
	const noon = Math.floor(Date.parse('2026-11-27T12:00:00Z') / 1000);
	await intercom.control.seed({ contacts: [{ email: 'early@example.com', updated_at: noon - 3600 }, { email: 'late@example.com', updated_at: noon + 3600 }] });
	const seen: string[] = [];
	const pull = () => pullChanges({
		store, connector: intercom.connector, integration: 'ic', entity: 'contacts', mappings: intercom.platform.mappings, deletes: 'ignore',
		onPage: async (changes) => void seen.push(...changes.map((change) => String(change.fields.email))),
	});
	await pull();
	expect(seen.sort()).toEqual(['early@example.com', 'late@example.com']);
	// Changed after the cursor (noon + 1 h) on the cursor's own day: `>` the cursor would only match from the next day.
	seen.length = 0;
	await intercom.control.seed({ contacts: [{ email: 'evening@example.com', updated_at: noon + 7200 }] });
	await pull();
	expect(seen).toEqual(['evening@example.com']);
	seen.length = 0;
	await pull();
	expect(seen).toEqual([]);
	const requests = await intercom.control.requests();
	const lastQuery = (requests[requests.length - 1].body as { query: { value: number } }).query.value;
	// The search asked from the day before the cursor's day, so Intercom matches from the start of the cursor's day.
	expect(Math.floor(lastQuery / 86_400)).toBe(Math.floor(noon / 86_400) - 1);
});

test('an edit in Intercom comes back to HubSpot and does not bounce', async () => {
	await hubspot.control.seed({ contacts: [{ properties: { firstname: 'Grace', lastname: 'Hopper', email: 'grace@example.com' } }] });
	await sync();
	const [contact] = await contacts();
	await new Promise((resolve) => setTimeout(resolve, 1100));
	await fetch(`${servers[1].baseUrl}/contacts/${contact.id}`, {
		method: 'PUT', headers: { authorization: `Bearer ${servers[1].credentials.accessToken}`, 'content-type': 'application/json', 'intercom-version': '2.14' }, body: JSON.stringify({ phone: '+15550142' }),
	});
	const edit = await sync();
	expect(edit.platforms.hubspot.updated).toBe(1);
	const [hs] = await hubspot.control.state<Array<{ properties: Record<string, string | null> }>>('contacts');
	expect(hs.properties.phone).toBe('+15550142');
	const quiet = await sync();
	expect(quiet.platforms.hubspot.updated + quiet.platforms.intercom.updated).toBe(0);
});
