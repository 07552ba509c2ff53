/**
 * A stock group larger than one node holds: three Shopify shops and WooCommerce over two fan-out engines (two Inventory
 * Fan-out nodes, each with its own stores' credentials) sharing one state store and one stock group. Each stock
 * operation reaches every store of the group once: the ledger owes each store its own row, each engine writes its own
 * stores, and a store that failed is retried alone, without moving the others twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openInventory, orderMovements, type InventoryFanOut, type StoreOutcome } from '../../lib/inventory';
import { allMigrations } from '../../lib/migrations';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { fixtureOf, inventoryFixtures } from '../sandbox/fixtures';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { commerceAccount, startCommerceSandboxes, type CommerceSandboxes } from '../support/inventoryStores';

jest.setTimeout(90_000);

const shopify = fixtureOf(inventoryFixtures, 'shopify', 'inventory');
const woo = fixtureOf(inventoryFixtures, 'woocommerce', 'inventory');

let sandboxes: CommerceSandboxes;
/** Three Shopify shops, each its own sandbox. */
let shops: RunningSandbox[];
let folder: string;
let store: StateStore;
let run = 0;

/** Node A holds two Shopify shops; node B the third shop and WooCommerce, under the label `b`. */
const A = ['shopify@a', 'shopify-2@a'];
const B = ['shopify@b', 'woocommerce@b'];
const SHOPS = ['shopify@a', 'shopify-2@a', 'shopify@b'];

beforeAll(async () => {
	sandboxes = await startCommerceSandboxes({ rateLimits: false });
	shops = await Promise.all(SHOPS.map(() => startSandbox('shopify', { rateLimits: { enabled: false } })));
	folder = mkdtempSync(join(tmpdir(), 'inventory-group-'));
});
afterAll(async () => {
	await closeAllStores();
	await sandboxes.close();
	await Promise.all(shops.map((shop) => shop.close()));
	rmSync(folder, { recursive: true, force: true });
});
beforeEach(async () => {
	await sandboxes.reset();
	await Promise.all(shops.map((shop) => control(shop).reset()));
	await Promise.all(shops.map((shop) => control(shop).updateSettings({ throttleEnabled: false })));
	store = await openStore({ kind: 'sqlite', file: join(folder, `state-${++run}.sqlite`) }, allMigrations);
	await Promise.all(shops.map((shop) => shopify.seed(control(shop), ['TEE'], 10)));
	await woo.seed(sandboxes.controls.woocommerce, ['TEE'], 10);
});
afterEach(() => store.close());

const control = (shop: RunningSandbox) => new SandboxControl(shop.baseUrl);

function platforms() {
	const woocommerce = sandboxes.stores.find((entry) => entry.platform === 'woocommerce')!;
	return standalonePlatforms(
		[
			...SHOPS.map((id, index) => commerceAccount({ id, platform: 'shopify', baseUrl: shopify.apiBase(shops[index]), settings: { ...shops[index].credentials } })),
			commerceAccount({ ...woocommerce, id: 'woocommerce@b' }),
		],
		{ retry: { maxAttempts: 2, baseDelayMs: 1 } },
	);
}

/** One node's engine: its own stores, in the group `stock`. */
const engine = (ids: string[], group: string | null = 'stock', groupMembers?: string[]): Promise<InventoryFanOut> =>
	openInventory({ store, platforms: platforms() }).fanOut(
		ids.map((id) => ({ platform: id.split(/[-@]/)[0], id })),
		group === null ? { groupMembers } : { group, groupMembers },
	);

async function quantities(): Promise<Record<string, number | undefined>> {
	const shopQuantities = await Promise.all(shops.map((shop) => shopify.quantity(control(shop), 'TEE')));
	return { ...Object.fromEntries(SHOPS.map((id, index) => [id, shopQuantities[index]])), 'woocommerce@b': await woo.quantity(sandboxes.controls.woocommerce, 'TEE') };
}

/** The stock writes each Shopify shop took (inventoryAdjustQuantities / inventorySetQuantities calls). */
async function shopWrites(): Promise<Record<string, number>> {
	const logs = await Promise.all(shops.map((shop) => control(shop).requests()));
	const writes = (log: Array<{ body?: unknown; status: number | null }>) => log.filter((entry) => entry.status === 200 && /inventory(Adjust|Set)Quantities/.test(JSON.stringify(entry.body ?? ''))).length;
	return Object.fromEntries(SHOPS.map((id, index) => [id, writes(logs[index])]));
}

