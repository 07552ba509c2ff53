/**
 * The inventory ledger's retries and the attempts of accounting entries and social posts, moved onto the store's
 * outbox, keep what an older store held, on both backends: a change still owed to a store is still owed (with its
 * attempts and last error) and the next retry counts on from them; a change applied keeps its quantities; a failed one
 * stays failed until reconcile settles it; an entry or a post in doubt is still in doubt (so it is looked up before it
 * is written again), a refused one refused, a recorded one recorded.
 */
import { allMigrations } from '../../lib/migrations';
import { EntryRepository } from '../../lib/accounting';
import { InventoryFanOut, InventoryLedger } from '../../lib/inventory';
import { PostRepository } from '../../lib/social/posts';
import type { InventoryConnector, StockChange } from '../../lib/platforms/inventory';
import { closeAllStores, openStore, type Migration, type StoreConfig } from '../../lib/store';
import { storeBackends } from './backends';

/** The schema as it was before the retries moved: the versions that moved them left out. */
const moved = new Set(['inventory 5', 'accounting 2', 'social 2']);
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

describe.each(storeBackends())('retries and attempts moved onto the outbox on $name', (backend) => {
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
		await old.db.run(
			`INSERT INTO accounting_entries (connection, kind, source_id, state, reference, attempts, external_id, external_type, external_number, total_minor, currency, last_error, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			[
				'quickbooks:r-1', 'sale', 'o-1', 'recorded', 'o-1', 1, 'qb-1', 'SalesReceipt', '1001', 4758, 'USD', null, stamp, stamp,
				'quickbooks:r-1', 'sale', 'o-2', 'attempting', 'o-2', 1, null, null, null, null, null, 'HTTP 503', stamp, later,
				'quickbooks:r-1', 'sale', 'o-3', 'refused', 'o-3', 2, null, null, null, null, null, 'Invalid Reference Id', stamp, later,
			],
		);
		await old.db.run(
			`INSERT INTO social_posts (platform, account, post_id, state, attempts, first_attempt_at, hint, external_id, url, status, last_error, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			[
				'x', 'u-1', 'p-1', 'published', 1, stamp, '{}', 'x-1', 'https://x.test/1', 'published', null, stamp, stamp,
				'instagram', 'ig-1', 'p-2', 'attempting', 2, stamp, '{"container":"c-9"}', null, null, null, 'socket hang up', stamp, later,
				'x', 'u-1', 'p-3', 'refused', 1, stamp, '{}', null, null, null, 'Too long', stamp, later,
				'x', 'u-1', 'p-4', 'deleted', 1, stamp, '{}', 'x-4', 'https://x.test/4', 'published', null, stamp, later,
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

	test('accounting entries keep their state, attempts and last error; a new attempt counts on and is in doubt again', async () => {
		const store = await openStore(config, allMigrations);
		const entries = new EntryRepository(store.db, 'quickbooks:r-1');
		expect(await entries.get('sale', 'o-1')).toMatchObject({ state: 'recorded', attempts: 1, externalId: 'qb-1', number: '1001', totalMinor: 4758, currency: 'USD', lastError: undefined });
		expect(await entries.get('sale', 'o-2')).toMatchObject({ state: 'attempting', attempts: 1, reference: 'o-2', lastError: 'HTTP 503', updatedAt: later });
		expect(await entries.get('sale', 'o-3')).toMatchObject({ state: 'refused', attempts: 2, lastError: 'Invalid Reference Id' });
		expect(await new EntryRepository(store.db, 'xero:t-1').get('sale', 'o-1')).toBeUndefined();
		await entries.attempting('sale', 'o-3', 'o-3');
		expect(await entries.get('sale', 'o-3')).toMatchObject({ state: 'attempting', attempts: 3 });
		await entries.recorded('sale', 'o-3', { externalId: 'qb-3', externalType: 'SalesReceipt', totalMinor: 100, currency: 'USD' });
		expect(await entries.get('sale', 'o-3')).toMatchObject({ state: 'recorded', attempts: 3, externalId: 'qb-3', lastError: undefined });
		expect(await entries.sourceIds(['qb-1', 'qb-3'])).toEqual(new Map([['sale:qb-1', 'o-1'], ['sale:qb-3', 'o-3']]));
	});

	test('social posts keep their state, attempts, first attempt, notes and last error', async () => {
		const store = await openStore(config, allMigrations);
		const posts = new PostRepository(store.db);
		expect(await posts.get({ platform: 'x', account: 'u-1', postId: 'p-1' })).toMatchObject({ state: 'published', attempts: 1, externalId: 'x-1', url: 'https://x.test/1', lastError: undefined });
		expect(await posts.get({ platform: 'instagram', account: 'ig-1', postId: 'p-2' })).toMatchObject({
			state: 'attempting', attempts: 2, firstAttemptAt: new Date(stamp), hint: { container: 'c-9' }, lastError: 'socket hang up',
		});
		expect(await posts.get({ platform: 'x', account: 'u-1', postId: 'p-3' })).toMatchObject({ state: 'refused', attempts: 1, lastError: 'Too long' });
		expect(await posts.get({ platform: 'x', account: 'u-1', postId: 'p-4' })).toMatchObject({ state: 'deleted', externalId: 'x-4' });
	});
});
