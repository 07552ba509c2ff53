/**
 * Subscriptions in the real n8n against the Stripe sandbox, through the Smart Payment Router node: a customer is
 * subscribed to a plan of the neutral plan model (Create Subscription) and the subscription canceled (Cancel
 * Subscription) in one workflow; the workflow run again (the same request ids) answers both from the store: one
 * subscription at Stripe, canceled once.
 */
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { startN8n, type N8nServer } from '../harness/n8nServer';

jest.setTimeout(600_000);

const pkg = 'n8n-nodes-integration-automation';
const routerType = `${pkg}.smartPaymentRouter`;
let stripe: RunningSandbox;
let control: SandboxControl;
let n8n: N8nServer;
let stripeCredential: Record<string, { id: string; name: string }>;
const stamp = Date.now();

const plans = [
	{ id: 'basic', amount: 9, currency: 'USD', interval: 'month', processorPlans: { stripe: 'price_basic_monthly' } },
	{ id: 'pro', amount: 29, currency: 'USD', interval: 'month', processorPlans: { stripe: 'price_pro_monthly' } },
];

beforeAll(async () => {
	stripe = await startSandbox('stripe');
	control = new SandboxControl(stripe.baseUrl);
	n8n = await startN8n();
	const credential = await n8n.createCredential('integrationStripeApi', 'Stripe sandbox', { secretKey: stripe.credentials.secretKey, baseUrl: stripe.baseUrl });
	stripeCredential = { integrationStripeApi: { id: credential, name: 'Stripe sandbox' } };
});

afterAll(async () => {
	await n8n?.stop();
	await stripe?.close();
});

function router(name: string, x: number, parameters: Record<string, unknown>) {
	return { parameters: { processors: ['stripe'], ...parameters }, name, type: routerType, typeVersion: 1, position: [x, 0], credentials: stripeCredential };
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
				subscriptionPlans: JSON.stringify(plans),
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
