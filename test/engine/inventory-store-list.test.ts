/**
 * Inventory Fan-out in n8n-core's engine with two Shopify shops in ONE credential (Shopify Stores: a list, each entry a
 * label and the Shopify credential's fields) beside WooCommerce: the node expands the list into `shopify@us` and
 * `shopify@eu`, each its own sandbox, its own channel rules, its own ledger rows and links. Every stock operation and
 * Sync Products / Sync Customers work over the listed stores; Verify Order Webhook takes each delivery as from the listed
 * shop it names, checked with that shop's secret; a malformed list is refused naming the entry and field; no secret of
 * the list reaches an output or an error.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { closeAllStores } from '../../lib/store';
import { runWorkflow } from '../harness/inProcess';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { fixtureOf, inventoryFixtures } from '../sandbox/fixtures';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { startCommerceSandboxes, type CommerceSandboxes } from '../support/inventoryStores';
import { shopifyStoreEntry } from '../sandbox/shopify/inventoryFixture';

jest.setTimeout(120_000);

const pkg = 'n8n-nodes-integration-automation';
const shopify = fixtureOf(inventoryFixtures, 'shopify', 'inventory');

let sandboxes: CommerceSandboxes;
let us: RunningSandbox;
let eu: RunningSandbox;
let usControl: SandboxControl;
let euControl: SandboxControl;
const stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'store-list-')), 'state.sqlite');

beforeAll(async () => {
	sandboxes = await startCommerceSandboxes({ rateLimits: false });
	[us, eu] = await Promise.all([startSandbox('shopify', { rateLimits: { enabled: false } }), startSandbox('shopify', { rateLimits: { enabled: false } })]);
	usControl = new SandboxControl(us.baseUrl);
	euControl = new SandboxControl(eu.baseUrl);
});
afterAll(async () => {
	await closeAllStores();
	await sandboxes.close();
	await us.close();
	await eu.close();
});


function credentials(list: unknown[] = [shopifyStoreEntry('us', us), shopifyStoreEntry('eu', eu)]): Record<string, Record<string, unknown>> {
	const woocommerce = sandboxes.stores.find((entry) => entry.platform === 'woocommerce')!;
	return {
		integrationWooCommerceApi: { ...woocommerce.settings, baseUrl: woocommerce.baseUrl },
		integrationShopifyStoresApi: { stores: { store: list } },
	};
}

const stores = ['woocommerce', 'shopify-list'];

const workflow = (parameters: Record<string, unknown>) => ({
	name: 'store list',
	nodes: [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			name: 'Fan Out',
			type: `${pkg}.inventoryFanOut`,
			typeVersion: 1,
			position: [260, 0],
			parameters: { stores, ...parameters },
			credentials: { integrationWooCommerceApi: { id: '', name: 'WooCommerce account' }, integrationShopifyStoresApi: { id: 'shops', name: 'Shopify shops' } },
		},
	],
	connections: { Start: { main: [[{ node: 'Fan Out', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
});

const run = (parameters: Record<string, unknown>, list?: unknown[]) =>
	runWorkflow(workflow(parameters), { credentials: credentials(list), startNode: 'Start', env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile } });

const changes = (result: Awaited<ReturnType<typeof run>>, output = 0) => result.outputs['Fan Out'][output].map((item) => `${item.json.store} ${item.json.newQuantity ?? item.json.duplicateDelivery}`).sort();
const euRule = { rule: [{ store: 'shopify@eu', safetyBuffer: 2, allocationPercent: 100, maxListed: 0 }] };

test('an order on WooCommerce changes both listed shops once, the EU shop under its own rule; an order on the EU shop leaves it alone', async () => {
	await sandboxes.controls.woocommerce.seed({ products: [{ sku: 'LIST-1', stock_quantity: 20 }] });
	await Promise.all([shopify.seed(usControl, ['LIST-1'], 20), shopify.seed(euControl, ['LIST-1'], 20)]);
	const baseline = await run({ operation: 'reconcile', skus: 'LIST-1', baselineStore: 'woocommerce', correct: false, channelRules: euRule });
	expect(baseline.error).toBeUndefined();
	expect(baseline.outputs['Fan Out'].flat().map((item) => item.json.store).sort()).toEqual(['shopify@eu', 'shopify@us', 'woocommerce']);

	const sale = { operation: 'apply', kind: 'sale', orderId: 'w-1', sourceStore: 'woocommerce', deliveryId: 'd-w-1', lines: [{ lineId: '1', sku: 'LIST-1', quantity: 3 }], channelRules: euRule };
	const first = await run(sale);
	expect(first.error).toBeUndefined();
	expect(changes(first)).toEqual(['shopify@eu 15', 'shopify@us 17']);
	expect(changes(await run(sale))).toEqual(['undefined true']);
	expect([await shopify.quantity(usControl, 'LIST-1'), await shopify.quantity(euControl, 'LIST-1')]).toEqual([17, 15]);

	const onEu = await run({ ...sale, orderId: 'eu-1', sourceStore: 'shopify@eu', deliveryId: 'd-eu-1', channelRules: {} });
	expect(onEu.error).toBeUndefined();
	// WooCommerce sold w-1 itself (its own stock is the store's), so it has 20 left before this order.
	expect(changes(onEu)).toEqual(['shopify@us 14', 'woocommerce 17']);
	expect(await shopify.quantity(euControl, 'LIST-1')).toBe(15);
});

test('Retry Pending and Poll Orders work store by store over the list: a shop that was down gets its change later, once', async () => {
	await Promise.all([shopify.seed(usControl, ['LIST-2'], 10), shopify.seed(euControl, ['LIST-2'], 10)]);
	await sandboxes.controls.woocommerce.seed({ products: [{ sku: 'LIST-2', stock_quantity: 10 }] });
	await euControl.fault({ kind: 'error', status: 503, times: -1 });
	const sale = { operation: 'apply', kind: 'sale', orderId: 'w-2', sourceStore: 'woocommerce', lines: [{ lineId: '1', sku: 'LIST-2', quantity: 4 }], channelRules: {} };
	const down = await run(sale);
	expect(down.error).toBeUndefined();
	expect(changes(down)).toEqual(['shopify@us 6']);
	expect(down.outputs['Fan Out'][1].map((item) => `${item.json.store} ${item.json.status}`)).toEqual(['shopify@eu pending']);
	await euControl.clearFaults();
	const retried = await run({ operation: 'retryPending', limit: 50, channelRules: {} });
	expect(retried.error).toBeUndefined();
	expect(changes(retried)).toEqual(['shopify@eu 6']);
	expect(changes(await run({ operation: 'retryPending', limit: 50, channelRules: {} }))).toEqual([]);

	// An order placed on the US shop, found by polling: every other store, the EU shop among them, loses it once.
	const polled = await run({ operation: 'pollOrders', cursorName: 'list', channelRules: {} });
	expect(polled.error).toBeUndefined();
	await shopify.sell({ sandbox: us, control: usControl, apiBase: shopify.apiBase(us) }, 'LIST-2', 1);
	const afterSale = await run({ operation: 'pollOrders', cursorName: 'list', channelRules: {} });
	expect(afterSale.error).toBeUndefined();
	expect(changes(afterSale)).toEqual(['shopify@eu 5', 'woocommerce 9']);
	const again = await run({ operation: 'pollOrders', cursorName: 'list', channelRules: {} });
	expect(again.outputs['Fan Out'][0].filter((item) => !item.json.alreadyDone)).toEqual([]);
	expect([await shopify.quantity(usControl, 'LIST-2'), await shopify.quantity(euControl, 'LIST-2')]).toEqual([5, 5]);
});

test('Sync Products and Sync Customers reach each listed shop once, each copy linked to its own shop', async () => {
	await sandboxes.reset();
	await usControl.reset();
	await euControl.reset();
	await sandboxes.controls.woocommerce.seed({
		products: [{ sku: 'LIST-P', name: 'Listed tee', regular_price: '20.00', status: 'publish' }],
		customers: [{ email: 'listed@example.com', first_name: 'Listed', last_name: 'Buyer' }],
	});
	const products = await run({ operation: 'syncProducts', productStores: stores, sourceOfTruth: '', catalogue: 'catalog-list' });
	expect(products.error).toBeUndefined();
	expect(Object.fromEntries(products.outputs['Fan Out'][0].map((item) => [item.json.store, item.json.created]))).toEqual({ woocommerce: 0, 'shopify@us': 1, 'shopify@eu': 1 });
	const customers = await run({ operation: 'syncCustomers', customerStores: stores, customerCrm: '', customerDirectory: 'customers-list' });
	expect(customers.error).toBeUndefined();
	expect(Object.fromEntries(customers.outputs['Fan Out'][0].map((item) => [item.json.store, item.json.created]))).toEqual({ woocommerce: 0, 'shopify@us': 1, 'shopify@eu': 1 });
	for (const control of [usControl, euControl]) {
		expect((await control.state<Array<{ variants: Array<{ sku: string }> }>>('products')).map((product) => product.variants[0].sku)).toEqual(['LIST-P']);
		expect((await control.state<Array<{ email: string }>>('customers')).map((customer) => customer.email)).toEqual(['listed@example.com']);
	}
	// Quiet runs: our own writes read back are no change.
	const quiet = await run({ operation: 'syncProducts', productStores: stores, sourceOfTruth: '', catalogue: 'catalog-list' });
	expect(quiet.outputs['Fan Out'][0].every((item) => item.json.created === 0 && item.json.updated === 0)).toBe(true);
});

test('a malformed list is refused naming the entry and field, before any store is written, and shows no secret', async () => {
	await Promise.all([shopify.seed(usControl, ['LIST-3'], 10), shopify.seed(euControl, ['LIST-3'], 10)]);
	const sale = { operation: 'apply', kind: 'sale', orderId: 'w-3', sourceStore: 'woocommerce', lines: [{ lineId: '1', sku: 'LIST-3', quantity: 1 }], channelRules: {} };
	const cases: Array<[unknown[], string]> = [
		[[shopifyStoreEntry('us', us), shopifyStoreEntry('eu', eu, { accessToken: '' })], 'stores[1].accessToken is empty'],
		[[shopifyStoreEntry('us', us), shopifyStoreEntry('us', eu)], 'stores[1].label "us" is also stores[0]\'s'],
		[[shopifyStoreEntry('us', us), shopifyStoreEntry('e u', eu)], 'stores[1].label must be letters, digits, - or _ only'],
		[[shopifyStoreEntry('', us), shopifyStoreEntry(' ', eu)], 'stores[1].label is empty, as is stores[0]\'s: only one store may go without a label'],
		[[shopifyStoreEntry('us', us, { locationId: 7 }), shopifyStoreEntry('eu', eu)], 'stores[0].locationId must be text'],
		[[shopifyStoreEntry('us', us), shopifyStoreEntry('eu', eu, { baseUrl: undefined })], 'stores[1].baseUrl is empty'],
		[[], 'stores lists no store'],
	];
	for (const [list, message] of cases) {
		const result = await run(sale, list);
		expect(String((result.error as Error | undefined)?.message)).toContain(message);
		expect(JSON.stringify(result.error)).not.toContain(us.credentials.accessToken);
	}
	const unknownRule = await run({ ...sale, channelRules: { rule: [{ store: 'shopify@uk', safetyBuffer: 1, allocationPercent: 100, maxListed: 0 }] } });
	expect(String((unknownRule.error as Error | undefined)?.message)).toContain('"shopify@uk", which is not among this node\'s stores (woocommerce, shopify@us, shopify@eu)');
	expect([await shopify.quantity(usControl, 'LIST-3'), await shopify.quantity(euControl, 'LIST-3')]).toEqual([10, 10]);
});

test('Group Members are checked by name on the node: a name that is no store, or members without a Stock Group, stop it naming the entry', async () => {
	const reconcile = { operation: 'reconcile', skus: 'LIST-1', correct: false, baselineStore: '', channelRules: {} };
	const notAStore = await run({ ...reconcile, stockGroup: 'stock', groupMembers: 'bigcommerce@eu, shop ify' });
	expect(String((notAStore.error as Error | undefined)?.message)).toContain('Group Members[1] "shop ify" is not a store name');
	const noGroup = await run({ ...reconcile, groupMembers: 'bigcommerce@eu' });
	expect(String((noGroup.error as Error | undefined)?.message)).toContain('Group Members are set without a Stock Group');
	expect((await run({ ...reconcile, stockGroup: 'stock', groupMembers: 'bigcommerce@eu, magento' })).error).toBeUndefined();
});

/** A Shopify orders/create delivery as n8n's Webhook node gives it, naming `shop` and signed with `secret`. */
function shopDelivery(shop: string | undefined, secret: string, order: object, deliveryId: string) {
	const body = JSON.stringify(order);
	const signature = createHmac('sha256', secret).update(body).digest('base64');
	return { json: { headers: { 'x-shopify-hmac-sha256': signature, 'x-shopify-webhook-id': deliveryId, ...(shop ? { 'x-shopify-shop-domain': shop } : {}) }, body: JSON.parse(body) } };
}

