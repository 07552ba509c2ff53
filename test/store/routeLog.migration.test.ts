/**
 * The route log keyed by time (routing migration 3), on both backends: a store upgraded from the earlier table keeps
 * every entry (ids, content, newest first) and its deduplication window (an event handled before the upgrade is still a
 * duplicate after it, one handled before the window is not), and each appended row updates two B-trees, not four.
 */
import { allMigrations } from '../../lib/migrations';
import { RoutingRepository } from '../../lib/routing';
import { closeAllStores, openStore, type Migration, type StoreConfig } from '../../lib/store';
import { storeBackends } from './backends';

const before: Migration[] = allMigrations.filter((migration) => !(migration.component === 'routing' && migration.version >= 3));

const hour = 60 * 60 * 1000;
const day = 24 * hour;
const start = Date.parse('2026-03-01T00:00:00.000Z');

/** The route log's indexes besides the rows' own tree (on SQLite, a rowid table is one more tree). */
async function routeLogTrees(config: StoreConfig): Promise<string[]> {
	const store = await openStore(config, []);
	if (store.db.dialect === 'sqlite') {
		const table = await store.db.query<{ sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'routing_log'");
		const indexes = await store.db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'routing_log' ORDER BY name");
		return [/WITHOUT ROWID/i.test(table[0].sql) ? 'rows in the key' : 'rowid', ...indexes.map((index) => index.name)];
	}
	const indexes = await store.db.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ? ORDER BY indexname', ['routing_log']);
	return ['heap', ...indexes.map((index) => (index.indexname.endsWith('_pkey') ? 'primary key' : index.indexname)).sort()];
}

describe.each(storeBackends())('the route log keyed by time on $name', (backend) => {
	let config: StoreConfig;
	let clock = start;
	const now = () => clock;

	beforeAll(async () => await backend.setUp());
	afterAll(async () => await backend.tearDown());
	beforeEach(async () => {
		config = await backend.freshConfig();
		clock = start;
	});
	afterEach(async () => await closeAllStores());

	test('an upgraded store keeps every entry and its deduplication window', async () => {
		const old = await openStore(config, before);
		const earlier = new RoutingRepository(old.db, now);
		await earlier.log([{ eventId: 'evt-old', eventType: 'order.placed', source: 'shop', ruleId: 'orders', destinationId: 'accounting', status: 'delivered', attempts: 2 }]);
		clock += 2 * day;
		await earlier.log([
			{ eventId: 'evt-1', eventType: 'order.placed', source: 'shop', ruleId: 'orders', destinationId: 'accounting', status: 'delivered', attempts: 1 },
			{ eventId: 'evt-1', eventType: 'order.placed', source: 'shop', ruleId: 'orders', destinationId: 'crm', status: 'failed', attempts: 4, detail: 'HTTP 500' },
			{ eventId: 'evt-bad', status: 'rejected', attempts: 0, detail: 'event has no type' },
		]);
		clock += hour;
		await earlier.log([{ eventId: 'evt-2', eventType: 'customer.created', source: 'crm', ruleId: 'new, all', destinationId: 'out1, out2', status: 'handed_off', attempts: 0 }]);
		const entries = await earlier.routeLog();
		expect(entries.map((entry) => entry.eventId)).toEqual(['evt-2', 'evt-1', 'evt-1', 'evt-bad', 'evt-old']);
		await old.close();

		const store = await openStore(config, allMigrations);
		const routing = new RoutingRepository(store.db, now);
		expect(await routing.routeLog()).toEqual(entries);
		expect(await routing.routeLog({ eventId: 'evt-1' })).toEqual(entries.filter((entry) => entry.eventId === 'evt-1'));
		expect([...(await routing.seenWithin(['evt-old', 'evt-1', 'evt-bad', 'evt-2', 'evt-new'], day))].sort()).toEqual(['evt-1', 'evt-2']);

		clock += 1;
		await routing.log([{ eventId: 'evt-new', eventType: 'order.placed', source: 'shop', ruleId: 'orders', destinationId: 'accounting', status: 'delivered', attempts: 1 }]);
		expect((await routing.routeLog({ limit: 2 })).map((entry) => entry.eventId)).toEqual(['evt-new', 'evt-2']);
		expect([...(await routing.seenWithin(['evt-new', 'evt-1'], day))].sort()).toEqual(['evt-1', 'evt-new']);
	});

	test('a route-log row updates the rows\' own tree keyed by time and one index by event', async () => {
		await (await openStore(config, allMigrations)).close();
		expect(await routeLogTrees(config)).toEqual(backend.name === 'sqlite' ? ['rows in the key', 'routing_log_by_event'] : ['heap', 'primary key', 'routing_log_by_event']);
	});
});
