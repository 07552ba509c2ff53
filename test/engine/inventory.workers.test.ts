/**
 * Two workers (two engines, each with its own in-process queue) racing on the same read-modify-write store through one
 * state store, on SQLite and on PostgreSQL: the leased lock rows alone keep every update, and each order line is
 * applied once however many workers receive it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { InventoryFanOut, type StoreTarget } from '../../lib/inventory';
import { allMigrations } from '../../lib/migrations';
import { readModifyWrite, UnknownSkuError, type InventoryConnector, type StockChange } from '../../lib/platforms/inventory';
import { closeAllStores, openStore, type StoreConfig } from '../../lib/store';
import { PostgresDatabase } from '../../lib/store/postgres';
import { acquirePostgres, uniqueName } from '../support/postgres';

jest.setTimeout(300_000);

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A store without adjust or compare, with latency between its read and its write: lost updates happen if unguarded. */
class SlowPlainStore implements InventoryConnector {
	readonly platform = 'woocommerce';
	readonly adjustPrimitive = 'read_modify_write' as const;
	readonly compareAndSet = false;
	readonly quantities = new Map<string, number>();

	async getQuantity(sku: string): Promise<number> {
		await pause(2);
		const quantity = this.quantities.get(sku);
		if (quantity === undefined) throw new UnknownSkuError(this.platform, sku);
		return quantity;
	}

	adjust(sku: string, delta: number): Promise<StockChange> {
		return readModifyWrite(this, sku, delta, async (quantity) => {
			await pause(2);
			this.quantities.set(sku, quantity);
		});
	}

	async set(sku: string, quantity: number): Promise<StockChange> {
		const previous = await this.getQuantity(sku);
		this.quantities.set(sku, quantity);
		return { previous, next: quantity };
	}
}

let postgres: { config: Omit<StoreConfig & { kind: 'postgres' }, 'kind'>; release(): Promise<void> } | undefined;
let folder: string;

beforeAll(async () => {
	folder = mkdtempSync(join(tmpdir(), 'inventory-workers-'));
	postgres = await acquirePostgres().catch(() => undefined);
});

afterAll(async () => {
	await closeAllStores();
	await postgres?.release();
	rmSync(folder, { recursive: true, force: true });
});

async function raceTwoWorkers(config: StoreConfig): Promise<void> {
	const shared = new SlowPlainStore();
	const other = new SlowPlainStore();
	shared.quantities.set('RACE', 500);
	other.quantities.set('RACE', 500);
	const stores: StoreTarget[] = [
		{ id: 'woo', connector: shared },
		{ id: 'other', connector: other },
	];
	const store = await openStore(config, allMigrations);
	// Each engine with its own in-process queue, as two processes would have: only the lock rows stand between them.
	const workers = [0, 1].map(() => new InventoryFanOut({ db: store.db, stores, lockPollMs: 5, isolatedLocks: true }));
	const orders = Array.from({ length: 60 }, (_, index) => ({ orderId: `o-${index}`, lineId: '1', sku: 'RACE', quantity: 1, sourceStore: 'other' }));
	// Every order reaches both workers (a redelivery landing on another worker).
	await Promise.all(orders.flatMap((order) => workers.map((worker) => worker.apply([order]))));
	expect(shared.quantities.get('RACE')).toBe(440);
	expect(other.quantities.get('RACE')).toBe(500);
	const rows = await workers[0].ledger.list({ storeId: 'woo' });
	expect(rows).toHaveLength(60);
	expect(rows.every((row) => row.status === 'applied' && row.attempts === 1)).toBe(true);
}

test('SQLite: two workers lose no update and apply each line once', async () => {
	await raceTwoWorkers({ kind: 'sqlite', file: join(folder, 'state.sqlite') });
});

test('PostgreSQL: two workers lose no update and apply each line once', async () => {
	if (!postgres) throw new Error('no PostgreSQL available for this test (see test/support/postgres.ts)');
	await raceTwoWorkers({ kind: 'postgres', ...postgres.config, schema: uniqueName('inventory') });
});

/**
 * Distinct orders split between two workers, each an n8n process: its own connection pool, and one lock queue and
 * group commit shared by its executions (an engine per order). Three stores take every order, one writer at a time per
 * store and SKU, so an order's lock takes often wait for another order's writes, then run while its own record may still
 * be committing. Every row is applied by the execution that recorded it; none is left pending for a later resume.
 * (PostgreSQL only: SQLite's one connection runs every transaction in turn.)
 */
test('PostgreSQL: orders split between two workers, each fanned out to three stores, are all applied by their own runs', async () => {
	if (!postgres) throw new Error('no PostgreSQL available for this test (see test/support/postgres.ts)');
	const config = { ...postgres.config, schema: uniqueName('inventory') };
	await openStore({ kind: 'postgres', ...config }, allMigrations);
	const targets = ['woo', 'magento', 'bigcommerce'];
	const connectors = new Map(targets.map((id) => [id, new SlowPlainStore()]));
	for (const connector of connectors.values()) connector.quantities.set('SPLIT', 500);
	const stores: StoreTarget[] = [{ id: 'shopify', connector: new SlowPlainStore() }, ...targets.map((id) => ({ id, connector: connectors.get(id) as SlowPlainStore }))];
	const workers = [0, 1].map(() => new PostgresDatabase(config));
	try {
		// The expected stock: every order's record updates its row, so one worker's record waits while the other's commits.
		await new InventoryFanOut({ db: workers[0], stores, isolatedLocks: true }).setExpected('SPLIT', 500);
		const orders = Array.from({ length: 36 }, (_, index) => ({ orderId: `split-${index}`, lineId: '1', sku: 'SPLIT', quantity: 1, sourceStore: 'shopify' }));
		const results = await Promise.all(orders.map((order, index) => new InventoryFanOut({ db: workers[index % 2], stores, lockPollMs: 5 }).apply([order])));
		const unapplied = results.flatMap((result) => result.outcomes).filter((outcome) => outcome.status !== 'applied');
		expect(unapplied).toEqual([]);
		expect(Object.fromEntries(targets.map((id) => [id, connectors.get(id)?.quantities.get('SPLIT')]))).toEqual({ woo: 464, magento: 464, bigcommerce: 464 });
		const rows = await new InventoryFanOut({ db: workers[0], stores, isolatedLocks: true }).ledger.list({ sku: 'SPLIT' });
		expect(rows).toHaveLength(36 * 3);
		expect(rows.filter((row) => row.status !== 'applied' || row.attempts !== 1)).toEqual([]);
	} finally {
		await Promise.all(workers.map((db) => db.close()));
	}
});
