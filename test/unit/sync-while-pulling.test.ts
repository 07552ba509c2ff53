/**
 * A sync pulls every platform at once and, once a single platform is still pulling (a desk waiting on its export
 * window), pushes what that platform has staged between its pages: never while another platform's changes may still
 * be unstaged, so last write wins holds as when every pull ended first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import type { CrmEntity } from '../../lib/platforms/crm';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { InboxRepository } from '../../lib/sync/inbox';
import { syncPlatforms } from '../../lib/sync/sync';
import { FakeCrm, fakeMappings, tick } from './crmFakeConnector';

jest.setTimeout(60_000);

let dir: string;
let store: StateStore;
let run = 0;

beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'sync-while-pulling-'));
	store = await openStore({ kind: 'sqlite', file: join(dir, 'state.db') }, allMigrations);
});

afterEach(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

const sync = (platforms: FakeCrm[]) =>
	syncPlatforms({
		store, integration: 'test', entity: 'contacts', platforms: platforms.map((connector) => ({ connector, mappings: fakeMappings })),
		strategy: { kind: 'lastWriteWins' }, deletes: 'propagate', runId: `run-${++run}`,
	});

/** Every call of the platforms, in the order they were made. */
const log: string[] = [];

/** A platform whose pull calls are logged, each of them made to wait for `gate` when it is set. */
class LoggedCrm extends FakeCrm {
	gate?: Promise<void>;
	readonly pulled = new Set<string>();

	override async pullChanges(entity: CrmEntity, cursor: string | undefined) {
		await this.gate;
		const page = await super.pullChanges(entity, cursor);
		log.push(`${this.platform} pull${page.done ? ' (last)' : ''}`);
		return page;
	}

	override async write(...args: Parameters<FakeCrm['write']>) {
		log.push(`${this.platform} write`);
		return super.write(...args);
	}
}

beforeEach(() => {
	log.length = 0;
});

it('pushes the pages of the one platform still pulling before its pull ends, each record once, in full batches', async () => {
	const desk = new LoggedCrm('zendesk', undefined, { pageSize: 100 });
	const crm = new LoggedCrm('hubspot');
	for (let i = 0; i < 300; i++) desk.add({ firstname: `P${i}`, email: `p${i}@x.test` });
	const result = await sync([desk, crm]);
	expect(result.platforms.hubspot.created).toBe(300);
	expect(crm.live()).toHaveLength(300);
	expect(crm.calls.filter((call) => call.kind === 'write').map((call) => call.size)).toEqual([100, 100, 100]);
	// Before: every write after the last page.
	expect(log.indexOf('hubspot write')).toBeLessThan(log.indexOf('zendesk pull (last)'));
	expect(result.pending).toBe(0);
	expect(await new InboxRepository(store.db).size({ integration: 'test', entity: 'contacts' })).toBe(0);
});

it('pushes nothing while another platform is still pulling: a newer edit it has not handed out yet still wins', async () => {
	const desk = new LoggedCrm('zendesk', undefined, { pageSize: 100 });
	const crm = new LoggedCrm('hubspot', undefined, { pageSize: 100 });
	for (let i = 0; i < 300; i++) desk.add({ firstname: `P${i}`, email: `p${i}@x.test` });
	await sync([desk, crm]);

	// Both edit the same person, the CRM later; the CRM hands its edit out only after every page of the desk was read.
	const person = desk.live()[0];
	desk.edit(person.id, { firstname: 'Desk' }, tick());
	crm.edit(crm.byField('email', person.fields.email)[0].id, { firstname: 'Crm' }, tick());
	for (const record of desk.live().slice(1, 250)) desk.edit(record.id, { lastname: 'Moved' });
	log.length = 0;
	let deskDone: () => void = () => undefined;
	crm.gate = new Promise((resolve) => (deskDone = resolve));
	const watch = setInterval(() => log.includes('zendesk pull (last)') && deskDone(), 5);
	try {
		const result = await sync([desk, crm]);
		expect(result.failures).toEqual([]);
	} finally {
		clearInterval(watch);
	}
	expect(log.indexOf('hubspot write')).toBeGreaterThan(log.indexOf('hubspot pull (last)'));
	expect(desk.byField('email', person.fields.email)[0].fields.firstname).toBe('Crm');
	expect(crm.byField('email', person.fields.email)[0].fields.firstname).toBe('Crm');
	expect(crm.live().filter((record) => record.fields.lastname === 'Moved')).toHaveLength(249);
});
