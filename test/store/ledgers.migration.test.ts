/**
 * The inventory ledger's retries moved onto the store's outbox keep what an older store held, on both backends: a
 * change still owed to a store is still owed (with its attempts and last error) and the next retry counts on from them;
 * a change applied keeps its quantities; a failed one stays failed until reconcile settles it.
 */
import { allMigrations } from '../../lib/migrations';
import { InventoryFanOut, InventoryLedger } from '../../lib/inventory';
import type { InventoryConnector, StockChange } from '../../lib/platforms/inventory';
import { closeAllStores, openStore, type Migration, type StoreConfig } from '../../lib/store';
import { storeBackends } from './backends';

/** The schema as it was before the retries moved: the versions that moved them left out. */
const moved = new Set(['inventory 5']);
const before: Migration[] = allMigrations.filter((migration) => !moved.has(`${migration.component} ${migration.version}`));

const stamp = '2026-01-01T00:00:00.000Z';
const later = '2026-01-02T00:00:00.000Z';

/** A store that adjusts by a delta and remembers each quantity. */
class RelativeStore implements InventoryConnector {
	readonly platform = 'bigcommerce';
	readonly adjustPrimitive = 'relative' as const;
	readonly compareAndSet = false;
	readonly quantities = new Map<string, number>([['SKU-1', 10], ['SKU-2', 5]]);

	async getQuantity(sku: string): Promise<number> {
		return this.quantities.get(sku) ?? 0;
	}

	async adjust(sku: string, delta: number): Promise<StockChange> {
		const previous = await this.getQuantity(sku);
		this.quantities.set(sku, previous + delta);
		return { previous, next: previous + delta };
	}

	async set(sku: string, quantity: number): Promise<StockChange> {
		const previous = await this.getQuantity(sku);
		this.quantities.set(sku, quantity);
		return { previous, next: quantity };
	}
}

describe.each(storeBackends())('inventory ledger retries moved onto the outbox on $name', (backend) => {
	let config: StoreConfig;

	beforeAll(async () => await backend.setUp());
	afterAll(async () => await backend.tearDown());
	beforeEach(async () => {
		config = await backend.freshConfig();
		const old = await openStore(config, before);
		await old.db.run(
			`INSERT INTO inventory_ledger (order_id, line_id, store_id, sku, change, kind, status, previous_quantity, new_quantity, attempts, error_code, error_message, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			[
				'shopify:1', '1', 'woo', 'SKU-1', -2, 'sale', 'pending', null, null, 2, '503', 'Service Unavailable', stamp, later,
				'shopify:1', '1', 'etsy', 'SKU-1', -2, 'sale', 'applied', 12, 10, 1, null, null, stamp, stamp,
				'shopify:2', '1', 'woo', 'SKU-2', -1, 'sale', 'failed', null, null, 1, 'UNKNOWN_SKU', 'No such SKU', stamp, stamp,
			],
		);
		await old.close();
	});
	afterEach(async () => await closeAllStores());

	test('each row keeps its status, quantities, attempts and error', async () => {
		const store = await openStore(config, allMigrations);
		const ledger = new InventoryLedger(store.db);
		expect(await ledger.rowsOf('shopify:1', '1')).toEqual([
			expect.objectContaining({ storeId: 'etsy', status: 'applied', previousQuantity: 12, newQuantity: 10, attempts: 1, errorCode: null, errorMessage: null }),
			expect.objectContaining({ storeId: 'woo', status: 'pending', previousQuantity: null, newQuantity: null, attempts: 2, errorCode: '503', errorMessage: 'Service Unavailable', createdAt: stamp }),
		]);
		expect(await ledger.rowsOf('shopify:2', '1')).toEqual([expect.objectContaining({ storeId: 'woo', status: 'failed', attempts: 1, errorCode: 'UNKNOWN_SKU', errorMessage: 'No such SKU' })]);
		expect((await ledger.owedBy('shopify:1')).map((row) => row.storeId)).toEqual(['woo']);
		expect(await ledger.owedBy('shopify:2')).toEqual([]);
		expect((await ledger.pending(10)).map((row) => [row.orderId, row.storeId])).toEqual([['shopify:1', 'woo']]);
		expect((await ledger.list({ status: 'failed' })).map((row) => row.orderId)).toEqual(['shopify:2']);
	});

	test('the change still owed is retried once, counting on from its attempts; the failed one waits for reconcile', async () => {
		const store = await openStore(config, allMigrations);
		const woo = new RelativeStore();
		const fanOut = new InventoryFanOut({ db: store.db, stores: [{ id: 'woo', connector: woo }], isolatedLocks: true });
		expect(await fanOut.retryPending()).toEqual([expect.objectContaining({ orderId: 'shopify:1', store: 'woo', status: 'applied', previousQuantity: 10, newQuantity: 8 })]);
		expect(await fanOut.retryPending()).toEqual([]);
		expect(woo.quantities.get('SKU-1')).toBe(8);
		const [retried] = await fanOut.ledger.rowsOf('shopify:1', '1').then((rows) => rows.filter((row) => row.storeId === 'woo'));
		expect(retried).toMatchObject({ status: 'applied', attempts: 3, errorCode: null, newQuantity: 8 });

		await fanOut.setExpected('SKU-2', 4);
		expect(await fanOut.reconcile(['SKU-2'], { correct: true })).toEqual([expect.objectContaining({ store: 'woo', status: 'corrected', actual: 5 })]);
		expect((await fanOut.ledger.rowsOf('shopify:2', '1'))[0]).toMatchObject({ status: 'applied', newQuantity: 4, errorCode: 'RECONCILED' });
		expect(woo.quantities.get('SKU-2')).toBe(4);
	});
});
