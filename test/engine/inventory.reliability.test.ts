/**
 * The fan-out engine against the four commerce sandboxes: exact stock under 100 racing orders (WooCommerce and
 * Magento included, which have no atomic adjust), every webhook twice, and a store down for half the run.
 */
import type { StockMovement } from '../../lib/inventory';
import { commerceAccount, commercePlatforms, type CommercePlatform, type CommerceSandboxes, useCommerceEngineSuite } from '../support/inventoryStores';
import { inventoryConnector } from '../support/standalone';

const suite = useCommerceEngineSuite('inventory-reliability', { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 3 });
const engine = suite.engine;
let sandboxes: CommerceSandboxes;
beforeAll(() => {
	sandboxes = suite.sandboxes();
});

/** A sale on the store itself (its units leave that store's stock there). */
const sell = (movement: StockMovement) => sandboxes.sell(movement.sourceStore as CommercePlatform, movement.sku, movement.quantity);

function order(index: number, source: CommercePlatform, sku: string, quantity = 1): StockMovement {
	return { orderId: `${source}-${index}`, lineId: '1', sku, quantity, sourceStore: source };
}

test('100 concurrent orders for one SKU on different stores leave every store exactly at start minus the units sold elsewhere', async () => {
	await sandboxes.seed(['RACE-1'], 1000);
	const fanOut = engine();
	const orders = Array.from({ length: 100 }, (_, index) => order(index, commercePlatforms[index % 4], 'RACE-1', 1 + (index % 3)));
	const results = await Promise.all(orders.map((movement) => fanOut.apply([movement])));
	const outcomes = results.flatMap((result) => result.outcomes);
	expect(outcomes).toHaveLength(300);
	expect(outcomes.filter((outcome) => outcome.status !== 'applied')).toEqual([]);
	const soldOn = (platform: CommercePlatform) => orders.filter((entry) => entry.sourceStore === platform).reduce((sum, entry) => sum + entry.quantity, 0);
	const total = orders.reduce((sum, entry) => sum + entry.quantity, 0);
	const expected = Object.fromEntries(commercePlatforms.map((platform) => [platform, 1000 - (total - soldOn(platform))]));
	expect(await sandboxes.quantities('RACE-1')).toEqual(expected);
});

test('the WooCommerce sandbox really loses updates to a naive read-modify-write, so the test above can fail', async () => {
	await sandboxes.seed(['LOST-1'], 100);
	const woo = { connector: await inventoryConnector(commerceAccount(sandboxes.stores.find((entry) => entry.platform === 'woocommerce')!)) };
	await Promise.all(Array.from({ length: 20 }, () => woo.connector.getQuantity('LOST-1').then((quantity) => woo.connector.set('LOST-1', quantity - 1, { reason: 'sale', reference: 'test://naive', compareQuantity: quantity }))));
	expect((await sandboxes.quantities('LOST-1')).woocommerce).toBeGreaterThan(80);
});

test('every webhook delivered twice (same delivery id, then a retried execution) changes stock once', async () => {
	await sandboxes.seed(['DUP-1'], 50);
	const fanOut = engine();
	const orders = Array.from({ length: 20 }, (_, index) => order(index, index % 2 ? 'shopify' : 'woocommerce', 'DUP-1'));
	const deliveries = orders.map((movement) => ({ source: movement.sourceStore as string, id: `delivery-${movement.orderId}` }));
	const first = await Promise.all(orders.map((movement, index) => fanOut.apply([movement], deliveries[index])));
	const again = await Promise.all(orders.map((movement, index) => fanOut.apply([movement], deliveries[index])));
	expect(again.every((result) => result.duplicateDelivery)).toBe(true);
	// A redelivery with a new delivery id (a retried execution) is still caught per (order, line, store).
	const retried = await Promise.all(orders.map((movement) => fanOut.apply([movement])));
	expect(retried.flatMap((result) => result.outcomes).map((outcome) => [outcome.alreadyDone, outcome.status])).toEqual(Array(60).fill([true, 'applied']));
	expect(first.flatMap((result) => result.outcomes).filter((outcome) => outcome.status === 'applied')).toHaveLength(60);
	expect(await sandboxes.quantities('DUP-1')).toEqual({ shopify: 40, woocommerce: 40, magento: 30, bigcommerce: 30 });
});

