/**
 * The stock locks' group commit on PostgreSQL when two processes' batches take the same rows in opposite orders (the
 * same orders redelivered to two workers): PostgreSQL makes one piece a deadlock's victim, and that piece runs again
 * in its engine's next batch instead of failing its caller. (SQLite has one writer at a time: no deadlock to test.)
 */
import { StockLocks } from '../../lib/inventory/locks';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type SqlExecutor, type StateStore } from '../../lib/store';
import { storeBackends } from './backends';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const postgres = storeBackends().find((backend) => backend.name === 'postgres') as NonNullable<ReturnType<typeof storeBackends>[number]>;
const lockOptions = { pollMs: 5, sleep: pause, now: Date.now };

describe('group commit on postgres', () => {
	let store: StateStore;

	beforeAll(async () => {
		await postgres.setUp();
		store = await openStore(await postgres.freshConfig(), allMigrations);
		await store.db.run('CREATE TABLE taken_rows (id TEXT PRIMARY KEY)');
	});
	afterAll(async () => {
		await closeAllStores();
		await postgres.tearDown();
	});

	const take = (id: string, afterMs = 0) => async (tx: SqlExecutor) => {
		await pause(afterMs);
		return (await tx.run('INSERT INTO taken_rows (id) VALUES (?) ON CONFLICT DO NOTHING', [id])).changes;
	};

	test('two engines taking two rows in opposite orders: the deadlock victim runs again in its next batch, and every piece succeeds', async () => {
		// Two engines, each with its own group commit, as two worker processes would have.
		const [first, second] = [new StockLocks(store.db, lockOptions), new StockLocks(store.db, lockOptions)];
		const pieces = [first.inCommit(take('a')), first.inCommit(take('b', 300)), second.inCommit(take('b')), second.inCommit(take('a', 300))];
		const settled = await Promise.allSettled(pieces);
		expect(settled.map((result) => (result.status === 'rejected' ? String(result.reason) : result.status))).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
		// Each row taken once: the victim's retry found it there.
		expect(settled.map((result) => (result as PromiseFulfilledResult<number>).value).reduce((sum, changes) => sum + changes, 0)).toBe(2);
		expect((await store.db.query<{ id: string }>('SELECT id FROM taken_rows ORDER BY id')).map((row) => row.id)).toEqual(['a', 'b']);
	});
});
