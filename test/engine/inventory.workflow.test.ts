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
	for (const name of ['Rejected', 'Seen Before', 'Invalid', 'Stock Updated', 'Stock Changes Pending', 'Stock Refused']) {
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
			// Applied, Pending, and n8n's error output (the template's On Error: Continue (using error output)).
			'Fan Out Stock': { main: [to('Stock Updated'), to('Stock Changes Pending'), to('Stock Refused')] },
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

test('an unknown SKU is refused on the error output, a store that is down is pending; retry pending applies the change later', async () => {
	await sandboxes.seed(['WF-2'], 10);
	await sandboxes.controls.magento.reset();
	await sandboxes.controls.bigcommerce.fault({ kind: 'error', status: 503, times: -1 });
	const order = { id: 880003, line_items: [{ id: 1, sku: 'WF-2', quantity: 1 }] };
	const result = await run(orderFlow(), [shopifyDelivery(order, 'wh-3')], 'Shopify Order Created');
	expect(result.error).toBeUndefined();
	const pending = result.outputs['Stock Changes Pending'][0].map((item) => item.json);
	expect(pending.map((item) => [item.store, item.status])).toEqual([['bigcommerce', 'pending']]);
	const refused = result.outputs['Stock Refused'][0].map((item) => item.json);
	expect(refused.map((item) => [(item.details as { store: string }).store, (item.details as { status: string }).status, (item.details as { code: string }).code])).toEqual([['magento', 'failed', 'UNKNOWN_SKU']]);
	expect(String(refused[0].error)).toMatch(/^stock of WF-2 on magento \(order shopify:880003, line 1\): /);
	await sandboxes.controls.bigcommerce.clearFaults();
	const retry = await run(template('inventory-reconcile.json'), [], 'Reconcile Now');
	expect(retry.error).toBeUndefined();
	expect(retry.outputs['Retry Pending Changes'][0].map((item) => item.json).find((item) => item.store === 'bigcommerce' && item.orderId === 'shopify:880003')).toMatchObject({ status: 'applied', newQuantity: 9 });
	expect((await sandboxes.quantities('WF-2')).bigcommerce).toBe(9);
});

test('the reconcile template adopts a baseline, reports and corrects drift', async () => {
	await sandboxes.seed(['WF-3'], 25);
	await sandboxes.controls.woocommerce.seed({ products: [{ sku: 'WF-3', stock_quantity: 31 }] });
	const reconcile = template('inventory-reconcile.json');
	reconcile.nodes = reconcile.nodes.map((node) => (node.name === 'Reconcile Stock' ? { ...node, parameters: { ...node.parameters, skus: 'WF-3', baselineStore: 'shopify' } } : node));
	const result = await run(reconcile, [], 'Reconcile Now');
	const inStep = result.outputs['Reconcile Stock'][0].map((item) => item.json).filter((item) => item.sku === 'WF-3');
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
	// The store that could not be polled reaches Needs Attention from Poll Store Orders' error output, its reason beside it.
	expect(attention.filter((item) => item.details?.operation === 'pollOrders')).toEqual([
		expect.objectContaining({ error: expect.stringMatching(/^orders on bigcommerce: not polled: /), details: expect.objectContaining({ store: 'bigcommerce', platform: 'bigcommerce', operation: 'pollOrders', status: 'failed', httpStatus: 422 }) }),
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
	// The resume's hold is 10 s: the run right after it must still find the order held however long a loaded machine
	// stalls between the two (3 s was not enough).
	const resume = (maxAttempts: number) => run(intakeFlow({ operation: 'resumeOrders', resumeAfter: 10, maxAttempts }), [{ json: {} }]);
	await new Promise((resolve) => setTimeout(resolve, 1_100));
	const first = await resume(10);
	expect(first.outputs.Intake[0].map((item) => item.json)).toMatchObject([{ orderKey: 'shopify:intake-1', pendingSteps: ['fulfillment', 'accounting', 'crm'], attempts: 2 }]);
	expect((await resume(10)).outputs.Intake[0]).toEqual([]);
	await new Promise((resolve) => setTimeout(resolve, 10_100));
	const tooMany = await resume(2);
	expect(tooMany.outputs.Intake[0]).toEqual([]);
	expect(tooMany.outputs.Intake[1].map((item) => item.json)).toMatchObject([{ orderKey: 'shopify:intake-1', attempts: 3 }]);
});

describe('the cancellations template restocks what a sale took, once', () => {
	/**
	 * The template's Restock Order given what "Read Cancellation or Refund" makes of an Order Trigger's event (n8n's Set
	 * node is not in-process; test/e2e/inventory.test.ts runs the whole template, triggers included, in the real n8n).
	 */
	const restockFlow = (): WorkflowJson => {
		const workflow = template('order-cancellations.json');
		const kept = workflow.nodes.filter((node) => ['Restock Order', 'Email Restock Pending'].includes(node.name));
		return { ...workflow, nodes: kept, connections: { 'Restock Order': workflow.connections['Restock Order'] } };
	};
	const restock = (items: Array<{ orderId: string; sourceStore: string; restockKind: string; returnKey: string; returnLines?: object[] }>) =>
		run(restockFlow(), items.map((json) => ({ json })), 'Restock Order');
	const outputOf = (result: Awaited<ReturnType<typeof run>>, node: string) => (result.outputs[node]?.[0] ?? []).map((item) => item.json);

	test('a Shopify cancellation delivered twice gives the sold units back once on the three other stores; a refund after it, nothing', async () => {
		await sandboxes.seed(['WF-C'], 40);
		const order = { id: 880020, line_items: [{ id: 11, sku: 'WF-C', quantity: 3 }] };
		await run(orderFlow(), [shopifyDelivery(order, 'wh-c1')], 'Shopify Order Created');
		expect(await sandboxes.quantities('WF-C')).toEqual({ shopify: 40, woocommerce: 37, magento: 37, bigcommerce: 37 });
		const cancelled = { orderId: '880020', sourceStore: 'shopify', restockKind: 'restock', returnKey: 'order' };
		const result = await restock([cancelled, cancelled]);
		expect(result.error).toBeUndefined();
		const restocked = outputOf(result, 'Restock Order');
		expect(restocked.filter((item) => item.alreadyDone === false).map((item) => [item.store, item.change, item.newQuantity]).sort()).toEqual([
			['bigcommerce', 3, 40],
			['magento', 3, 40],
			['woocommerce', 3, 40],
		]);
		expect(restocked.filter((item) => item.alreadyDone === true)).toHaveLength(3);
		const refunded = await restock([{ orderId: '880020', sourceStore: 'shopify', restockKind: 'refund', returnKey: 'refund:7001', returnLines: [{ lineId: '11', quantity: 3 }] }]);
		expect(outputOf(refunded, 'Restock Order')).toEqual([{ orderId: 'shopify:880020', restocked: false, reason: 'already given back', lines: [{ lineId: '11', sku: 'WF-C', quantity: 0, status: 'nothing_left' }] }]);
		expect(await sandboxes.quantities('WF-C')).toEqual({ shopify: 40, woocommerce: 40, magento: 40, bigcommerce: 40 });
	});

	test('a refund of some lines gives back those lines, each once and never more than was sold', async () => {
		await sandboxes.seed(['WF-D', 'WF-E'], 20);
		const order = { id: 880021, line_items: [{ id: 21, sku: 'WF-D', quantity: 3 }, { id: 22, sku: 'WF-E', quantity: 2 }] };
		await run(orderFlow(), [shopifyDelivery(order, 'wh-d1')], 'Shopify Order Created');
		const refund = { orderId: '880021', sourceStore: 'shopify', restockKind: 'refund', returnKey: 'refund:7002', returnLines: [{ lineId: '21', quantity: 1 }] };
		const result = await restock([refund, refund]);
		expect(result.error).toBeUndefined();
		expect(outputOf(result, 'Restock Order').filter((item) => item.alreadyDone === false).map((item) => [item.store, item.sku, item.change]).sort()).toEqual([
			['bigcommerce', 'WF-D', 1],
			['magento', 'WF-D', 1],
			['woocommerce', 'WF-D', 1],
		]);
		expect(await sandboxes.quantities('WF-D')).toEqual({ shopify: 20, woocommerce: 18, magento: 18, bigcommerce: 18 });
		expect(await sandboxes.quantities('WF-E')).toEqual({ shopify: 20, woocommerce: 18, magento: 18, bigcommerce: 18 });
	});

	test('malformed returned lines stop the item naming the field; nothing is given back', async () => {
		await sandboxes.seed(['WF-G'], 10);
		await run(orderFlow(), [shopifyDelivery({ id: 880022, line_items: [{ id: 31, sku: 'WF-G', quantity: 2 }] }, 'wh-g1')], 'Shopify Order Created');
		const result = await restock([{ orderId: '880022', sourceStore: 'shopify', restockKind: 'refund', returnKey: 'refund:7003', returnLines: [{ lineId: '31', quantity: '2' }] }]);
		expect((result.error as Error | undefined)?.message).toBe('Invalid returnLines[0].quantity (item 0): returnLines[0].quantity must be a whole number of at least 1, got the string "2"');
		expect(await sandboxes.quantities('WF-G')).toEqual({ shopify: 10, woocommerce: 8, magento: 8, bigcommerce: 8 });
	});

	test('a refund or cancellation of an order whose sale was never recorded restocks nothing; its sale then takes nothing off', async () => {
		await sandboxes.seed(['WF-F'], 10);
		const result = await restock([{ orderId: '990001', sourceStore: 'woocommerce', restockKind: 'refund', returnKey: 'order' }]);
		expect(result.error).toBeUndefined();
		expect(outputOf(result, 'Restock Order')).toMatchObject([{ orderId: 'woocommerce:990001', restocked: false, reason: expect.stringMatching(/^no sale of this order was recorded: the order is void/) }]);
		const late = await run(orderFlow(), [{ json: { headers: { 'x-wc-webhook-signature': createHmac('sha256', 'woo-secret').update(JSON.stringify({ id: 990001, line_items: [{ id: 1, sku: 'WF-F', quantity: 4 }] })).digest('base64'), 'x-wc-webhook-delivery-id': 'woo-late' }, body: { id: 990001, line_items: [{ id: 1, sku: 'WF-F', quantity: 4 }] } } }], 'WooCommerce Order Created');
		expect(late.error).toBeUndefined();
		expect(outputOf(late, 'Stock Updated')).toEqual([{ orderId: '990001', voided: true, reason: 'cancelled before its sale was recorded: nothing taken off' }]);
		expect(await sandboxes.quantities('WF-F')).toEqual({ shopify: 10, woocommerce: 10, magento: 10, bigcommerce: 10 });
	});
});
