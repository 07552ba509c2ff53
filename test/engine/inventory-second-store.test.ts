/**
 * Inventory Fan-out in n8n-core's engine with two BigCommerce stores on one node: the first through the BigCommerce
 * credential, the second (`bigcommerce-2`) through the BigCommerce Second Store credential, each its own sandbox. A
 * WooCommerce order changes both once, the second under its own channel rule, and an order placed on the second store
 * leaves it alone and changes the others.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { closeAllStores } from '../../lib/store';
import { runWorkflow } from '../harness/inProcess';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { fixtureOf, inventoryFixtures } from '../sandbox/fixtures';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { startCommerceSandboxes, type CommerceSandboxes } from '../support/inventoryStores';

jest.setTimeout(120_000);

const pkg = 'n8n-nodes-integration-automation';
const bigCommerce = fixtureOf(inventoryFixtures, 'bigcommerce', 'inventory');

let sandboxes: CommerceSandboxes;
let second: RunningSandbox;
let secondControl: SandboxControl;
let third: RunningSandbox;
let thirdControl: SandboxControl;
const stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'second-store-')), 'state.sqlite');

beforeAll(async () => {
	sandboxes = await startCommerceSandboxes({ rateLimits: false });
	second = await startSandbox('bigcommerce', { rateLimits: { enabled: false } });
	secondControl = new SandboxControl(second.baseUrl);
	third = await startSandbox('bigcommerce', { rateLimits: { enabled: false } });
	thirdControl = new SandboxControl(third.baseUrl);
});
afterAll(async () => {
	await closeAllStores();
	await sandboxes.close();
	await second.close();
	await third.close();
});

function credentials(): Record<string, Record<string, unknown>> {
	const woocommerce = sandboxes.stores.find((entry) => entry.platform === 'woocommerce')!;
	const first = sandboxes.stores.find((entry) => entry.platform === 'bigcommerce')!;
	return {
		integrationWooCommerceApi: { ...woocommerce.settings, baseUrl: woocommerce.baseUrl },
		integrationBigCommerceApi: { ...first.settings, baseUrl: first.baseUrl },
		integrationBigCommerceSecondStoreApi: { ...second.credentials, locationId: 1, baseUrl: bigCommerce.apiBase(second) },
	};
}

const stores = ['woocommerce', 'bigcommerce', 'bigcommerce-2'];

function fanOut(name: string, parameters: Record<string, unknown>) {
	return {
		name: 'Fan Out',
		type: `${pkg}.inventoryFanOut`,
		typeVersion: 1,
		position: [260, 0],
		parameters: { stores, ...parameters },
		credentials: {
			integrationWooCommerceApi: { id: '', name: 'WooCommerce account' },
			integrationBigCommerceApi: { id: '', name: 'BigCommerce account' },
			integrationBigCommerceSecondStoreApi: { id: '', name: 'BigCommerce second store' },
		},
		notes: name,
	};
}

const workflow = (parameters: Record<string, unknown>) => ({
	name: 'second store',
	nodes: [{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} }, fanOut('Fan Out', parameters)],
	connections: { Start: { main: [[{ node: 'Fan Out', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
});

const run = (parameters: Record<string, unknown>) => runWorkflow(workflow(parameters), { credentials: credentials(), startNode: 'Start', env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile } });

const channelRules = { rule: [{ store: 'bigcommerce-2', safetyBuffer: 0, allocationPercent: 100, maxListed: 5 }] };

test('an order on WooCommerce changes both BigCommerce stores once; one placed on the second store leaves it alone', async () => {
	await sandboxes.controls.woocommerce.seed({ products: [{ sku: 'TWO-1', stock_quantity: 20 }] });
	await bigCommerce.seed(sandboxes.controls.bigcommerce, ['TWO-1'], 20);
	await bigCommerce.seed(secondControl, ['TWO-1'], 20);
	const baseline = await run({ operation: 'reconcile', skus: 'TWO-1', baselineStore: 'woocommerce', correct: false, channelRules });
	expect(baseline.error).toBeUndefined();

	const sale = { operation: 'apply', kind: 'sale', orderId: 'w-1', sourceStore: 'woocommerce', lines: [{ lineId: '1', sku: 'TWO-1', quantity: 2 }], channelRules };
	const first = await run(sale);
	expect(first.error).toBeUndefined();
	expect(first.outputs['Fan Out'][0].map((item) => `${item.json.store} ${item.json.newQuantity}`).sort()).toEqual(['bigcommerce 18', 'bigcommerce-2 5']);
	await run(sale);
	expect(await bigCommerce.quantity(sandboxes.controls.bigcommerce, 'TWO-1')).toBe(18);
	expect(await bigCommerce.quantity(secondControl, 'TWO-1')).toBe(5);

	const onSecond = await run({ ...sale, orderId: 'b2-1', sourceStore: 'bigcommerce-2', channelRules: {} });
	expect(onSecond.outputs['Fan Out'][0].map((item) => `${item.json.store} ${item.json.newQuantity}`).sort()).toEqual(['bigcommerce 16', 'woocommerce 18']);
	expect(await bigCommerce.quantity(secondControl, 'TWO-1')).toBe(5);
});

test('Sync Products and Sync Customers keep the second store in step too, each copy linked to its own store', async () => {
	await sandboxes.reset();
	await secondControl.reset();
	await sandboxes.controls.bigcommerce.seed({ catalog: [{ sku: 'TWO-P', name: 'Second bag', price: 12, weight: 0.5 }], customers: [{ email: 'two@example.com', first_name: 'Two', last_name: 'Stores' }] });
	const products = await run({ operation: 'syncProducts', productStores: stores, sourceOfTruth: '', catalogue: 'catalog-two' });
	expect(products.error).toBeUndefined();
	expect(Object.fromEntries(products.outputs['Fan Out'][0].map((item) => [item.json.store, item.json.created]))).toEqual({ woocommerce: 1, bigcommerce: 0, 'bigcommerce-2': 1 });
	const customers = await run({ operation: 'syncCustomers', customerStores: stores, customerCrm: '', customerDirectory: 'customers-two' });
	expect(customers.error).toBeUndefined();
	expect(Object.fromEntries(customers.outputs['Fan Out'][0].map((item) => [item.json.store, item.json.created]))).toEqual({ woocommerce: 1, bigcommerce: 0, 'bigcommerce-2': 1 });
	expect((await secondControl.state<Array<{ sku: string }>>('catalog')).map((product) => product.sku)).toEqual(['TWO-P']);
	expect((await secondControl.state<Array<{ email: string }>>('customers')).map((customer) => customer.email)).toEqual(['two@example.com']);
});

/**
 * A third BigCommerce store through a second node of the store group: node B holds it on its own BigCommerce
 * credential with Magento, under the Store Label "b" and the same Catalogue Name and state store as node A.
 */
