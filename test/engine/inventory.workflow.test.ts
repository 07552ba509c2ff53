/**
 * The Inventory Fan-out node in n8n-core's engine, against the four commerce sandboxes: the order template's verify
 * and fan-out nodes (the Respond to Webhook steps need the real n8n: see test/e2e/inventory.test.ts), and the
 * reconcile template.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { closeAllStores } from '../../lib/store';
import { runWorkflow } from '../harness/inProcess';
import { repoRoot } from '../harness/paths';
import type { WorkflowJson } from '../harness/workflowJson';
import { startCommerceSandboxes, type CommerceSandboxes } from '../support/inventoryStores';

const template = (name: string) => JSON.parse(readFileSync(path.join(repoRoot, 'workflows', name), 'utf8')) as WorkflowJson;
const shopifySecret = 'shpss_in_process';

let sandboxes: CommerceSandboxes;
let stateFile: string;

beforeAll(async () => {
	sandboxes = await startCommerceSandboxes();
	stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'inventory-workflow-')), 'state.sqlite');
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

/**
 * The order templates' Record Order and Fan Out Stock behind a signed-webhook intake (Webhook + Verify Order, the
 * Order Trigger's in-process stand-in; the e2e test covers the triggers and the calls after the stock step): verify →
 * record the order → fan stock out; a repeated order → "Seen Before", a forged one → "Rejected".
 */
function orderFlow(): WorkflowJson {
	const recordOrder = template('order-inventory-fanout.json').nodes.find((node) => node.name === 'Record Order')!;
	const fanOut = template('order-steps.json').nodes.find((node) => node.name === 'Fan Out Stock')!;
	const pkg = fanOut.type.split('.')[0];
	const intake = (store: 'shopify' | 'woocommerce', label: string, y: number) => [
		{ name: `${label} Order Created`, type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, y], parameters: { httpMethod: 'POST', path: `inventory/${store}-orders`, options: { rawBody: true } } },
		{ name: `Verify ${label} Order`, type: `${pkg}.inventoryFanOut`, typeVersion: 1, position: [260, y], parameters: { operation: 'verifyOrder', orderSource: store }, credentials: { [`integration${label}Api`]: { id: '', name: `${label} account` } } },
	];
	const nodes = [...intake('shopify', 'Shopify', -120), ...intake('woocommerce', 'WooCommerce', 200), recordOrder, fanOut];
	for (const name of ['Rejected', 'Seen Before', 'Invalid', 'Stock Updated', 'Stock Changes Pending']) {
		nodes.push({ name, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [520, 340], parameters: {} });
	}
	const to = (node: string) => [{ node, type: 'main', index: 0 }];
	const toIntake = { main: [to('Record Order'), to('Rejected')] };
	return {
		name: 'order intake',
		nodes,
		connections: {
			'Shopify Order Created': { main: [to('Verify Shopify Order')] },
			'WooCommerce Order Created': { main: [to('Verify WooCommerce Order')] },
			'Verify Shopify Order': toIntake,
			'Verify WooCommerce Order': toIntake,
			'Record Order': { main: [to('Fan Out Stock'), to('Seen Before'), to('Invalid')] },
			'Fan Out Stock': { main: [to('Stock Updated'), to('Stock Changes Pending')] },
		},
	};
}

function shopifyDelivery(order: object, deliveryId: string, secret = shopifySecret) {
	const body = JSON.stringify(order);
	return { json: { headers: { 'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'), 'x-shopify-webhook-id': deliveryId }, body: JSON.parse(body) } };
}

/** Webhook deliveries as the start node's items; without items the start node (a manual trigger) emits its own. */
const run = (workflow: WorkflowJson, items: Array<{ json: object }>, startNode?: string) =>
	runWorkflow(workflow, { inputItems: items.length > 0 ? items : undefined, credentials: credentials(), startNode, env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile } });

test('a signed Shopify order fans out to the other three stores once; a forged one changes nothing', async () => {
	await sandboxes.seed(['WF-1'], 40);
	const order = { id: 880001, line_items: [{ id: 1, sku: 'WF-1', quantity: 3 }] };
	const result = await run(orderFlow(), [shopifyDelivery(order, 'wh-1'), shopifyDelivery(order, 'wh-1'), shopifyDelivery({ ...order, id: 880002 }, 'wh-2', 'forged')], 'Shopify Order Created');
	expect(result.error).toBeUndefined();
	const applied = result.outputs['Stock Updated'][0].map((item) => item.json);
	expect(applied.filter((item) => item.status === 'applied').map((item) => item.store).sort()).toEqual(['bigcommerce', 'magento', 'woocommerce']);
	expect(result.outputs['Seen Before'][0].map((item) => item.json)).toMatchObject([{ orderKey: 'shopify:880001', duplicate: true }]);
	expect(result.outputs.Rejected[0].map((item) => item.json.reason)).toEqual(['signature does not match the body']);
	expect(await sandboxes.quantities('WF-1')).toEqual({ shopify: 40, woocommerce: 37, magento: 37, bigcommerce: 37 });
});

