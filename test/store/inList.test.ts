/**
 * The chunked IN-list helper on both backends, with a list longer than either one's parameter limit (SQLite 32,766,
 * PostgreSQL 65,535): the same list in one statement is refused by both, through the helper it finds every row.
 */
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, IN_LIST_CHUNK, inListChunks, openStore, runIn, selectIn, type Migration, type SqlExecutor, type StateStore } from '../../lib/store';
import { storeBackends } from './backends';

const ABOVE_EVERY_LIMIT = 70_000;
const STORED = 1_000;

const itemsTable: Migration = {
	component: 'in-list-test',
	version: 1,
	description: 'rows to look up by long lists',
	statements: ['CREATE TABLE in_list_items (id TEXT PRIMARY KEY, grp TEXT NOT NULL, n BIGINT NOT NULL)'],
};

const stored = Array.from({ length: STORED }, (_, index) => `item-${index}`);
/** Every stored id among ids that are not stored, interleaved, far beyond either limit. */
const longList = Array.from({ length: ABOVE_EVERY_LIMIT }, (_, index) => (index % 70 === 0 && index / 70 < STORED ? stored[index / 70] : `missing-${index}`));

describe.each(storeBackends())('IN lists on $name', (backend) => {
	let store: StateStore;

	beforeAll(async () => {
		await backend.setUp();
		store = await openStore(await backend.freshConfig(), [...allMigrations, itemsTable]);
		await store.db.transaction(async (tx) => {
			for (const chunk of inListChunks(stored, 200)) {
				const rows = chunk.values.map(() => '(?, ?, ?)').join(', ');
				await tx.run(`INSERT INTO in_list_items (id, grp, n) VALUES ${rows}`, chunk.values.flatMap((id) => [id, 'a', Number(id.slice(5))]));
			}
		});
	});
	afterAll(async () => {
		await closeAllStores();
		await backend.tearDown();
	});

	test(`the list of ${ABOVE_EVERY_LIMIT} in one statement is refused by the backend itself`, async () => {
		expect(longList.filter((id) => id.startsWith('item-'))).toHaveLength(STORED);
		const oneStatement = store.db.query(`SELECT id FROM in_list_items WHERE id IN (${longList.map(() => '?').join(', ')})`, longList);
		// SQLite: "too many SQL variables"; PostgreSQL's protocol counts parameters in 16 bits (70,000 wraps to 4,464).
		await expect(oneStatement).rejects.toThrow(/too many SQL variables|bind message has \d+ parameter formats/);
	});

	test('selectIn finds every row of a list beyond both limits, with the statement\'s other parameters', async () => {
		const rows = await selectIn<{ id: string; n: number | string }, string>(store.db, longList, ({ placeholders, values }) => ({
			sql: `SELECT id, n FROM in_list_items WHERE grp = ? AND id IN (${placeholders}) ORDER BY n`,
			params: ['a', ...values],
		}));
		expect(rows.map((row) => row.id).sort()).toEqual([...stored].sort());
		expect(await selectIn(store.db, longList, ({ placeholders, values }) => ({ sql: `SELECT id FROM in_list_items WHERE grp = ? AND id IN (${placeholders})`, params: ['b', ...values] }))).toEqual([]);
	});

	test('a value given twice is looked up once: no row comes back twice, even across chunks', async () => {
		const twice = [...stored.slice(0, 10), ...Array.from({ length: IN_LIST_CHUNK }, (_, index) => `missing-${index}`), ...stored.slice(0, 10)];
		const rows = await selectIn<{ id: string }, string>(store.db, twice, ({ placeholders, values }) => ({ sql: `SELECT id FROM in_list_items WHERE id IN (${placeholders})`, params: values }));
		expect(rows.map((row) => row.id).sort()).toEqual(stored.slice(0, 10).sort());
		const inOneChunk = await selectIn<{ id: string }, string>(store.db, [stored[0], stored[1], stored[0]], ({ placeholders, values }) => ({ sql: `SELECT id FROM in_list_items WHERE id IN (${placeholders})`, params: values }));
		expect(inOneChunk.map((row) => row.id).sort()).toEqual([stored[0], stored[1]].sort());
	});

	test('no values, no statement', async () => {
		const calls: string[] = [];
		const spy: SqlExecutor = {
			dialect: store.db.dialect,
			query: async (sql) => (calls.push(sql), []),
			run: async (sql) => (calls.push(sql), { changes: 0 }),
		};
		expect(await selectIn(spy, [], () => ({ sql: 'SELECT 1', params: [] }))).toEqual([]);
		expect(await runIn(spy, [], () => ({ sql: 'DELETE FROM in_list_items', params: [] }))).toBe(0);
		expect(calls).toEqual([]);
	});

	test('runIn changes every listed row inside one transaction, and rolls back with it', async () => {
		const update = (tx: SqlExecutor) =>
			runIn(tx, longList, ({ placeholders, values }) => ({ sql: `UPDATE in_list_items SET grp = ? WHERE id IN (${placeholders})`, params: ['b', ...values] }));
		await expect(
			store.db.transaction(async (tx) => {
				expect(await update(tx)).toBe(STORED);
				throw new Error('roll back');
			}),
		).rejects.toThrow('roll back');
		const [unchanged] = await store.db.query<{ count: number | string }>("SELECT COUNT(*) AS count FROM in_list_items WHERE grp = 'a'");
		expect(Number(unchanged.count)).toBe(STORED);
		expect(await store.db.transaction(update)).toBe(STORED);
		const [changed] = await store.db.query<{ count: number | string }>("SELECT COUNT(*) AS count FROM in_list_items WHERE grp = 'b'");
		expect(Number(changed.count)).toBe(STORED);
	});
});

describe('IN list chunks', () => {
	test('distinct values, in the order first given, in chunks of the size asked', () => {
		const chunks = [...inListChunks(['a', 'b', 'a', 'c', 'd', 'e', 'b'], 2)];
		expect(chunks).toEqual([
			{ values: ['a', 'b'], placeholders: '?, ?' },
			{ values: ['c', 'd'], placeholders: '?, ?' },
			{ values: ['e'], placeholders: '?' },
		]);
	});

	test('a list that fits one chunk is taken as it is, repeats and all (IN is a set)', () => {
		const list = ['a', 'b', 'a'];
		const [chunk, ...more] = [...inListChunks(list, 3)];
		expect(chunk).toEqual({ values: ['a', 'b', 'a'], placeholders: '?, ?, ?' });
		expect(chunk.values).toBe(list);
		expect(more).toEqual([]);
		expect([...inListChunks([], 3)]).toEqual([]);
	});

	test.each([0, -1, 1.5, Number.NaN])('a chunk size of %p is refused', (size) => {
		expect(() => [...inListChunks(['a'], size)]).toThrow(/at least 1/);
	});
});
