/**
 * Refunds in the real n8n against the Stripe sandbox: a workflow charges a payment with the Smart Payment Router, then
 * refunds it twice in part (two refunds at Stripe), and a third refund above what remains stops on the error output
 * naming Refund Amount, with nothing more refunded. Run again, the same refund ids refund nothing more.
 */
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { startN8n, type N8nServer } from '../harness/n8nServer';

jest.setTimeout(600_000);

const routerType = 'n8n-nodes-integration-automation.smartPaymentRouter';
let stripe: RunningSandbox;
let control: SandboxControl;
let n8n: N8nServer;
let workflowId: string;
const paymentId = `e2e-refunded-${Date.now()}`;

beforeAll(async () => {
	stripe = await startSandbox('stripe');
	control = new SandboxControl(stripe.baseUrl);
	n8n = await startN8n();
	const credential = await n8n.createCredential('integrationStripeApi', 'Stripe sandbox', { secretKey: stripe.credentials.secretKey, baseUrl: stripe.baseUrl });
	const stripeCredential = { integrationStripeApi: { id: credential, name: 'Stripe sandbox' } };
	const router = (name: string, x: number, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
		parameters: { paymentId, ...parameters },
		name,
		type: routerType,
		typeVersion: 1,
		position: [x, 0],
		credentials: stripeCredential,
		...extra,
	});
	const refund = (refundId: string, amount: number) => ({ operation: 'refund', refundId, refundScope: 'partial', refundAmount: amount });
	workflowId = await n8n.importWorkflow({
		name: 'Refunds e2e',
		nodes: [
			{ parameters: {}, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
			router('Charge', 200, { operation: 'route', amount: 50, currency: 'USD', country: 'US', method: 'card', tokens: '{"stripe": "pm_card_visa"}' }),
			router('Refund 1', 400, refund(`${paymentId}-r1`, 20)),
			router('Refund 2', 600, refund(`${paymentId}-r2`, 12.35)),
			router('Refund 3', 800, refund(`${paymentId}-r3`, 17.66), { onError: 'continueErrorOutput' }),
		],
		connections: {
			Start: { main: [[{ node: 'Charge', type: 'main', index: 0 }]] },
			Charge: { main: [[{ node: 'Refund 1', type: 'main', index: 0 }]] },
			'Refund 1': { main: [[{ node: 'Refund 2', type: 'main', index: 0 }]] },
			'Refund 2': { main: [[{ node: 'Refund 3', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	});
});

afterAll(async () => {
	await n8n?.stop();
	await stripe?.close();
});

async function refundsAtStripe(): Promise<Array<{ amount: number; metadata: Record<string, string> }>> {
	return await control.state('refunds');
}

test('a payment refunded twice in part: two refunds at Stripe; a third over the remainder refused naming Refund Amount', async () => {
	const run = await n8n.runManual(workflowId);
	expect(run.status).toBe('success');
	expect(run.outputs.Charge[0].map((item) => item.json.status)).toEqual(['succeeded']);
	expect(run.outputs['Refund 1'][0].map((item) => [item.json.status, item.json.amount, item.json.remaining])).toEqual([['succeeded', '20.00', '30.00']]);
	expect(run.outputs['Refund 2'][0].map((item) => [item.json.status, item.json.amount, item.json.remaining])).toEqual([['succeeded', '12.35', '17.65']]);
	// n8n's error output is the one after Refund Payment's own (one: a refusal is no output of its own).
	const [refused] = run.outputs['Refund 3'][1];
	expect(JSON.stringify(refused.json)).toMatch(/refundAmount/);
	expect(JSON.stringify(refused.json)).toMatch(/17\.65 USD that remains/);
	expect((run.outputs['Refund 3'][0] ?? []).length).toBe(0);
	expect((await refundsAtStripe()).map((refund) => refund.amount).sort((a, b) => a - b)).toEqual([1235, 2000]);

	// The same workflow again: the payment and both refund ids are replayed, nothing more is charged or refunded.
	const again = await n8n.runManual(workflowId);
	expect(again.outputs['Refund 1'][0].map((item) => item.json.replayed)).toEqual([true]);
	expect(again.outputs['Refund 2'][0].map((item) => item.json.replayed)).toEqual([true]);
	expect(await refundsAtStripe()).toHaveLength(2);
	expect(await control.state<unknown[]>('charges')).toHaveLength(1);
});