function nodeB(parameters: Record<string, unknown>) {
	const magento = sandboxes.stores.find((entry) => entry.platform === 'magento')!;
	const node = {
		...fanOut('Fan Out', parameters),
		parameters: { stores: ['bigcommerce', 'magento'], ...parameters },
		credentials: { integrationBigCommerceApi: { id: '', name: 'BigCommerce third store' }, integrationMagentoApi: { id: '', name: 'Magento account' } },
	};
	return runWorkflow({ ...workflow({}), nodes: [workflow({}).nodes[0], node] }, {
		credentials: {
			integrationBigCommerceApi: { ...third.credentials, locationId: 1, baseUrl: bigCommerce.apiBase(third) },
			integrationMagentoApi: { ...magento.settings, baseUrl: magento.baseUrl },
		},
		startNode: 'Start',
		env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile },
	});
}

test('a third store of a platform on a second node of the group: a product edited there reaches node A\'s stores once, with no echo', async () => {
	await sandboxes.reset();
	await secondControl.reset();
	await thirdControl.reset();
	await sandboxes.controls.woocommerce.seed({ products: [{ sku: 'GRP-1', name: 'Group tee', regular_price: '20.00', status: 'publish' }] });
	const syncA = { operation: 'syncProducts', productStores: stores, sourceOfTruth: '', catalogue: 'catalog-group' };
	const syncB = { operation: 'syncProducts', productStores: ['bigcommerce', 'magento'], sourceOfTruth: '', catalogue: 'catalog-group', storeLabel: 'b' };
	expect((await run(syncA)).error).toBeUndefined();
	const joined = await nodeB(syncB);
	expect(joined.error).toBeUndefined();
	expect(Object.fromEntries(joined.outputs['Fan Out'][0].map((item) => [item.json.store, item.json.created]))).toEqual({ 'bigcommerce@b': 1, 'magento@b': 1 });

	await new Promise((resolve) => setTimeout(resolve, 1100));
	const [tee] = await thirdControl.state<Array<{ id: number }>>('catalog');
	const edited = await fetch(`${bigCommerce.apiBase(third)}/catalog/products`, {
		method: 'PUT',
		headers: { 'X-Auth-Token': String(third.credentials.accessToken), 'content-type': 'application/json' },
		body: JSON.stringify([{ id: tee.id, name: 'Group tee (organic)' }]),
	});
	expect(edited.status).toBe(200);
	expect((await nodeB(syncB)).error).toBeUndefined();
	const caughtUp = await run(syncA);
	expect(caughtUp.error).toBeUndefined();
	expect(Object.fromEntries(caughtUp.outputs['Fan Out'][0].map((item) => [item.json.store, `${item.json.pulled} ${item.json.updated}`]))).toEqual({ woocommerce: '0 1', bigcommerce: '0 1', 'bigcommerce-2': '0 1' });
	const names = async (control: SandboxControl) => (await control.state<Array<{ name: string }>>('catalog')).map((product) => product.name);
	expect([await names(sandboxes.controls.bigcommerce), await names(secondControl), await names(thirdControl)]).toEqual([['Group tee (organic)'], ['Group tee (organic)'], ['Group tee (organic)']]);
	expect((await sandboxes.controls.woocommerce.state<Array<{ name: string }>>('products')).map((product) => product.name)).toEqual(['Group tee (organic)']);

	// Quiet runs of both nodes pull nothing and write nothing: each copy read back is our own write.
	for (const quiet of [await nodeB(syncB), await run(syncA)]) {
		expect(quiet.outputs['Fan Out'][0].every((item) => item.json.pulled === 0 && item.json.created === 0 && item.json.updated === 0)).toBe(true);
	}
});

