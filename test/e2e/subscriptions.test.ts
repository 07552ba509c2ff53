/**
 * Subscriptions (and an invoice, at Stripe) in the real n8n against the Stripe and Braintree sandboxes, through the Smart Payment Router node: a
 * customer is subscribed to a plan of the neutral plan model (Create Subscription) and the subscription canceled (Cancel
 * Subscription) in one workflow; the workflow run again (the same request ids) answers both from the store: one
 * subscription at the processor, canceled once. Braintree's goes through its XML gateway API, through n8n's own HTTP
 * client and the credential's Basic auth.
 */
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { startN8n, type N8nServer } from '../harness/n8nServer';

jest.setTimeout(600_000);

const pkg = 'n8n-nodes-integration-automation';
const routerType = `${pkg}.smartPaymentRouter`;
let stripe: RunningSandbox;
let braintree: RunningSandbox;
let control: SandboxControl;
let braintreeControl: SandboxControl;
let braintreeCredential: Record<string, { id: string; name: string }>;
let n8n: N8nServer;
let stripeCredential: Record<string, { id: string; name: string }>;
const stamp = Date.now();

const plans = [
	{ id: 'basic', amount: 9, currency: 'USD', interval: 'month', processorPlans: { stripe: 'price_basic_monthly', braintree: 'bt-basic-monthly' } },
	{ id: 'pro', amount: 29, currency: 'USD', interval: 'month', processorPlans: { stripe: 'price_pro_monthly', braintree: 'bt-pro-monthly' } },
];

beforeAll(async () => {
	[stripe, braintree] = await Promise.all([startSandbox('stripe'), startSandbox('braintree')]);
	control = new SandboxControl(stripe.baseUrl);
	braintreeControl = new SandboxControl(braintree.baseUrl);
	n8n = await startN8n();
	const credential = await n8n.createCredential('integrationStripeApi', 'Stripe sandbox', { secretKey: stripe.credentials.secretKey, baseUrl: stripe.baseUrl });
	stripeCredential = { integrationStripeApi: { id: credential, name: 'Stripe sandbox' } };
	const { publicKey, privateKey, merchantId } = braintree.credentials;
	const braintreeId = await n8n.createCredential('integrationBraintreeApi', 'Braintree sandbox', { publicKey, privateKey, merchantId, baseUrl: braintree.baseUrl });
	braintreeCredential = { integrationBraintreeApi: { id: braintreeId, name: 'Braintree sandbox' } };
});

afterAll(async () => {
	await n8n?.stop();
	await stripe?.close();
	await braintree?.close();
});

/** The plans as the panel's rows save them: Stripe's price picked from the list (or typed By ID), with its cached name. */
const planRows = (rows: Array<{ id: string; amount: number; price: string; mode?: 'list' | 'id' }>) => ({
	plan: rows.map(({ id, amount, price, mode = 'list' }) => ({ id, amount, currency: 'USD', interval: 'month', stripePlan: { __rl: true, mode, value: price, ...(mode === 'list' ? { cachedResultName: id } : {}) } })),
});

function router(name: string, x: number, parameters: Record<string, unknown>, processor = 'stripe') {
	const credentials = processor === 'stripe' ? stripeCredential : braintreeCredential;
	return { parameters: { processors: [processor], ...parameters }, name, type: routerType, typeVersion: 1.1, position: [x, 0], credentials };
}