test('an unknown SKU and a store that is down land on the errors output; retry pending applies the change later', async () => {
	await sandboxes.seed(['WF-2'], 10);
	await sandboxes.controls.magento.reset();
	await sandboxes.controls.bigcommerce.fault({ kind: 'error', status: 503, times: -1 });
	const order = { id: 880003, line_items: [{ id: 1, sku: 'WF-2', quantity: 1 }] };
	const result = await run(orderFlow(), [shopifyDelivery(order, 'wh-3')], 'Shopify Order Created');
	expect(result.error).toBeUndefined();
	const errors = result.outputs['Stock Changes Pending'][0].map((item) => item.json);
	expect(errors.map((item) => [item.store, item.status, (item.error as { code?: string }).code])).toEqual([
		['magento', 'failed', 'UNKNOWN_SKU'],
		['bigcommerce', 'pending', undefined],
	]);
	await sandboxes.controls.bigcommerce.clearFaults();
	const retry = await run(template('inventory-reconcile.json'), [], 'Reconcile Now');
	expect(retry.error).toBeUndefined();
	expect(retry.outputs['Stores In Step'][0].map((item) => item.json).find((item) => item.store === 'bigcommerce' && item.orderId === 'shopify:880003')).toMatchObject({ status: 'applied', newQuantity: 9 });
	expect((await sandboxes.quantities('WF-2')).bigcommerce).toBe(9);
});

test('the reconcile template adopts a baseline, reports and corrects drift', async () => {
	await sandboxes.seed(['WF-3'], 25);
	await sandboxes.controls.woocommerce.seed({ products: [{ sku: 'WF-3', stock_quantity: 31 }] });
	const reconcile = template('inventory-reconcile.json');
	reconcile.nodes = reconcile.nodes.map((node) => (node.name === 'Reconcile Stock' ? { ...node, parameters: { ...node.parameters, skus: 'WF-3', baselineStore: 'shopify' } } : node));
	const result = await run(reconcile, [], 'Reconcile Now');
	const inStep = result.outputs['Stores In Step'][0].map((item) => item.json).filter((item) => item.sku === 'WF-3');
	expect(inStep.map((item) => [item.store, item.status])).toEqual([['shopify', 'in_sync'], ['woocommerce', 'corrected'], ['magento', 'in_sync'], ['bigcommerce', 'in_sync']]);
	expect(await sandboxes.quantities('WF-3')).toEqual({ shopify: 25, woocommerce: 25, magento: 25, bigcommerce: 25 });
});

test('Poll Orders pulls a Magento order and fans it out; a second poll changes nothing', async () => {
	await sandboxes.seed(['WF-4'], 12);
	await sandboxes.controls.magento.seed({ orders: [{ items: [{ sku: 'WF-4', qty: 5 }] }] });
	const poll: WorkflowJson = {
		name: 'poll',
		nodes: [
			{ name: 'Poll Now', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				name: 'Poll Orders',
				type: 'n8n-nodes-integration-automation.inventoryFanOut',
				typeVersion: 1,
				position: [260, 0],
				parameters: { operation: 'pollOrders', stores: ['shopify', 'woocommerce', 'magento', 'bigcommerce'], cursorName: 'wf-test' },
			},
		],
		connections: { 'Poll Now': { main: [[{ node: 'Poll Orders', type: 'main', index: 0 }]] } },
	};
	const first = await run(poll, []);
	expect(first.error).toBeUndefined();
	expect(first.outputs['Poll Orders'][0].map((item) => [item.json.store, item.json.status, item.json.newQuantity])).toEqual([
		['shopify', 'applied', 7],
		['woocommerce', 'applied', 7],
		['bigcommerce', 'applied', 7],
	]);
	const second = await run(poll, []);
	expect(second.outputs['Poll Orders'][0].map((item) => [item.json.store, item.json.alreadyDone])).toEqual([
		['shopify', true],
		['woocommerce', true],
		['bigcommerce', true],
	]);
	expect(await sandboxes.quantities('WF-4')).toEqual({ shopify: 7, woocommerce: 7, magento: 7, bigcommerce: 7 });
});

