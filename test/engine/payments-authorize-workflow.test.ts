/**
 * Authorize-only in-process: the Smart Payment Router node inside n8n-core's engine routes a payment with Capture
 * off (held on Stripe), then Capture Payment captures it once across two items of the same id, and Cancel Payment
 * of a captured payment goes to n8n's error output (On Error: Continue (using error output)).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { closeAllStores } from '../../lib/store';
import { runWorkflow } from '../harness/inProcess';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';

let stripe: RunningSandbox;
let stateFile: string;

beforeAll(async () => {
	stripe = await startSandbox('stripe');
	stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'payments-authorize-workflow-')), 'state.sqlite');
});

afterAll(async () => {
	await closeAllStores();
	await stripe.close();
});

/**
 * A webhook feeding one Smart Payment Router node with the given parameters, On Error "Continue (using error output)":
 * `failed` is n8n's error output (the input item, the reason and the result in `details`).
 */
async function runNode(parameters: Record<string, unknown>, bodies: object[]) {
	const workflow = {
		name: 'authorize then capture',
		nodes: [
			{ name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'pay' } },
			{ name: 'Router', type: 'n8n-nodes-integration-automation.smartPaymentRouter', typeVersion: 1, position: [200, 0], parameters, onError: 'continueErrorOutput' },
		],
		connections: { Hook: { main: [[{ node: 'Router', type: 'main', index: 0 }]] } },
	};
	const run = await runWorkflow(workflow, {
		inputItems: bodies.map((body) => ({ json: { headers: {}, body } })),
		credentials: { integrationStripeApi: { secretKey: stripe.credentials.secretKey, baseUrl: stripe.baseUrl } },
		env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile },
	});
	expect(run.status).toBe('success');
	const passed = run.outputs.Router[0];
	const failed = run.outputs.Router.at(-1)!;
	return { passed: passed.map((item) => item.json), failed: failed.map((item) => item.json.details as Record<string, unknown>) };
}

test('Route Payment with Capture off holds the payment; Capture Payment captures it once; Cancel after that is refused', async () => {
	const control = new SandboxControl(stripe.baseUrl);
	const routed = await runNode(
		{
			operation: 'route',
			paymentId: '={{ $json.body.paymentId }}',
			amount: '={{ $json.body.amount }}',
			currency: '={{ $json.body.currency }}',
			tokens: '={{ $json.body.tokens }}',
			capture: false,
		},
		[{ paymentId: 'wf-auth-1', amount: 30, currency: 'USD', tokens: { stripe: 'pm_card_visa' } }],
	);
	expect(routed.passed).toEqual([expect.objectContaining({ paymentId: 'wf-auth-1', status: 'authorized', processor: 'stripe' })]);
	expect(await control.state<unknown[]>('charges')).toHaveLength(0);

	const captured = await runNode({ operation: 'capture', paymentId: '={{ $json.body.paymentId }}' }, [{ paymentId: 'wf-auth-1' }, { paymentId: 'wf-auth-1' }, { paymentId: 'nope' }]);
	expect(captured.passed).toEqual([
		expect.objectContaining({ paymentId: 'wf-auth-1', status: 'captured', transactionId: routed.passed[0].transactionId, replayed: false }),
		expect.objectContaining({ paymentId: 'wf-auth-1', status: 'captured', replayed: true }),
	]);
	expect(captured.failed).toEqual([expect.objectContaining({ paymentId: 'nope', status: 'failed', reason: 'unknown_payment' })]);
	expect(await control.state<unknown[]>('charges')).toHaveLength(1);

	const canceled = await runNode({ operation: 'cancel', paymentId: '={{ $json.body.paymentId }}' }, [{ paymentId: 'wf-auth-1' }]);
	expect(canceled.failed).toEqual([expect.objectContaining({ paymentId: 'wf-auth-1', reason: 'not_authorized', state: 'succeeded' })]);
});