test("Verify Order Webhook on the list: each delivery is checked with the secret of the shop it names and carries that shop's id; the order then leaves that shop alone", async () => {
	const secrets = { us: 'us-app-secret', eu: 'eu-app-secret' };
	const list = [shopifyStoreEntry('us', us, { webhookSecret: secrets.us }), shopifyStoreEntry('eu', eu, { webhookSecret: secrets.eu })];
	const [usHost, euHost] = [us, eu].map((sandbox) => new URL(sandbox.baseUrl).host);
	const order = (id: number) => ({ id, email: 'buyer@example.com', line_items: [{ id: id * 10, sku: 'LIST-V', quantity: 2 }] });
	const verify = (deliveries: Array<{ json: object }>, entries = list) =>
		runWorkflow(workflow({ operation: 'verifyOrder', orderSource: 'shopify-list' }), { inputItems: deliveries, credentials: credentials(entries), startNode: 'Start', env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile } });

	const result = await verify([
		shopDelivery(usHost, secrets.us, order(501), 'v-us'),
		shopDelivery(euHost.toUpperCase(), secrets.eu, order(502), 'v-eu'),
		// The EU shop named, the US shop's secret: another shop's delivery passed off as the EU shop's.
		shopDelivery(euHost, secrets.us, order(503), 'v-forged'),
		shopDelivery('elsewhere.myshopify.com', secrets.us, order(504), 'v-unlisted'),
		shopDelivery(undefined, secrets.us, order(505), 'v-anonymous'),
	]);
	expect(result.error).toBeUndefined();
	const [verified, rejected] = result.outputs['Fan Out'];
	expect(verified.map((item) => [item.json.orderId, item.json.sourceStore, item.json.deliveryId, item.json.lines])).toEqual([
		['501', 'shopify@us', 'v-us', [{ lineId: '5010', sku: 'LIST-V', quantity: 2 }]],
		['502', 'shopify@eu', 'v-eu', [{ lineId: '5020', sku: 'LIST-V', quantity: 2 }]],
	]);
	expect(rejected.map((item) => [item.pairedItem, item.json.verified, item.json.reason])).toEqual([
		[{ item: 2 }, false, expect.stringMatching(/signature/i)],
		[{ item: 3 }, false, 'the delivery comes from a store that is not in the list (X-Shopify-Shop-Domain: elsewhere.myshopify.com)'],
		[{ item: 4 }, false, 'the delivery does not name its store (no X-Shopify-Shop-Domain)'],
	]);
	expect(JSON.stringify(result.outputs)).not.toMatch(new RegExp(`${secrets.us}|${secrets.eu}|${us.credentials.accessToken}`));

	// The verified US order applied as it comes: every store but the US shop loses its units.
	await sandboxes.controls.woocommerce.seed({ products: [{ sku: 'LIST-V', stock_quantity: 10 }] });
	await Promise.all([shopify.seed(usControl, ['LIST-V'], 10), shopify.seed(euControl, ['LIST-V'], 10)]);
	const { orderId, sourceStore, deliveryId, lines } = verified[0].json;
	const applied = await run({ operation: 'apply', kind: 'sale', orderId, sourceStore, deliveryId, lines, channelRules: {} }, list);
	expect(applied.error).toBeUndefined();
	expect(changes(applied)).toEqual(['shopify@eu 8', 'woocommerce 8']);
	expect(await shopify.quantity(usControl, 'LIST-V')).toBe(10);

	// A listed shop without its webhook secret stops the node naming the shop: its deliveries could never pass.
	const unsigned = await verify([shopDelivery(usHost, secrets.us, order(506), 'v-unsigned')], [list[0], shopifyStoreEntry('eu', eu, { webhookSecret: '' })]);
	expect(String((unsigned.error as Error | undefined)?.message)).toContain("Shopify Stores credential: Store 'eu' has no webhookSecret set");
});
