/**
 * Authorize / capture and 3-D Secure in the real n8n against the Stripe sandbox, through the Smart Payment Router node:
 * - a payment authorized (held, nothing charged, its expiry returned), then captured in part (30.00 of 50.00): one
 *   capture at Stripe, a repeat replayed;
 * - a payment whose card needs 3-D Secure leaves on Action Required with the page to send the customer to; the
 *   customer authenticates; Stripe's webhook starts the Payment Event Trigger (Customer Action Completed, its endpoint
 *   created on publishing), whose Complete Customer Action finishes the payment once; the same news again replays it.
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

/** A manual workflow: Start, then the nodes in a chain. */
async function chain(name: string, nodes: Array<ReturnType<typeof router>>): Promise<string> {
	const connections: Record<string, unknown> = { Start: { main: [[{ node: nodes[0].name, type: 'main', index: 0 }]] } };
	for (let index = 1; index < nodes.length; index++) connections[nodes[index - 1].name] = { main: [[{ node: nodes[index].name, type: 'main', index: 0 }]] };
	return await n8n.importWorkflow({
		name,
		nodes: [{ parameters: {}, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] }, ...nodes],
		connections,
		settings: { executionOrder: 'v1' },
	});
}

test('authorize, then capture 30.00 of 50.00 through the node: held first, one capture at Stripe, a repeat replayed', async () => {
	const paymentId = `e2e-held-${stamp}`;
	const payment = { paymentId, amount: 50, currency: 'USD', country: 'US', method: 'card', tokens: '{"stripe": "pm_card_visa"}' };
	const partial = { operation: 'capture', paymentId, captureScope: 'partial', captureAmount: 30 };
	const workflowId = await chain('Authorize then capture e2e', [router('Authorize', 200, { operation: 'authorize', ...payment }), router('Capture', 400, partial), router('Capture Again', 600, partial)]);
	const run = await n8n.runManual(workflowId);
	expect(run.status).toBe('success');
	const [held] = run.outputs.Authorize[0];
	expect(held.json).toMatchObject({ paymentId, status: 'authorized', processor: 'stripe', amount: '50.00' });
	const expiresInDays = (Date.parse(String(held.json.expiresAt)) - Date.now()) / 86_400_000;
	expect(expiresInDays).toBeGreaterThan(6.9);
	expect(expiresInDays).toBeLessThan(7.01);
	expect(run.outputs.Capture[0].map((item) => [item.json.status, item.json.amount, item.json.authorizedAmount, item.json.replayed])).toEqual([['captured', '30.00', '50.00', false]]);
	expect(run.outputs['Capture Again'][0].map((item) => [item.json.status, item.json.amount, item.json.replayed])).toEqual([['captured', '30.00', true]]);
	expect((await control.state<Array<{ amount: number }>>('charges')).map((charge) => charge.amount)).toEqual([3000]);
});

test('a 3-D Secure payment goes to Action Required and is completed once by its webhook through the Payment Event Trigger', async () => {
	// The trigger first: publishing it creates Stripe's endpoint for the events that say the customer acted.
	const triggerWorkflowId = await n8n.importWorkflow({
		name: 'Complete customer action e2e',
		nodes: [
			{
				name: 'Customer Acted',
				type: `${pkg}.paymentEventTrigger`,
				typeVersion: 1,
				position: [0, 0],
				webhookId: `e2e-action-${stamp}`,
				parameters: { platform: 'stripe', event: 'actionCompleted' },
				credentials: stripeCredential,
			},
			router('Complete', 200, { operation: 'completeAction', actionProcessor: 'stripe', processorPaymentId: '={{ $json.paymentId }}' }),
		],
		connections: { 'Customer Acted': { main: [[{ node: 'Complete', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	});
	await n8n.activate(triggerWorkflowId);
	const endpoints = await control.state<Array<{ url: string; enabled_events: string[] }>>('webhook_endpoints');
	expect(endpoints.find((endpoint) => endpoint.url.startsWith(n8n.webhookBaseUrl))?.enabled_events.sort()).toEqual(['payment_intent.amount_capturable_updated', 'payment_intent.payment_failed', 'payment_intent.succeeded']);

	const paymentId = `e2e-3ds-${stamp}`;
	const payWorkflowId = await chain('3-D Secure payment e2e', [
		router('Pay', 200, { operation: 'route', paymentId, amount: 42, currency: 'EUR', country: 'DE', method: 'card', tokens: '{"stripe": "pm_card_threeDSecure2Required"}', returnUrl: 'https://shop.example/return' }),
	]);
	const run = await n8n.runManual(payWorkflowId);
	expect(run.status).toBe('success');
	const [succeeded, declined, actionRequired] = run.outputs.Pay;
	expect([succeeded ?? [], declined ?? []]).toEqual([[], []]);
	expect(actionRequired.map((item) => item.json)).toEqual([expect.objectContaining({ paymentId, status: 'action_required', action: expect.objectContaining({ type: 'redirect_to_url' }) })]);
	const action = actionRequired[0].json.action as { url: string };
	const intentId = String(actionRequired[0].json.transactionId);
	expect(await control.state<unknown[]>('charges')).toHaveLength(1); // the capture test's, nothing for this one yet

	// The customer authenticates on the issuer's page; Stripe then sends payment_intent.succeeded.
	expect((await fetch(`${action.url}&outcome=complete`)).status).toBe(200);
	// 120 s: the run ends late on a loaded machine (in queue mode it waits for a worker).
	const completed = await n8n.waitForExecution(triggerWorkflowId, () => true, 120_000);
	expect(completed.status).toBe('success');
	expect(completed.outputs.Complete[0].map((item) => [item.json.paymentId, item.json.status, item.json.transactionId, item.json.replayed])).toEqual([[paymentId, 'succeeded', intentId, false]]);
	expect(await control.state<unknown[]>('charges')).toHaveLength(2);

	// Another event about the same PaymentIntent (a new event id, so the trigger starts again): answered from the record.
	const intent = (await control.state<Array<{ id: string }>>('payment_intents')).find((candidate) => candidate.id === intentId);
	await control.emitEvent({ type: 'payment_intent.succeeded', object: intent });
	const again = await n8n.waitForExecution(triggerWorkflowId, (execution) => execution.id !== completed.id, 120_000);
	expect(again.outputs.Complete[0].map((item) => [item.json.status, item.json.replayed])).toEqual([['succeeded', true]]);
	expect(await control.state<unknown[]>('charges')).toHaveLength(2);
	// The route repeated answers with the finished payment, charging nothing.
	const repeat = await n8n.runManual(payWorkflowId);
	expect(repeat.outputs.Pay[0].map((item) => [item.json.status, item.json.replayed])).toEqual([['succeeded', true]]);
	expect(await control.state<unknown[]>('charges')).toHaveLength(2);
});