test('the reconcile template goes on when one store answers Poll Orders with a 422: that store is on Needs Attention with its reason', async () => {
	await sandboxes.seed(['SKU-1', 'SKU-2'], 8);
	await sandboxes.controls.magento.seed({ orders: [{ items: [{ sku: 'SKU-1', qty: 2 }] }] });
	await sandboxes.controls.bigcommerce.fault({ kind: 'error', status: 422, times: -1, match: { method: 'GET', path: '^/stores/[^/]+/v2/orders' } });
	// A state store of its own: the sandboxes number orders from 1 again after each reset.
	const ownState = path.join(mkdtempSync(path.join(tmpdir(), 'inventory-isolation-')), 'state.sqlite');
	const result = await runWorkflow(template('inventory-reconcile.json'), { credentials: credentials(), startNode: 'Reconcile Now', env: { INTEGRATION_AUTOMATION_STATE_FILE: ownState } });
	expect(result.error).toBeUndefined();
	const attention = result.outputs['Needs Attention'][0].map((item) => item.json);
	expect(attention.filter((item) => item.operation === 'pollOrders')).toEqual([
		{ store: 'bigcommerce', platform: 'bigcommerce', operation: 'pollOrders', status: 'failed', error: expect.objectContaining({ status: 422 }) },
	]);
	// The Magento order was polled and fanned out, and Retry Pending and Reconcile ran after the failed poll.
	expect(await sandboxes.quantities('SKU-1')).toEqual({ shopify: 6, woocommerce: 6, magento: 6, bigcommerce: 6 });
	expect(attention.filter((item) => item.status === 'no_baseline').map((item) => item.store)).toContain('bigcommerce');
});

/** One Inventory Fan-out node fed by a webhook stand-in, running the order intake operations on the test's state file. */
function intakeFlow(parameters: Record<string, unknown>): WorkflowJson {
	return {
		name: 'order intake',
		nodes: [
			{ name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'intake' } },
			{ name: 'Intake', type: 'n8n-nodes-integration-automation.inventoryFanOut', typeVersion: 1, position: [240, 0], parameters },
		],
		connections: { Hook: { main: [[{ node: 'Intake', type: 'main', index: 0 }]] } },
	} as WorkflowJson;
}

test('Resume Pending Orders hands out an unfinished order after its hold, once; past Max Attempts it needs attention; Complete Order Step counts once', async () => {
	const order = { orderId: 'intake-1', sourceStore: 'shopify', lines: [{ lineId: '1', sku: 'WF-9', quantity: 1 }] };
	const recorded = await run(intakeFlow({ operation: 'recordOrder', resumeAfter: 1 }), [{ json: order }]);
	expect(recorded.outputs.Intake[0].map((item) => item.json)).toMatchObject([{ orderKey: 'shopify:intake-1', pendingSteps: ['stock', 'fulfillment', 'accounting', 'crm'] }]);
	const complete = (step: string) => run(intakeFlow({ operation: 'completeStep', orderKey: 'shopify:intake-1', step }), [{ json: {} }]);
	expect((await complete('stock')).outputs.Intake[0][0].json).toEqual({ orderKey: 'shopify:intake-1', step: 'stock', completed: true, remainingSteps: ['fulfillment', 'accounting', 'crm'] });
	expect((await complete('stock')).outputs.Intake[0][0].json).toMatchObject({ completed: false });

	// Holds are in seconds (the store test covers them with a fake clock): wait them out, with a margin for the run after.
	const resume = (maxAttempts: number) => run(intakeFlow({ operation: 'resumeOrders', resumeAfter: 3, maxAttempts }), [{ json: {} }]);
	await new Promise((resolve) => setTimeout(resolve, 1_100));
	const first = await resume(10);
	expect(first.outputs.Intake[0].map((item) => item.json)).toMatchObject([{ orderKey: 'shopify:intake-1', pendingSteps: ['fulfillment', 'accounting', 'crm'], attempts: 2 }]);
	expect((await resume(10)).outputs.Intake[0]).toEqual([]);
	await new Promise((resolve) => setTimeout(resolve, 3_100));
	const tooMany = await resume(2);
	expect(tooMany.outputs.Intake[0]).toEqual([]);
	expect(tooMany.outputs.Intake[1].map((item) => item.json)).toMatchObject([{ orderKey: 'shopify:intake-1', attempts: 3 }]);
});