test('a subscription created and cancelled through the node: one at Stripe, canceled once; the run repeated replays both', async () => {
	// The customer, with a default card, as the shop's signup made it at Stripe.
	const response = await fetch(`${stripe.baseUrl}/v1/customers`, {
		method: 'POST',
		headers: { authorization: `Bearer ${String(stripe.credentials.secretKey)}`, 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ email: 'subscriber@example.com', 'invoice_settings[default_payment_method]': 'pm_card_visa' }),
	});
	const customer = ((await response.json()) as { id: string }).id;
	expect(customer).toMatch(/^cus_/);

	const workflowId = await n8n.importWorkflow({
		name: 'Subscribe then cancel e2e',
		nodes: [
			{ parameters: {}, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
			router('Subscribe', 200, {
				operation: 'createSubscription',
				subscriptionPlanRows: planRows([{ id: 'basic', amount: 9, price: 'price_basic_monthly', mode: 'id' }, { id: 'pro', amount: 29, price: 'price_pro_monthly' }]),
				subscriptionRequestId: `e2e-subscribe-${stamp}`,
				subscriptionProcessor: 'stripe',
				subscriptionPlan: 'pro',
				subscriptionCustomer: customer,
			}),
			router('Cancel', 400, { operation: 'cancelSubscription', subscriptionRequestId: `e2e-cancel-${stamp}`, subscriptionId: '={{ $json.subscriptionId }}' }),
		],
		connections: { Start: { main: [[{ node: 'Subscribe', type: 'main', index: 0 }]] }, Subscribe: { main: [[{ node: 'Cancel', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	});

	const run = await n8n.runManual(workflowId);
	expect(run.status).toBe('success');
	const [subscribed, actionRequired] = run.outputs.Subscribe;
	expect(actionRequired ?? []).toEqual([]);
	expect(subscribed.map((item) => item.json)).toEqual([expect.objectContaining({ change: 'create', processor: 'stripe', plan: 'pro', processorPlanId: 'price_pro_monthly', state: 'active', replayed: false })]);
	const subscriptionId = String(subscribed[0].json.subscriptionId);
	expect(run.outputs.Cancel[0].map((item) => [item.json.change, item.json.subscriptionId, item.json.state, item.json.replayed])).toEqual([['cancel', subscriptionId, 'canceled', false]]);
	const atStripe = await control.state<Array<{ id: string; status: string; customer: string }>>('subscriptions');
	expect(atStripe.map((subscription) => [subscription.id, subscription.customer, subscription.status])).toEqual([[subscriptionId, customer, 'canceled']]);

	// The same workflow again: the same request ids, answered from the store, nothing made or canceled twice.
	const again = await n8n.runManual(workflowId);
	expect(again.status).toBe('success');
	expect(again.outputs.Subscribe[0].map((item) => [item.json.subscriptionId, item.json.replayed])).toEqual([[subscriptionId, true]]);
	expect(again.outputs.Cancel[0].map((item) => [item.json.state, item.json.replayed])).toEqual([['canceled', true]]);
	expect(await control.state<unknown[]>('subscriptions')).toHaveLength(1);
});

test('a plan row that bills nothing stops the node with an error naming the row and its field, and nothing is subscribed at Stripe', async () => {
	const before = (await control.state<unknown[]>('subscriptions')).length;
	const workflowId = await n8n.importWorkflow({
		name: 'Subscribe with a bad plan row e2e',
		nodes: [
			{ parameters: {}, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
			router('Subscribe', 200, {
				operation: 'createSubscription',
				subscriptionPlanRows: planRows([{ id: 'pro', amount: 29, price: 'price_pro_monthly' }, { id: 'free', amount: 0, price: 'price_basic_monthly' }]),
				subscriptionRequestId: `e2e-bad-row-${stamp}`,
				subscriptionProcessor: 'stripe',
				subscriptionPlan: 'pro',
				subscriptionCustomer: 'cus_anyone',
			}),
		],
		connections: { Start: { main: [[{ node: 'Subscribe', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	});
	const run = await n8n.runManual(workflowId);
	expect(run.status).toBe('error');
	expect(JSON.stringify(run.error)).toContain('Plans, row 2: Amount');
	expect(await control.state<unknown[]>('subscriptions')).toHaveLength(before);
});

test('Braintree: a subscription created and cancelled through the node on its gateway API: one at Braintree, its first cycle charged once, canceled once; the run repeated replays both', async () => {
	// A customer with a vaulted card, as the shop's signup made it at Braintree.
	const { customers } = await braintreeControl.seed<{ customers: Array<{ id: string; cards: Array<{ token: string }> }> }>({ customers: [{ paymentMethodNonce: 'fake-valid-visa-nonce' }] });
	const token = customers[0].cards[0].token;
	const workflowId = await n8n.importWorkflow({
		name: 'Braintree subscribe then cancel e2e',
		nodes: [
			{ parameters: {}, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
			router('Subscribe', 200, {
				operation: 'createSubscription',
				// The plans as JSON (a catalog an expression could build), beside the rows.
				subscriptionPlansFrom: 'json',
				subscriptionPlans: JSON.stringify(plans),
				subscriptionRequestId: `e2e-bt-subscribe-${stamp}`,
				subscriptionProcessor: 'braintree',
				subscriptionPlan: 'basic',
				subscriptionPaymentMethod: token,
			}, 'braintree'),
			router('Cancel', 400, { operation: 'cancelSubscription', subscriptionRequestId: `e2e-bt-cancel-${stamp}`, subscriptionId: '={{ $json.subscriptionId }}' }, 'braintree'),
		],
		connections: { Start: { main: [[{ node: 'Subscribe', type: 'main', index: 0 }]] }, Subscribe: { main: [[{ node: 'Cancel', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	});

	const run = await n8n.runManual(workflowId);
	expect(run.status).toBe('success');
	const [subscribed] = run.outputs.Subscribe;
	expect(subscribed.map((item) => item.json)).toEqual([expect.objectContaining({ change: 'create', processor: 'braintree', plan: 'basic', processorPlanId: 'bt-basic-monthly', state: 'active', processorStatus: 'Active', replayed: false })]);
	const subscriptionId = String(subscribed[0].json.subscriptionId);
	expect(run.outputs.Cancel[0].map((item) => [item.json.change, item.json.subscriptionId, item.json.state, item.json.replayed])).toEqual([['cancel', subscriptionId, 'canceled', false]]);
	const atBraintree = () => braintreeControl.state<Array<{ id: string; status: string; paymentMethodToken: string; transactionIds: string[] }>>('subscriptions');
	expect((await atBraintree()).map((subscription) => [subscription.id, subscription.paymentMethodToken, subscription.status, subscription.transactionIds.length])).toEqual([[subscriptionId, token, 'Canceled', 1]]);

	const again = await n8n.runManual(workflowId);
	expect(again.status).toBe('success');
	expect(again.outputs.Subscribe[0].map((item) => [item.json.subscriptionId, item.json.replayed])).toEqual([[subscriptionId, true]]);
	expect(again.outputs.Cancel[0].map((item) => [item.json.state, item.json.replayed])).toEqual([['canceled', true]]);
	expect(await atBraintree()).toHaveLength(1);
});

test('an invoice made and sent through the node at Stripe: its lines in minor units, sent once; the run repeated replays it', async () => {
	const response = await fetch(`${stripe.baseUrl}/v1/customers`, {
		method: 'POST',
		headers: { authorization: `Bearer ${String(stripe.credentials.secretKey)}`, 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ email: 'billing@example.com' }),
	});
	const customer = ((await response.json()) as { id: string }).id;
	const workflowId = await n8n.importWorkflow({
		name: 'Invoice e2e',
		nodes: [
			{ parameters: {}, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
			router('Invoice', 200, {
				operation: 'createInvoice',
				invoiceRequestId: `e2e-invoice-${stamp}`,
				invoiceProcessor: 'stripe',
				invoiceCustomer: customer,
				invoiceCurrency: 'USD',
				invoiceLines: JSON.stringify([{ description: 'Seats', amount: 19.99, quantity: 2 }, { description: 'Setup', amount: 5 }]),
				invoiceDueInDays: 14,
			}),
		],
		connections: { Start: { main: [[{ node: 'Invoice', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	});
	const run = await n8n.runManual(workflowId);
	expect(run.status).toBe('success');
	expect(run.outputs.Invoice[0].map((item) => item.json)).toEqual([expect.objectContaining({ processor: 'stripe', state: 'open', currency: 'USD', totalMinor: 4498, total: '44.98', replayed: false })]);
	const invoiceId = String(run.outputs.Invoice[0][0].json.invoiceId);
	const atStripe = () => control.state<Array<{ id: string; status: string; amount_due: number; customer: string }>>('invoices');
	expect((await atStripe()).map((invoice) => [invoice.id, invoice.customer, invoice.status, invoice.amount_due])).toEqual([[invoiceId, customer, 'open', 4498]]);

	const again = await n8n.runManual(workflowId);
	expect(again.outputs.Invoice[0].map((item) => [item.json.invoiceId, item.json.replayed])).toEqual([[invoiceId, true]]);
	expect(await atStripe()).toHaveLength(1);
});
