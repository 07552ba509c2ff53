/**
 * The route log's layout upgrades (routing migrations 3 and 4), on both backends: a store upgraded from the first table
 * keeps every entry (content, times, order written) and its deduplication window (an event handled before the upgrade
 * is still a duplicate after it, one handled before the window is not), and each appended row updates the rows' own
 * tree and one index by event.
 */
import { allMigrations } from '../../lib/migrations';
import { RoutingRepository, type RouteLogEntry } from '../../lib/routing';
import { closeAllStores, openStore, type Migration, type StoreConfig } from '../../lib/store';
import { insertMany } from '../../lib/store/insertMany';
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

	/** Entries as the earlier tables held them: a text id (time-ordered since version 3) and an ISO time each. */
	const firstTableRows = (entries: Array<RouteLogEntry & { at: number }>) =>
		entries.map((entry, index) => [
			`0000-${index}`, entry.eventId ?? null, entry.eventType ?? null, entry.source ?? null, entry.ruleId ?? null, entry.destinationId ?? null,
			entry.status, entry.attempts, entry.detail ?? null, new Date(entry.at).toISOString(),
		]);

	test('an upgraded store keeps every entry, in the order written, and its deduplication window', async () => {
		const old = await openStore(config, before);
		const written: Array<RouteLogEntry & { at: number }> = [
			{ at: start, eventId: 'evt-old', eventType: 'order.placed', source: 'shop', ruleId: 'orders', destinationId: 'accounting', status: 'delivered', attempts: 2 },
			{ at: start + 2 * day, eventId: 'evt-1', eventType: 'order.placed', source: 'shop', ruleId: 'orders', destinationId: 'accounting', status: 'delivered', attempts: 1 },
			{ at: start + 2 * day, eventId: 'evt-1', eventType: 'order.placed', source: 'shop', ruleId: 'orders', destinationId: 'crm', status: 'failed', attempts: 4, detail: 'HTTP 500' },
			{ at: start + 2 * day, eventId: 'evt-bad', status: 'rejected', attempts: 0, detail: 'event has no type' },
			{ at: start + 2 * day + hour + 7, eventId: 'evt-2', eventType: 'customer.created', source: 'crm', ruleId: 'new, all', destinationId: 'out1, out2', status: 'handed_off', attempts: 0 },
		];
		await insertMany(old.db, { into: 'routing_log (id, event_id, event_type, source, rule_id, destination_id, status, attempts, detail, created_at)', rows: firstTableRows(written) });
		await old.close();
		clock = start + 2 * day + hour + 7;

		const store = await openStore(config, allMigrations);
		const routing = new RoutingRepository(store.db, now);
		const newestFirst = [...written].reverse().map(({ at, ...entry }) => ({ ...entry, createdAt: new Date(at).toISOString() }));
		const withoutIds = (rows: RouteLogEntry[]) => rows.map(({ id: _id, ...entry }: RouteLogEntry & { id?: string }) => entry);
		expect(withoutIds(await routing.routeLog())).toEqual(newestFirst);
		expect(withoutIds(await routing.routeLog({ eventId: 'evt-1' }))).toEqual(newestFirst.filter((entry) => entry.eventId === 'evt-1'));
		expect([...(await routing.seenWithin(['evt-old', 'evt-1', 'evt-bad', 'evt-2', 'evt-new'], day))].sort()).toEqual(['evt-1', 'evt-2']);

		clock += 1;
		await routing.log([{ eventId: 'evt-new', eventType: 'order.placed', source: 'shop', ruleId: 'orders', destinationId: 'accounting', status: 'delivered', attempts: 1 }]);
		const [latest, previous] = await routing.routeLog({ limit: 2 });
		expect([latest.eventId, previous.eventId]).toEqual(['evt-new', 'evt-2']);
		expect(Number(latest.id)).toBeGreaterThan(Number(previous.id));
		expect(latest.createdAt).toBe(new Date(clock).toISOString());
		expect([...(await routing.seenWithin(['evt-new', 'evt-1'], day))].sort()).toEqual(['evt-1', 'evt-new']);
	});

	test('a route-log row updates the rows\' own tree, numbered in the order written, and one index by event', async () => {
		await (await openStore(config, allMigrations)).close();
		expect(await routeLogTrees(config)).toEqual(backend.name === 'sqlite' ? ['rowid', 'routing_log_by_event'] : ['heap', 'primary key', 'routing_log_by_event']);
	});
});
