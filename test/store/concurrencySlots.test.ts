/**
 * The store's concurrency limit, on both backends: never more than `limit` holders of a key at once however many
 * callers (and store connections, as separate workers) race, a released slot free at once, a slot whose holder died
 * free once its lease runs out, a caller that cannot get one in time told so.
 */
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, ConcurrencySlots, ConcurrencyWaitError, openStore, type LeaseTimers, type StateStore } from '../../lib/store';
import { PostgresDatabase } from '../../lib/store/postgres';
import type { SqlDatabase, StoreConfig } from '../../lib/store';
import { storeBackends } from './backends';

/** Heartbeats that never fire: a holder that stops renewing, as if its process had died. */
const frozenTimers: LeaseTimers = { setInterval: () => 0, clearInterval: () => undefined };

describe.each(storeBackends())('concurrency slots on $name', (backend) => {
	let store: StateStore;
	let config: StoreConfig;
	let clock: number;

	beforeAll(async () => await backend.setUp());
	afterAll(async () => await backend.tearDown());
	beforeEach(async () => {
		config = await backend.freshConfig();
		store = await openStore(config, allMigrations);
		clock = Date.parse('2026-01-01T00:00:00Z');
	});
	afterEach(async () => await closeAllStores());

	/**
	 * Another worker's connection: its own pool on PostgreSQL. On SQLite the same connection: two node:sqlite connections
	 * in one thread can deadlock (one waits synchronously for the write lock the other holds across an await); workers
	 * in separate processes share the file as circuits.processes.test.ts and the transport's process test show.
	 */
	const otherConnection = (): SqlDatabase => (config.kind === 'postgres' ? new PostgresDatabase(config) : store.db);
	const closeOther = async (db: SqlDatabase) => {
		if (db !== store.db) await db.close();
	};

	test('many callers on two connections: never more than the limit at work at once, and the limit is used', async () => {
		const second = otherConnection();
		try {
			const workers = [new ConcurrencySlots(store.db, { pollMs: 2 }), new ConcurrencySlots(second, { pollMs: 2 })];
			let active = 0;
			let peak = 0;
			const work = async () => {
				active++;
				peak = Math.max(peak, active);
				// Held until the limit has been reached once (or 30 s), so the others really contend however loaded the machine.
				const deadline = Date.now() + 30_000;
				while (peak < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
				for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
				await store.db.query('SELECT 1');
				active--;
			};
			await Promise.all(Array.from({ length: 24 }, (_, index) => workers[index % 2].run('mailchimp:acct', 3, work)));
			expect(peak).toBe(3);
			expect(await workers[0].inUse('mailchimp:acct', 3)).toBe(0);
		} finally {
			await closeOther(second);
		}
	});

	test('a full key refuses another worker until a slot is released, then gives it at once', async () => {
		const first = new ConcurrencySlots(store.db, { now: () => clock });
		const secondDb = otherConnection();
		const second = new ConcurrencySlots(secondDb, { now: () => clock });
		const held = [await first.tryAcquire('marketo:inst', 2), await first.tryAcquire('marketo:inst', 2)];
		expect(held.every(Boolean)).toBe(true);
		expect(await second.tryAcquire('marketo:inst', 2)).toBeUndefined();
		expect(await second.tryAcquire('marketo:other', 2)).toBeDefined();
		await held[0]!.release();
		expect(await second.tryAcquire('marketo:inst', 2)).toBeDefined();
		expect(await first.inUse('marketo:inst', 2)).toBe(2);
		await closeOther(secondDb);
	});

	test("a dead holder's slot frees when its lease runs out, not before", async () => {
		const dying = new ConcurrencySlots(store.db, { ttlMs: 10_000, now: () => clock, timers: frozenTimers });
		const live = new ConcurrencySlots(store.db, { ttlMs: 10_000, now: () => clock });
		expect(await dying.tryAcquire('k', 1)).toBeDefined();
		clock += 10_000;
		expect(await live.tryAcquire('k', 1)).toBeUndefined();
		clock += 1;
		expect(await live.tryAcquire('k', 1)).toBeDefined();
	});

	test('a caller that finds no slot within maxWaitMs is told which key and limit', async () => {
		const slots = new ConcurrencySlots(store.db, { now: () => clock, maxWaitMs: 1_000, pollMs: 100, random: () => 0.5, sleep: async (ms) => void (clock += ms) });
		await slots.tryAcquire('k', 1);
		const refusal = await slots.acquire('k', 1).catch((error: unknown) => error);
		expect(refusal).toBeInstanceOf(ConcurrencyWaitError);
		expect(refusal).toMatchObject({ key: 'k', limit: 1, message: expect.stringContaining('"k"') });
	});

	test('the work\'s own error comes back, and its slot is free again', async () => {
		const slots = new ConcurrencySlots(store.db);
		await expect(slots.run('k', 1, async () => await Promise.reject(new Error('vendor said no')))).rejects.toThrow('vendor said no');
		expect(await slots.inUse('k', 1)).toBe(0);
	});

	test.each([0, -1, 2.5, Number.NaN])('a limit of %p is refused', async (limit) => {
		await expect(new ConcurrencySlots(store.db).tryAcquire('k', limit)).rejects.toThrow(/at least 1/);
	});
});
