/**
 * The multi-row insert helper on both backends: a batch of any length in few statements, each row intact, an ON CONFLICT
 * clause honoured, and a row of the wrong width refused before anything is written.
 */
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type Migration, type SqlExecutor, type StateStore } from '../../lib/store';
import { insertMany } from '../../lib/store/insertMany';
import { storeBackends } from './backends';

const table: Migration = {
	component: 'insert-many-test',
	version: 1,
	description: 'rows inserted in bulk',
	statements: ['CREATE TABLE insert_many_items (id TEXT PRIMARY KEY, n BIGINT NOT NULL, note TEXT)'],
};

/** An executor that remembers each statement it runs. */
function counting(executor: SqlExecutor, statements: string[]): SqlExecutor {
	return { dialect: executor.dialect, query: (sql, params) => executor.query(sql, params), run: (sql, params) => (statements.push(sql), executor.run(sql, params)) };
}

describe.each(storeBackends())('insertMany on $name', (backend) => {
	let store: StateStore;

	beforeAll(async () => {
		await backend.setUp();
		store = await openStore(await backend.freshConfig(), [...allMigrations, table]);
	});
	afterAll(async () => {
		await closeAllStores();
		await backend.tearDown();
	});

	test('1,234 rows in seven statements (500, 500, then powers of two), every value kept', async () => {
		const statements: string[] = [];
		const rows = Array.from({ length: 1_234 }, (_, index) => [`row-${index}`, index, index % 2 === 0 ? null : `note ${index}`]);
		const changed = await store.db.transaction(async (tx) => insertMany(counting(tx, statements), { into: 'insert_many_items (id, n, note)', rows }));
		expect(changed).toBe(1_234);
		// 1,234 = 500 + 500 + 128 + 64 + 32 + 8 + 2: seven statements, of six distinct shapes.
		expect(statements).toHaveLength(7);
		expect(new Set(statements).size).toBe(6);
		const stored = await store.db.query<{ id: string; n: number | string; note: string | null }>('SELECT id, n, note FROM insert_many_items ORDER BY n');
		expect(stored.map((row) => [row.id, Number(row.n), row.note])).toEqual(rows);
	});

	test('an ON CONFLICT clause applies to every row of the statement', async () => {
		await insertMany(store.db, { into: 'insert_many_items (id, n, note)', rows: [['row-1', 1, 'again'], ['fresh', 7, null]], onConflict: 'ON CONFLICT (id) DO UPDATE SET note = excluded.note' });
		const rows = await store.db.query<{ id: string; note: string | null }>("SELECT id, note FROM insert_many_items WHERE id IN ('row-1', 'fresh') ORDER BY id");
		expect(rows).toEqual([{ id: 'fresh', note: null }, { id: 'row-1', note: 'again' }]);
	});

	test('a row of the wrong width is refused, naming the table, and nothing of its statement is written', async () => {
		await expect(insertMany(store.db, { into: 'insert_many_items (id, n, note)', rows: [['w-1', 1, null], ['w-2', 2]] })).rejects.toThrow(
			'insertMany into insert_many_items (id, n, note): every row must have 3 values',
		);
		expect(await store.db.query("SELECT id FROM insert_many_items WHERE id LIKE 'w-%'")).toEqual([]);
	});

	test('flat values, `width` per row: 1,234 rows in the same seven statements, every value kept', async () => {
		await store.db.run("DELETE FROM insert_many_items WHERE id LIKE 'flat-%'");
		const statements: string[] = [];
		const rows = Array.from({ length: 1_234 }, (_, index) => [`flat-${index}`, index, index % 3 === 0 ? null : `note ${index}`]);
		const changed = await store.db.transaction(async (tx) => insertMany(counting(tx, statements), { into: 'insert_many_items (id, n, note)', values: rows.flat(), width: 3 }));
		expect(changed).toBe(1_234);
		expect(statements).toHaveLength(7);
		const stored = await store.db.query<{ id: string; n: number | string; note: string | null }>("SELECT id, n, note FROM insert_many_items WHERE id LIKE 'flat-%' ORDER BY n");
		expect(stored.map((row) => [row.id, Number(row.n), row.note])).toEqual(rows);
	});

	test('flat values that are not whole rows are refused, naming the table, and nothing is written', async () => {
		await expect(insertMany(store.db, { into: 'insert_many_items (id, n, note)', values: ['v-1', 1, null, 'v-2', 2], width: 3 })).rejects.toThrow(
			'insertMany into insert_many_items (id, n, note): 5 values are not rows of 3',
		);
		expect(await store.db.query("SELECT id FROM insert_many_items WHERE id LIKE 'v-%'")).toEqual([]);
	});
});