test('a store down for the first half of the run is made exact by one reconcile', async () => {
	await sandboxes.seed(['DOWN-1'], 200);
	const fanOut = engine();
	await fanOut.setExpected('DOWN-1', 200);
	await sandboxes.controls.magento.fault({ kind: 'error', status: 503, times: -1 });
	const sources: CommercePlatform[] = ['shopify', 'woocommerce', 'bigcommerce'];
	const orders = Array.from({ length: 30 }, (_, index) => order(index, sources[index % 3], 'DOWN-1', 2));
	// Each half: the sales happen on their stores (taking the units off there), then their webhooks are handled.
	const sellThenFanOut = async (batch: StockMovement[]) => {
		await Promise.all(batch.map((movement) => sell(movement)));
		return Promise.all(batch.map((movement) => fanOut.apply([movement])));
	};
	const firstHalf = await sellThenFanOut(orders.slice(0, 15));
	const magento = firstHalf.flatMap((result) => result.outcomes).filter((outcome) => outcome.store === 'magento');
	expect(magento.map((outcome) => outcome.status)).toEqual(Array(15).fill('pending'));
	await sandboxes.controls.magento.clearFaults();
	await sellThenFanOut(orders.slice(15));
	expect((await sandboxes.quantities('DOWN-1')).magento).toBe(200 - 15 * 2);

	const report = await fanOut.reconcile(['DOWN-1'], { correct: false });
	expect(report.find((entry) => entry.store === 'magento')).toMatchObject({ status: 'in_sync', pendingChanges: 15, actual: 170, expected: 170 });
	const corrected = await fanOut.reconcile(['DOWN-1'], { correct: true });
	expect(corrected.map((entry) => [entry.store, entry.status])).toEqual([['shopify', 'in_sync'], ['woocommerce', 'in_sync'], ['magento', 'corrected'], ['bigcommerce', 'in_sync']]);
	expect(await sandboxes.quantities('DOWN-1')).toEqual({ shopify: 140, woocommerce: 140, magento: 140, bigcommerce: 140 });
	// The rows it owed are settled, so a later retry changes nothing.
	expect(await fanOut.retryPending()).toEqual([]);
	expect((await fanOut.reconcile(['DOWN-1'])).map((entry) => [entry.store, entry.status])).toEqual([['shopify', 'in_sync'], ['woocommerce', 'in_sync'], ['magento', 'in_sync'], ['bigcommerce', 'in_sync']]);
});

test('orders polled from WooCommerce, Magento and BigCommerce fan out once, however often the stores are polled', async () => {
	await sandboxes.seed(['POLL-1'], 30);
	await sell({ orderId: 'w', lineId: '1', sku: 'POLL-1', quantity: 2, sourceStore: 'woocommerce' });
	await sandboxes.controls.magento.seed({ orders: [{ items: [{ sku: 'POLL-1', qty: 3 }] }] });
	await sandboxes.controls.bigcommerce.seed({ orders: [{ products: [{ sku: 'POLL-1', quantity: 4 }] }] });
	const fanOut = engine();
	const positions = new Map<string, string>();
	const cursors = { get: async (id: string) => positions.get(id), set: async (id: string, cursor: string) => void positions.set(id, cursor) };
	const first = await fanOut.pollOrders(cursors);
	expect(first.map((entry) => [entry.store, entry.orders])).toEqual([['shopify', 0], ['woocommerce', 1], ['magento', 1], ['bigcommerce', 1]]);
	expect(first.flatMap((entry) => entry.outcomes).filter((outcome) => outcome.status === 'applied')).toHaveLength(9);
	await fanOut.pollOrders(cursors);
	expect(positions.get('magento')).toMatch(/Z$/);
	expect(await sandboxes.quantities('POLL-1')).toEqual({ shopify: 21, woocommerce: 21, magento: 21, bigcommerce: 21 });
});
