/**
 * Disputes in the real n8n against the Stripe sandbox: a payment charged through the Smart Payment Router is disputed;
 * the Payment Event Trigger on Dispute Opened or Changed (its endpoint created on publishing, answering when the
 * workflow ends, so every delivery starts it) feeds Record Dispute. Stripe delivers the opening twice at once: one
 * execution leaves on Needs Response with the evidence due date, the other on Unchanged, and the store holds one
 * dispute; the dispute's closing (won) leaves on Won.
 */
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { startN8n, type ExecutionSummary, type N8nServer } from '../harness/n8nServer';

jest.setTimeout(600_000);

const pkg = 'n8n-nodes-integration-automation';
const routerType = `${pkg}.smartPaymentRouter`;
const OUTPUTS = ['Needs Response', 'Under Review', 'Won', 'Lost', 'Unchanged'];
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

/** The output Record Dispute sent the execution's one item to, and that item. */
function recorded(execution: ExecutionSummary): { output: string; json: Record<string, unknown> } {
	const outputs = execution.outputs.Record ?? [];
	const index = outputs.findIndex((items) => (items ?? []).length > 0);
	expect(outputs.flat()).toHaveLength(1);
	return { output: OUTPUTS[index], json: outputs[index][0].json };
}

test('a dispute delivered twice at once is recorded once against its payment, and its end leaves on Won', async () => {
	const triggerWorkflowId = await n8n.importWorkflow({
		name: 'Record disputes e2e',
		nodes: [
			{
				name: 'Dispute Event',
				type: `${pkg}.paymentEventTrigger`,
				typeVersion: 1,
				position: [0, 0],
				webhookId: `e2e-disputes-${stamp}`,
				parameters: { platform: 'stripe', event: 'disputeChanged', responseMode: 'lastNode' },
				credentials: stripeCredential,
			},
			router('Record', 200, { operation: 'recordDispute', disputeProcessor: 'stripe', disputeEvent: '={{ $json.payment }}' }),
		],
		connections: { 'Dispute Event': { main: [[{ node: 'Record', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	});
	await n8n.activate(triggerWorkflowId);
	const endpoints = await control.state<Array<{ url: string; enabled_events: string[] }>>('webhook_endpoints');
	expect(endpoints.find((endpoint) => endpoint.url.startsWith(n8n.webhookBaseUrl))?.enabled_events.sort()).toEqual(['charge.dispute.closed', 'charge.dispute.created', 'charge.dispute.updated']);

	const paymentId = `e2e-disputed-${stamp}`;
	const payWorkflowId = await n8n.importWorkflow({
		name: 'Disputed payment e2e',
		nodes: [
			{ parameters: {}, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
			router('Pay', 200, { operation: 'route', paymentId, amount: 80, currency: 'USD', country: 'US', method: 'card', tokens: '{"stripe": "pm_card_visa"}' }),
		],
		connections: { Start: { main: [[{ node: 'Pay', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	});
	const paid = await n8n.runManual(payWorkflowId);
	expect(paid.outputs.Pay[0].map((item) => item.json.status)).toEqual(['succeeded']);
	const intentId = String(paid.outputs.Pay[0][0].json.transactionId);

	// The cardholder disputes the charge; Stripe delivers the event twice at once (a retry racing the first).
	await control.emitEvent({ type: 'charge.dispute.created', times: 2 });
	const wait = async (count: number) => {
		// Up to 120 s: each run waits for a busy n8n (or a queue-mode worker) on a loaded machine.
		for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
			const finished = (await n8n.executions(triggerWorkflowId)).filter((execution) => execution.finished || execution.status === 'success' || execution.status === 'error');
			if (finished.length >= count) return finished;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		throw new Error(`fewer than ${count} executions of the dispute workflow finished`);
	};
	const twice = await wait(2);
	expect(twice.map((execution) => execution.status)).toEqual(['success', 'success']);
	const both = twice.map(recorded);
	expect(both.map((entry) => entry.output).sort()).toEqual(['Needs Response', 'Unchanged']);
	const opened = both.find((entry) => entry.output === 'Needs Response')!.json;
	expect(opened).toMatchObject({ change: 'opened', processor: 'stripe', paymentId, transactionId: intentId, amount: '80.00', amountMinor: 8000, currency: 'USD', state: 'needs_response', reason: 'fraudulent' });
	expect(Date.parse(String(opened.evidenceDueBy))).toBeGreaterThan(Date.now() + 6 * 86_400_000);
	expect(both.find((entry) => entry.output === 'Unchanged')!.json).toMatchObject({ change: 'unchanged', disputeId: opened.disputeId });
	// Stripe got a 200 for each delivery it waited for (the workflow ended well both times): it sends neither again. A
	// delivery the sandbox stopped waiting for after its 10 s (a loaded machine) has no status: not a refusal.
	const deliveries = (await control.webhooks()).deliveries.filter((delivery) => delivery.body.includes('charge.dispute.created'));
	expect(deliveries).toHaveLength(2);
	const answered = deliveries.filter((delivery) => delivery.status !== null);
	expect(answered.map((delivery) => delivery.status)).toEqual(answered.map(() => 200));

	await control.emitEvent({ type: 'charge.dispute.closed' });
	const all = await wait(3);
	const closed = all.find((execution) => !twice.some((earlier) => earlier.id === execution.id))!;
	expect(recorded(closed)).toMatchObject({ output: 'Won', json: { change: 'updated', disputeId: opened.disputeId, paymentId, state: 'won' } });
});