/** A sale of the order `shopify@a:<number>` (its key: the source store and the store's order number). */
const sale = (number: string, quantity = 2) => orderMovements({ orderId: number, sourceStore: 'shopify@a', lines: [{ lineId: '1', sku: 'TEE', quantity }] });
const summary = (outcomes: StoreOutcome[]) => outcomes.map((outcome) => `${outcome.store} ${outcome.status} ${outcome.newQuantity}${outcome.alreadyDone ? ' again' : ''}`).sort();

test('an order applied by each node of the group reaches every store once, each store its own ledger row', async () => {
	const nodeA = await engine(A);
	const nodeB = await engine(B);
	const delivery = { source: 'shopify@a', id: 'delivery-1' };

	// Node A records the order for the whole group and writes its own stores (not the order's own shop).
	const first = await nodeA.apply(sale('1001'), delivery);
	expect(summary(first.outcomes)).toEqual(['shopify-2@a applied 8']);
	// The same delivery through node B: its stores' rows were owed from the start, so it writes them, once.
	const second = await nodeB.apply(sale('1001'), delivery);
	expect(second.duplicateDelivery).toBe(true);
	expect(summary(second.outcomes)).toEqual(['shopify@b applied 8', 'woocommerce@b applied 8']);
	// Repeats on either node move nothing anywhere.
	await nodeA.apply(sale('1001'), delivery);
	await nodeB.apply(sale('1001'));
	await nodeA.apply(sale('1001'));
	expect(await quantities()).toEqual({ 'shopify@a': 10, 'shopify-2@a': 8, 'shopify@b': 8, 'woocommerce@b': 8 });
	expect(await shopWrites()).toEqual({ 'shopify@a': 0, 'shopify-2@a': 1, 'shopify@b': 1 });
	expect((await nodeA.ledger.rowsOf('shopify@a:1001', '1')).map((row) => `${row.storeId} ${row.status}`)).toEqual([
		'shopify-2@a applied',
		'shopify@b applied',
		'woocommerce@b applied',
	]);
});

test('a store that failed is retried alone by its own node: the others are not moved twice', async () => {
	const nodeA = await engine(A);
	const nodeB = await engine(B);
	await control(shops[2]).fault({ kind: 'error', status: 503, times: -1 });
	await nodeA.apply(sale('1002'));
	const failing = await nodeB.apply(sale('1002'));
	expect(summary(failing.outcomes)).toEqual(['shopify@b pending null', 'woocommerce@b applied 8']);
	// Node A's retries leave node B's store to node B; node B's retry while the shop is down leaves it pending.
	expect(await nodeA.retryPending()).toEqual([]);
	expect(summary(await nodeB.retryPending())).toEqual(['shopify@b pending null']);

	await control(shops[2]).clearFaults();
	expect(summary(await nodeB.retryPending())).toEqual(['shopify@b applied 8']);
	expect(await nodeB.retryPending()).toEqual([]);
	expect(await nodeA.retryPending()).toEqual([]);
	expect(await quantities()).toEqual({ 'shopify@a': 10, 'shopify-2@a': 8, 'shopify@b': 8, 'woocommerce@b': 8 });
	expect(await shopWrites()).toEqual({ 'shopify@a': 0, 'shopify-2@a': 1, 'shopify@b': 1 });
	expect(await nodeA.ledger.owedBy('shopify@a:1002')).toEqual([]);
});

test('a cancelled order restocks every store of the group once, each through its own node, under repeated events', async () => {
	const nodeA = await engine(A);
	const nodeB = await engine(B);
	await nodeA.apply(sale('1003', 3));
	await nodeB.apply(sale('1003', 3));
	expect(await quantities()).toEqual({ 'shopify@a': 10, 'shopify-2@a': 7, 'shopify@b': 7, 'woocommerce@b': 7 });

	const cancel = { orderId: 'shopify@a:1003', kind: 'restock' as const, key: 'order' };
	expect(summary((await nodeA.returnOrder(cancel)).outcomes)).toEqual(['shopify-2@a applied 10']);
	expect(summary((await nodeB.returnOrder(cancel)).outcomes)).toEqual(['shopify@b applied 10', 'woocommerce@b applied 10']);
	await nodeA.returnOrder(cancel);
	await nodeB.returnOrder(cancel);
	expect(await quantities()).toEqual({ 'shopify@a': 10, 'shopify-2@a': 10, 'shopify@b': 10, 'woocommerce@b': 10 });
	expect(await shopWrites()).toEqual({ 'shopify@a': 0, 'shopify-2@a': 2, 'shopify@b': 2 });
});

