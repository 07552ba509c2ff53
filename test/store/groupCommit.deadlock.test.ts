/**
 * The stock locks' group commit on PostgreSQL. A piece relies on the writes of every piece queued before it (a fan-out's
 * lock takes read the ledger rows its record wrote), so one engine's batches run one after another, never side by side
 * on two connections. When two processes' batches take the same rows in opposite orders (the same orders redelivered
 * to two workers), PostgreSQL makes one piece a deadlock's victim: that piece, and the pieces queued after it, run again
 * in the engine's next batch instead of failing their callers. (SQLite has one writer at a time: nothing to test there.)
 */
import { StockLocks } from '../../lib/inventory/locks';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type SqlDatabase, type SqlExecutor, type StateStore } from '../../lib/store';
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
		await store.db.run('CREATE TABLE noted_rows (engine TEXT NOT NULL, id TEXT NOT NULL)');
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

	test('a batch starts once the one before it has committed: a piece queued while a batch is open sees what that batch wrote', async () => {
		let open = 0;
		let mostOpen = 0;
		const counted: SqlDatabase = {
			dialect: store.db.dialect,
			query: async (sql, params) => await store.db.query(sql, params),
			run: async (sql, params) => await store.db.run(sql, params),
			close: async () => await store.db.close(),
			transaction: async (work) => {
				mostOpen = Math.max(mostOpen, ++open);
				try {
					return await store.db.transaction(work);
				} finally {
					open--;
				}
			},
		};
		const locks = new StockLocks(counted, lockOptions);
		let recordStarted!: () => void;
		const started = new Promise<void>((resolve) => (recordStarted = resolve));
		let letRecordCommit!: () => void;
		const held = new Promise<void>((resolve) => (letRecordCommit = resolve));
		// The first batch records a row and stays open (as a batch waiting for a row another worker holds does).
		const record = locks.inCommit(async (tx) => {
			await tx.run("INSERT INTO taken_rows (id) VALUES ('recorded')");
			recordStarted();
			await held;
		});
		await started;
		// Queued meanwhile (a lock take for the recorded row, its store's lock just freed): it must read that row.
		const read = locks.inCommit(async (tx) => (await tx.query("SELECT id FROM taken_rows WHERE id = 'recorded'")).length);
		// Two turns of the event loop: a second batch, if the engine started one now, has asked the store for its transaction.
		for (let turn = 0; turn < 2; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
		letRecordCommit();
		await record;
		expect(await read).toBe(1);
		expect(mostOpen).toBe(1);
	});

	test('a deadlock victim and the pieces queued after it run again together, in order: a later piece still sees the victim\'s write', async () => {
		const [first, second] = [new StockLocks(store.db, lockOptions), new StockLocks(store.db, lockOptions)];
		const takeAndNote = (engine: string, id: string, afterMs: number) => async (tx: SqlExecutor) => {
			await take(id, afterMs)(tx);
			await tx.run('INSERT INTO noted_rows (engine, id) VALUES (?, ?)', [engine, id]);
		};
		const noted = (engine: string, id: string) => async (tx: SqlExecutor) =>
			(await tx.query('SELECT id FROM noted_rows WHERE engine = ? AND id = ?', [engine, id])).length;
		// Each engine: take one row, then (later) the other's, noting it, then read its own note in the same batch.
		const [, , firstSaw, , , secondSaw] = await Promise.all([
			first.inCommit(take('c')),
			first.inCommit(takeAndNote('first', 'd', 300)),
			first.inCommit(noted('first', 'd')),
			second.inCommit(take('d')),
			second.inCommit(takeAndNote('second', 'c', 300)),
			second.inCommit(noted('second', 'c')),
		]);
		expect({ firstSaw, secondSaw }).toEqual({ firstSaw: 1, secondSaw: 1 });
	});
});