test('a stock group over two nodes: an order applied by each node changes every store of the group once, and Retry Pending on each node writes only its own stores', async () => {
	await sandboxes.reset();
	await secondControl.reset();
	await thirdControl.reset();
	const magento = fixtureOf(inventoryFixtures, 'magento', 'inventory');
	await sandboxes.controls.woocommerce.seed({ products: [{ sku: 'GRP-S', stock_quantity: 20 }] });
	await Promise.all([sandboxes.controls.bigcommerce, secondControl, thirdControl].map((control) => bigCommerce.seed(control, ['GRP-S'], 20)));
	await magento.seed(sandboxes.controls.magento, ['GRP-S'], 20);
	const group = { stockGroup: 'stock-group', channelRules: {} };
	// Each node joins the group on its first run (here a report-only reconcile), before the group's first order.
	expect((await run({ operation: 'reconcile', skus: 'GRP-S', correct: false, baselineStore: 'woocommerce', ...group })).error).toBeUndefined();
	expect((await nodeB({ operation: 'reconcile', skus: 'GRP-S', correct: false, baselineStore: '', storeLabel: 'b', ...group })).error).toBeUndefined();

	const order = { operation: 'apply', kind: 'sale', orderId: 'g-1', sourceStore: 'woocommerce', deliveryId: 'wc-g-1', lines: [{ lineId: '1', sku: 'GRP-S', quantity: 3 }], ...group };
	const changed = (result: Awaited<ReturnType<typeof run>>) => result.outputs['Fan Out'][0].map((item) => `${item.json.store} ${item.json.newQuantity ?? item.json.duplicateDelivery}`).sort();
	expect(changed(await run(order))).toEqual(['bigcommerce 17', 'bigcommerce-2 17']);
	// The same delivery reaches node B: its stores were owed the order from the start, so it writes them once.
	expect(changed(await nodeB({ ...order, storeLabel: 'b' }))).toEqual(['bigcommerce@b 17', 'magento@b 17', 'undefined true']);
	await run(order);
	await nodeB({ ...order, storeLabel: 'b' });
	const retriedA = await run({ operation: 'retryPending', limit: 50, ...group });
	const retriedB = await nodeB({ operation: 'retryPending', limit: 50, storeLabel: 'b', ...group });
	expect([...retriedA.outputs['Fan Out'][0], ...retriedA.outputs['Fan Out'][1], ...retriedB.outputs['Fan Out'][0], ...retriedB.outputs['Fan Out'][1]]).toEqual([]);
	expect(await Promise.all([sandboxes.controls.bigcommerce, secondControl, thirdControl].map((control) => bigCommerce.quantity(control, 'GRP-S')))).toEqual([17, 17, 17]);
	expect(await magento.quantity(sandboxes.controls.magento, 'GRP-S')).toBe(17);
	expect((await sandboxes.controls.woocommerce.state<Array<{ stock_quantity: number }>>('products'))[0].stock_quantity).toBe(20);
});