test('reconcile on a node that has not applied an order yet settles what its stores owe: a later apply does not take it off again', async () => {
	const nodeA = await engine(A);
	const nodeB = await engine(B);
	await nodeA.setExpected('TEE', 10);
	await nodeA.apply(sale('1004'));
	// Node B's stores still owe the sale: reconcile says so, and corrects them to the group's expected stock.
	const report = await nodeB.reconcile(['TEE']);
	expect(report.map((entry) => `${entry.store} ${entry.status} ${entry.actual} ${entry.expected} ${entry.pendingChanges}`)).toEqual([
		'shopify@b in_sync 10 10 1',
		'woocommerce@b in_sync 10 10 1',
	]);
	const corrected = await nodeB.reconcile(['TEE'], { correct: true });
	expect(corrected.map((entry) => `${entry.store} ${entry.status} ${entry.actual}`)).toEqual(['shopify@b corrected 10', 'woocommerce@b corrected 10']);
	expect(summary((await nodeB.apply(sale('1004'))).outcomes)).toEqual(['shopify@b applied 8 again', 'woocommerce@b applied 8 again']);
	expect(await quantities()).toEqual({ 'shopify@a': 10, 'shopify-2@a': 8, 'shopify@b': 8, 'woocommerce@b': 8 });
});

test('a store that joins the group later is owed only the orders recorded after it joined', async () => {
	const nodeA = await engine(A);
	await nodeA.apply(sale('1005'));
	const nodeB = await engine(B);
	// Recorded before node B joined: not owed to its stores, so its apply writes nothing and reports nothing.
	expect((await nodeB.apply(sale('1005'))).outcomes).toEqual([]);
	await nodeA.apply(sale('1006'));
	expect(summary((await nodeB.apply(sale('1006'))).outcomes)).toEqual(['shopify@b applied 8', 'woocommerce@b applied 8']);
	expect(await quantities()).toEqual({ 'shopify@a': 10, 'shopify-2@a': 6, 'shopify@b': 8, 'woocommerce@b': 8 });
});

test('group members declared on the first node: an order recorded before the other node ever ran is owed to its stores, which it writes once on its first run', async () => {
	const nodeA = await engine(A, 'stock', B);
	await nodeA.apply(sale('1008'));
	await nodeA.apply(sale('1008'));
	// Node B's first run is its Retry Pending: its stores were owed the order from the start.
	const nodeB = await engine(B, 'stock', A);
	expect(summary(await nodeB.retryPending())).toEqual(['shopify@b applied 8', 'woocommerce@b applied 8']);
	expect((await nodeB.apply(sale('1008'))).outcomes.filter((outcome) => !outcome.alreadyDone)).toEqual([]);
	expect(await quantities()).toEqual({ 'shopify@a': 10, 'shopify-2@a': 8, 'shopify@b': 8, 'woocommerce@b': 8 });
});

test('a member declared by mistake is owed only the orders recorded while it was declared', async () => {
	await (await engine(A, 'stock', ['shopify@ghost'])).apply(sale('1009'));
	const undeclared = await engine(A);
	await undeclared.apply(sale('1010'));
	expect((await undeclared.ledger.pending(50, ['shopify@ghost'])).map((row) => row.orderId)).toEqual(['shopify@a:1009']);
});

test('group members without a group are refused', async () => {
	await expect(engine(A, null, B)).rejects.toThrow('Group members are declared without a stock group');
});

test('without a stock group, engines keep to their own stores as before', async () => {
	const nodeA = await engine(A, null);
	const nodeB = await engine(B, null);
	await nodeA.apply(sale('1007'));
	expect((await nodeB.apply(sale('1007'))).outcomes).toEqual([]);
	expect(await quantities()).toEqual({ 'shopify@a': 10, 'shopify-2@a': 8, 'shopify@b': 10, 'woocommerce@b': 10 });
});
