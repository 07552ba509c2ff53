/**
 * Order inputs inside n8n (issue 21 §2): a signed order with a bad line is refused whole, naming the line and field,
 * and no store sees a write; Apply Stock Movement refuses an order whose id or line is malformed with an error naming
 * the field and the item, which under "Continue (using error output)" goes to the error output while good orders apply.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import fc from 'fast-check';

import { closeAllStores } from '../../lib/store';
import { runWorkflow } from '../harness/inProcess';
import { commercePlatforms, startCommerceSandboxes, type CommerceSandboxes } from '../support/inventoryStores';
import { malformedQuantity } from '../support/malformed';

const shopifySecret = 'shpss_inputs';
const allStores = ['shopify', 'woocommerce', 'magento', 'bigcommerce'];
const storeCredentials = {
	integrationShopifyApi: { id: 'shopify', name: 'Shopify' },
	integrationWooCommerceApi: { id: 'woo', name: 'WooCommerce' },
	integrationMagentoApi: { id: 'magento', name: 'Magento' },
	integrationBigCommerceApi: { id: 'bigcommerce', name: 'BigCommerce' },
};

let sandboxes: CommerceSandboxes;
let stateFile: string;

beforeAll(async () => {
	sandboxes = await startCommerceSandboxes();
	stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'inputs-inventory-wf-')), 'state.sqlite');
});

afterAll(async () => {
	await closeAllStores();
	await sandboxes.close();
});

beforeEach(() => sandboxes.reset());

function credentials(): Record<string, Record<string, unknown>> {
	const [shopify, woocommerce, magento, bigcommerce] = sandboxes.stores;
	return {
		integrationShopifyApi: { ...shopify.settings, baseUrl: shopify.baseUrl, webhookSecret: shopifySecret },
		integrationWooCommerceApi: { ...woocommerce.settings, baseUrl: woocommerce.baseUrl, webhookSecret: 'woo-secret' },
		integrationMagentoApi: { ...magento.settings, baseUrl: magento.baseUrl },
		integrationBigCommerceApi: { ...bigcommerce.settings, baseUrl: bigcommerce.baseUrl },
	};
}

const fanOutNode = (parameters: object, onError?: string) => ({
	name: 'Fan Out',
	type: 'n8n-nodes-integration-automation.inventoryFanOut',
	typeVersion: 1,
	position: [400, 0],
	...(onError ? { onError } : {}),
	parameters: { operation: 'apply', stores: allStores, kind: 'sale', ...parameters },
	credentials: storeCredentials,
});

function verifyFlow(): object {
	return {
		name: 'verify then apply',
		nodes: [
			{ name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'orders' } },
			{
				name: 'Verify',
				type: 'n8n-nodes-integration-automation.inventoryFanOut',
				typeVersion: 1,
				position: [200, 0],
				parameters: { operation: 'verifyOrder', orderSource: 'shopify' },
				credentials: { integrationShopifyApi: storeCredentials.integrationShopifyApi },
			},
			fanOutNode({}),
		],
		connections: { Hook: { main: [[{ node: 'Verify', type: 'main', index: 0 }]] }, Verify: { main: [[{ node: 'Fan Out', type: 'main', index: 0 }], []] } },
	};
}

function applyFlow(onError?: string): object {
	return {
		name: 'apply',
		nodes: [
			{ name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'apply' } },
			fanOutNode({ orderId: '={{ $json.body.orderId }}', sourceStore: 'shopify', lines: '={{ $json.body.lines }}', deliveryId: '' }, onError),
		],
		connections: { Hook: { main: [[{ node: 'Fan Out', type: 'main', index: 0 }]] } },
	};
}

function shopifyDelivery(order: object, deliveryId: string) {
	const body = JSON.stringify(order);
	return { json: { headers: { 'x-shopify-hmac-sha256': createHmac('sha256', shopifySecret).update(body).digest('base64'), 'x-shopify-webhook-id': deliveryId }, body: JSON.parse(body) } };
}

const run = (workflow: object, items: Array<{ json: object }>) => runWorkflow(workflow, { inputItems: items, credentials: credentials(), env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile } });

async function storeWrites(): Promise<string[]> {
	const logs = await Promise.all(commercePlatforms.map(async (name) => (await sandboxes.controls[name].requests()).map((request) => `${name} ${request.method} ${request.path}`)));
	return logs.flat().filter((request) => !/ GET /.test(request));
}

test.each([
	['quantity -3', { quantity: -3 }, 'quantity'],
	['quantity "2"', { quantity: '2' }, 'quantity'],
	['quantity 1.5', { quantity: 1.5 }, 'quantity'],
	['no SKU', { sku: null }, 'sku'],
])('a signed Shopify order whose line has %s fails whole, naming the line; no store is written', async (_, change, field) => {
	await sandboxes.seed(['IN-1', 'IN-2'], 20);
	await Promise.all(commercePlatforms.map((name) => sandboxes.controls[name].clearRequests()));
	const order = { id: 770001, line_items: [{ id: 1, sku: 'IN-1', quantity: 1 }, { id: 2, sku: 'IN-2', quantity: 1, ...change }] };
	const result = await run(verifyFlow(), [shopifyDelivery(order, 'in-wh-1')]);
	// Genuine, so not refused as forged: passed on as sent, and the fan-out refuses the whole order by field and item.
	const [passedOn, forged] = result.outputs.Verify;
	expect(forged).toEqual([]);
	expect(passedOn.map((item) => item.json.invalidFields)).toEqual([[`line_items[1].${field}`]]);
	expect(result.status).toBe('error');
	expect((result.error as { message: string }).message).toMatch(new RegExp(`lines\\[1\\]\\.${field} \\(item 0\\)`));
	expect(await storeWrites()).toEqual([]);
	expect(await sandboxes.quantities('IN-1')).toEqual({ shopify: 20, woocommerce: 20, magento: 20, bigcommerce: 20 });
});

test('Apply Stock Movement: a malformed order stops the node naming the field and the item; nothing is written', async () => {
	await sandboxes.seed(['IN-3'], 20);
	await Promise.all(commercePlatforms.map((name) => sandboxes.controls[name].clearRequests()));
	const result = await run(applyFlow(), [{ json: { body: { lines: [{ lineId: '1', sku: 'IN-3', quantity: 1 }] } } }]);
	expect(result.status).toBe('error');
	const error = result.error as { message: string; context?: { itemIndex?: number } };
	expect(error.message).toMatch(/orderId \(item 0\)/);
	expect(error.context?.itemIndex).toBe(0);
	expect(await storeWrites()).toEqual([]);
});

test('Apply Stock Movement with the error output: bad orders go there by field and item, good ones apply', async () => {
	await sandboxes.seed(['IN-4'], 20);
	const line = { lineId: '1', sku: 'IN-4', quantity: 2 };
	const bodies = [
		{ orderId: 'in-good-1', lines: [line] },
		{ orderId: 'in-bad-1', lines: [{ ...line, quantity: '2' }] },
		{ orderId: { id: 1 }, lines: [line] },
		{ orderId: 'in-bad-2', lines: [line, { lineId: '2', quantity: 1 }] },
		{ orderId: 'in-bad-3', lines: 'IN-4 x2' },
		{ orderId: 'in-good-2', lines: [{ ...line, quantity: 1 }] },
	];
	const result = await run(applyFlow('continueErrorOutput'), bodies.map((body) => ({ json: { body } })));
	expect(result.status).toBe('success');
	const outputs = result.outputs['Fan Out'];
	const errors = outputs.at(-1)!;
	expect(errors.map((item) => [item.pairedItem, item.json.details.fields])).toEqual([
		[{ item: 1 }, ['lines[0].quantity']],
		[{ item: 2 }, ['orderId']],
		[{ item: 3 }, ['lines[1].sku']],
		[{ item: 4 }, ['lines']],
	]);
	expect(errors.map((item) => item.json.error)).toEqual(errors.map((item) => expect.stringContaining(`(item ${(item.pairedItem as { item: number }).item})`)));
	const applied = outputs[0].map((item) => `${item.json.orderId} ${item.json.store} ${item.json.status}`);
	expect(applied.sort()).toEqual(
		['in-good-1', 'in-good-2'].flatMap((order) => ['bigcommerce', 'magento', 'woocommerce'].map((store) => `shopify:${order} ${store} applied`)).sort(),
	);
	expect(await sandboxes.quantities('IN-4')).toEqual({ shopify: 20, woocommerce: 17, magento: 17, bigcommerce: 17 });
});

test('Reconcile refuses a SKU list entry that is not text, naming it and the item, before reading any store', async () => {
	await Promise.all(commercePlatforms.map((name) => sandboxes.controls[name].clearRequests()));
	const workflow = {
		name: 'reconcile',
		nodes: [
			{ name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'reconcile' } },
			{ ...fanOutNode({ operation: 'reconcile', skus: '={{ $json.body.skus }}' }), name: 'Reconcile' },
		],
		connections: { Hook: { main: [[{ node: 'Reconcile', type: 'main', index: 0 }]] } },
	};
	const result = await run(workflow, [{ json: { body: { skus: ['IN-5', 12345] } } }]);
	expect(result.status).toBe('error');
	expect((result.error as { message: string }).message).toMatch(/^Invalid skus\[1\] \(item 0\)/);
	const requests = await Promise.all(commercePlatforms.map((name) => sandboxes.controls[name].requests()));
	expect(requests.flat()).toEqual([]);
});

test('generated malformed line quantities and SKUs all go to the error output naming the line field and their item; nothing is written', async () => {
	await sandboxes.seed(['IN-6'], 20);
	await Promise.all(commercePlatforms.map((name) => sandboxes.controls[name].clearRequests()));
	const quantities = fc.sample(malformedQuantity, { numRuns: 25, seed: 21 }).map((quantity) => ({ quantity }));
	const skus = fc.sample(fc.oneof(fc.constantFrom(undefined, null, '', '  ', true), fc.integer(), fc.object({ maxDepth: 1 })), { numRuns: 10, seed: 21 }).map((sku) => ({ sku }));
	const changes = [...quantities, ...skus];
	const bodies = changes.map((change, index) => ({ orderId: `in-gen-${index}`, lines: [{ lineId: '1', sku: 'IN-6', quantity: 1, ...change }] }));
	const result = await run(applyFlow('continueErrorOutput'), bodies.map((body) => ({ json: { body } })));
	const outputs = result.outputs['Fan Out'];
	expect(outputs.slice(0, -1).flat()).toEqual([]);
	const errors = outputs.at(-1)!;
	expect(errors.map((item) => item.pairedItem)).toEqual(changes.map((_, item) => ({ item })));
	expect(errors.map((item) => item.json.details.fields)).toEqual(changes.map((change) => ['quantity' in change ? 'lines[0].quantity' : 'lines[0].sku']));
	expect(await storeWrites()).toEqual([]);
});
