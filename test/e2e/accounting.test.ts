/**
 * Accounting Sync in the real n8n, against the QuickBooks sandbox through an OAuth2 credential: a webhook workflow
 * records each order's sale; the same order delivered twice is answered twice with the same sales receipt, and the
 * sandbox holds one. The payment-refunds template refunds a Stripe payment through the Smart Payment Router and records
 * one QuickBooks refund receipt per refund, however often the refund request is delivered.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { UsageMeter } from '../../lib/metering';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore } from '../../lib/store';
import { startN8n, type N8nServer } from '../harness/n8nServer';
import { repoRoot } from '../harness/paths';
import { importEventHub, startTemplateServices, withCallerKey, type EventHub, type TemplateServices } from '../harness/templateServices';
import { withSubWorkflowIds, type WorkflowJson } from '../harness/workflowJson';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { quickBooksCredential } from '../support/quickbooks';

jest.setTimeout(600_000);

let n8n: N8nServer;
let qbo: RunningSandbox;
let stripe: RunningSandbox;
let services: TemplateServices;
let workflowId: string;
let chargeWorkflowId: string;
let refundsWorkflowId: string;
let hub: EventHub;
const paymentId = `e2e-books-${Date.now()}`;

/** Charges the payment the refunds template refunds, through the Smart Payment Router on the same state store. */
const chargeWorkflow = {
	name: 'Charge a payment',
	nodes: [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			name: 'Charge',
			type: 'n8n-nodes-integration-automation.smartPaymentRouter',
			typeVersion: 1,
			position: [220, 0],
			credentials: { integrationStripeApi: { id: '', name: 'Stripe account' } },
			parameters: { operation: 'route', paymentId, amount: 50, currency: 'USD', country: 'US', method: 'card', tokens: '{"stripe": "pm_card_visa"}' },
		},
	],
	connections: { Start: { main: [[{ node: 'Charge', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
};

/** The template with only the Stripe credential on its router (the other processors charged nothing here). */
function refundsTemplate(): WorkflowJson {
	const template = JSON.parse(readFileSync(path.join(repoRoot, 'workflows', 'payment-refunds.json'), 'utf8')) as WorkflowJson;
	return {
		...template,
		nodes: template.nodes.map((node) => (node.name === 'Refund Payment' ? { ...node, credentials: { integrationStripeApi: node.credentials!.integrationStripeApi } } : node)),
	};
}

const workflow = {
	name: 'Record each order in QuickBooks',
	nodes: [
		{ name: 'Order Received', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'accounting/orders', httpMethod: 'POST', responseMode: 'lastNode' } },
		{
			name: 'Record Sale',
			type: 'n8n-nodes-integration-automation.accountingSync',
			typeVersion: 1,
			position: [220, 0],
			credentials: { integrationQuickBooksOAuth2Api: { id: 'placeholder', name: 'QuickBooks sandbox' } },
			parameters: {
				platform: 'quickbooks',
				operation: 'recordSale',
				sourceId: '={{ $json.body.orderId }}',
				currency: '={{ $json.body.currency }}',
				customerEmail: '={{ $json.body.email }}',
				customerName: '={{ $json.body.name }}',
				lines: '={{ $json.body.lines }}',
				discount: '',
				shipping: '={{ $json.body.shipping }}',
				tax: '={{ $json.body.tax }}',
			},
		},
	],
	connections: { 'Order Received': { main: [[{ node: 'Record Sale', type: 'main', index: 0 }]] } },
	settings: {},
};

beforeAll(async () => {
	qbo = await startSandbox('quickbooks');
	stripe = await startSandbox('stripe');
	n8n = await startN8n();
	services = await startTemplateServices(n8n);
	const credentialId = await n8n.createCredential('integrationQuickBooksOAuth2Api', 'QuickBooks sandbox', quickBooksCredential(qbo));
	const stripeId = await n8n.createCredential('integrationStripeApi', 'Stripe sandbox', { secretKey: stripe.credentials.secretKey, baseUrl: stripe.baseUrl });
	const ids = { ...services.credentialIds, integrationQuickBooksOAuth2Api: credentialId, integrationStripeApi: stripeId };
	workflowId = await n8n.importWorkflow(workflow, { credentials: ids });
	await n8n.activate(workflowId);
	chargeWorkflowId = await n8n.importWorkflow(chargeWorkflow, { credentials: ids });
	// Each refund is published to the Event Router template (on receivers of its own).
	hub = await importEventHub(n8n, ids);
	refundsWorkflowId = await n8n.importWorkflow(withSubWorkflowIds(refundsTemplate(), hub.ids), { credentials: ids });
	await n8n.activate(refundsWorkflowId);
});

afterAll(async () => {
	await closeAllStores();
	await n8n?.stop();
	await services?.close();
	await hub?.close();
	await qbo?.close();
	await stripe?.close();
});

test('an order delivered twice is recorded as one sales receipt, and both deliveries answer with it', async () => {
	const body = { orderId: 'e2e-order-1', currency: 'USD', email: 'ann@example.com', name: 'Ann Lee', lines: [{ description: 'Mug', quantity: 2, unitPrice: '19.99' }], shipping: '4.00', tax: '2.50' };
	const first = await n8n.callWebhook('accounting/orders', { body });
	const second = await n8n.callWebhook('accounting/orders', { body });
	expect(first).toMatchObject({ status: 200, body: { sourceId: 'e2e-order-1', externalType: 'SalesReceipt', total: '46.48', replayed: false } });
	expect(second).toMatchObject({ status: 200, body: { sourceId: 'e2e-order-1', replayed: true, externalId: (first.body as { externalId: string }).externalId } });
	const control = new SandboxControl(qbo.baseUrl);
	const receipts = await control.state<Array<{ DocNumber: string; TotalAmt: number }>>('salesreceipts');
	expect(receipts).toEqual([expect.objectContaining({ DocNumber: 'e2e-order-1', TotalAmt: 46.48 })]);
	expect(await control.state<unknown[]>('customers')).toHaveLength(1);
});

test('payment-refunds template: a refund delivered three times is refunded once at Stripe and recorded as one QuickBooks refund receipt', async () => {
	const charged = await n8n.runManual(chargeWorkflowId);
	expect(charged.status).toBe('success');
	const body = { paymentId, refundId: `${paymentId}-r1`, amount: 20, reason: 'Damaged in transit' };
	const answers = [];
	for (let delivery = 0; delivery < 3; delivery++) answers.push(await n8n.callWebhook('payments/refund', withCallerKey({ body })));
	expect(answers.map((answer) => answer.status)).toEqual([201, 200, 200]);
	expect(answers[0].body).toMatchObject({ refundId: `${paymentId}-r1`, status: 'succeeded', amount: '20.00', remaining: '30.00', processor: 'stripe' });
	const control = new SandboxControl(qbo.baseUrl);
	// The receipt is recorded after the answer: wait for the deliveries' executions to finish (up to 120 s: a loaded
	// machine; in queue mode they wait for a worker).
	const deadline = Date.now() + 120_000;
	let finished: Array<{ status: string }> = [];
	while (Date.now() < deadline) {
		finished = (await n8n.executions(refundsWorkflowId)).filter((run) => run.status !== 'running' && run.status !== 'new');
		if (finished.length >= 3) break;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	expect(finished.map((run) => run.status)).toEqual(['success', 'success', 'success']);
	const receipts = await control.state<Array<{ DocNumber: string; TotalAmt: number; PrivateNote?: string }>>('refundreceipts');
	expect(receipts).toEqual([expect.objectContaining({ TotalAmt: 20 })]);
	expect(await new SandboxControl(stripe.baseUrl).state<unknown[]>('refunds')).toHaveLength(1);
	// The refund receipt is metered once in the books' namespace ($0.25 on the Accounting price), however often delivered.
	const store = await openStore(n8n.stateStore, allMigrations);
	expect((await new UsageMeter({ db: store.db, namespace: 'accounting' }).usage('demo')).meters.transactions).toMatchObject({ quantity: 1, events: 1 });
	const refused = await n8n.callWebhook('payments/refund', withCallerKey({ body: { ...body, refundId: `${paymentId}-r2`, amount: 30.01 } }));
	expect(refused.status).toBe(422);
	expect(refused.body).toMatchObject({ fields: ['refundAmount'] });
	const unknown = await n8n.callWebhook('payments/refund', withCallerKey({ body: { ...body, paymentId: 'never-charged', refundId: `${paymentId}-r3` } }));
	expect(unknown).toMatchObject({ status: 404, body: { reason: 'unknown_payment' } });
	expect(await control.state<unknown[]>('refundreceipts')).toHaveLength(1);
});
