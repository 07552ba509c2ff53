/**
 * The payment-router template in-process: the Smart Payment Router node inside n8n-core's engine charges through the
 * four sandboxes via httpRequestWithAuthentication (PayPal's token from the credential's preAuthentication), sends
 * succeeded and failed payments down their branches, and keeps card data out of every output.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { closeAllStores } from '../../lib/store';
import { runWorkflow } from '../harness/inProcess';
import { repoRoot } from '../harness/paths';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';

const processors = ['stripe', 'paypal', 'square', 'braintree'] as const;
/** The template without its accounting entry (Accounting Sync, covered by the e2e test against the QuickBooks sandbox). */
const template = withoutNode(JSON.parse(readFileSync(path.join(repoRoot, 'workflows', 'payment-router.json'), 'utf8')), 'Record Accounting Entry');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- template JSON, edited by the tests below
function withoutNode(workflow: any, name: string) {
	workflow.nodes = workflow.nodes.filter((node: { name: string }) => node.name !== name);
	for (const outputs of Object.values(workflow.connections) as Array<{ main: Array<Array<{ node: string }>> }>) outputs.main = outputs.main.map((targets) => targets.filter((target) => target.node !== name));
	return workflow;
}

let sandboxes: Record<string, RunningSandbox>;
let stateFile: string;

beforeAll(async () => {
	sandboxes = Object.fromEntries(await Promise.all(processors.map(async (name) => [name, await startSandbox(name)] as const)));
	stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'payments-workflow-')), 'state.sqlite');
});

afterAll(async () => {
	await closeAllStores();
	await Promise.all(Object.values(sandboxes).map((sandbox) => sandbox.close()));
});

function credentials(): Record<string, Record<string, unknown>> {
	const { stripe, paypal, square, braintree } = sandboxes;
	return {
		integrationStripeApi: { secretKey: stripe.credentials.secretKey, baseUrl: stripe.baseUrl },
		integrationPayPalApi: { clientId: paypal.credentials.clientId, clientSecret: paypal.credentials.clientSecret, baseUrl: paypal.baseUrl },
		integrationSquareApi: { accessToken: square.credentials.accessToken, baseUrl: square.baseUrl },
		integrationBraintreeApi: { publicKey: braintree.credentials.publicKey, privateKey: braintree.credentials.privateKey, baseUrl: braintree.baseUrl },
	};
}

async function submit(bodies: object[], workflow: object = template) {
	return runWorkflow(workflow, {
		inputItems: bodies.map((body) => ({ json: { headers: {}, body } })),
		credentials: credentials(),
		env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile },
	});
}

const tokens = { stripe: 'pm_card_visa', paypal: 'vault-ok', square: 'cnon:card-nonce-ok', braintree: 'fake-valid-nonce' };

test('succeeded payments reach the accounting branch, hard declines the notification branch; a repeat charges nothing', async () => {
	const bodies = [
		{ paymentId: 'wf-ok-1', amount: 42.5, currency: 'USD', country: 'US', tokens },
		{ paymentId: 'wf-declined-1', amount: 10, currency: 'USD', country: 'US', tokens: { ...tokens, stripe: 'pm_card_visa_chargeDeclinedStolenCard' } },
		{ paymentId: 'wf-jpy-1', amount: 1500, currency: 'JPY', country: 'JP', tokens: { ...tokens, stripe: 'pm_card_chargeDeclinedProcessingError' } },
	];
	const run = await submit(bodies);
	expect(run.status).toBe('success');
	const succeeded = run.outputs['Answer Paid'][0].map((item) => item.json);
	const failed = run.outputs['Notify Payment Failed'][0].map((item) => item.json);
	expect(succeeded).toEqual([
		expect.objectContaining({ paymentId: 'wf-ok-1', status: 'succeeded', processor: 'stripe', amount: '42.50', fallbackUsed: false }),
		// Square is excluded for JPY by the template's rule; Stripe fails to process; the next ranked processor charges.
		expect.objectContaining({ paymentId: 'wf-jpy-1', status: 'succeeded', processor: 'braintree', fallbackUsed: true, amount: '1500' }),
	]);
	expect(failed).toEqual([expect.objectContaining({ paymentId: 'wf-declined-1', reason: 'hard_decline', code: 'stolen_card' })]);
	// The Usage Meter meters each succeeded payment and passes it on unchanged.
	expect(run.outputs['Meter Transaction'][0].map((item) => item.json)).toEqual(succeeded);
	const jpyRanking = (succeeded[1].ranking as Array<{ processor: string; notes: string[] }>).find((entry) => entry.processor === 'square');
	expect(jpyRanking?.notes).toContain('excluded by a rule');
	expect(JSON.stringify(run.outputs)).not.toMatch(/4242424242424242|4000000000009979/);

	const stripeCharges = await new SandboxControl(sandboxes.stripe.baseUrl).state<unknown[]>('charges');
	const again = await submit([bodies[0]]);
	expect(again.outputs['Answer Paid'][0][0].json).toMatchObject({ paymentId: 'wf-ok-1', replayed: true, transactionId: succeeded[0].transactionId });
	expect(await new SandboxControl(sandboxes.stripe.baseUrl).state<unknown[]>('charges')).toHaveLength(stripeCharges.length);
});

/** The template charging through Stripe alone with a token Stripe fails with a processing error: every processor failed. */
function everyProcessorFails(onError: string | undefined) {
	const pinned = structuredClone(template);
	const router = pinned.nodes.find((node: { name: string }) => node.name === 'Smart Payment Router');
	router.parameters.routing.rules = JSON.stringify([{ type: 'pin', processor: 'stripe' }]);
	if (onError) router.onError = onError;
	else delete router.onError;
	return pinned;
}

test('every processor failing is no decline: under the template (error output) it is answered from the error output with its reason', async () => {
	const run = await submit([{ paymentId: 'wf-down-1', amount: 9, currency: 'USD', country: 'US', tokens: { stripe: 'pm_card_chargeDeclinedProcessingError' } }], everyProcessorFails('continueErrorOutput'));
	expect(run.error).toBeUndefined();
	const [succeeded, declined, , errors] = run.outputs['Smart Payment Router']; // third: Action Required
	expect([succeeded, declined]).toEqual([[], []]);
	expect(errors.map((item) => [item.pairedItem, (item.json.details as { reason: string }).reason])).toEqual([[{ item: 0 }, 'all_processors_failed']]);
	expect(String(errors[0].json.error)).toMatch(/^payment wf-down-1: /);
	expect(run.outputs['Answer Not Paid'][0]).toHaveLength(1);
	expect(run.outputs['Refuse Invalid Payment']).toBeUndefined();
});

test('by default (On Error: Stop Workflow) every processor failing stops the workflow naming the payment and item', async () => {
	const run = await submit(
		[
			{ paymentId: 'wf-down-ok', amount: 9, currency: 'USD', country: 'US', tokens: { stripe: 'pm_card_visa' } },
			{ paymentId: 'wf-down-2', amount: 9, currency: 'USD', country: 'US', tokens: { stripe: 'pm_card_chargeDeclinedProcessingError' } },
		],
		everyProcessorFails(undefined),
	);
	expect(String((run.error as Error | undefined)?.message)).toMatch(/^payment wf-down-2: /);
	expect((run.error as { context?: { itemIndex?: number } } | undefined)?.context?.itemIndex).toBe(1);
	expect(run.outputs['Answer Paid']).toBeUndefined();
});

test('Get Payment reads the stored transaction with its attempts (Found); an unknown id goes to Not Found', async () => {
	const lookup = {
		name: 'get payment',
		nodes: [
			{ name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'get' } },
			{ name: 'Get', type: 'n8n-nodes-integration-automation.smartPaymentRouter', typeVersion: 1, position: [200, 0], parameters: { operation: 'get', paymentId: '={{ $json.body.paymentId }}' } },
		],
		connections: { Hook: { main: [[{ node: 'Get', type: 'main', index: 0 }]] } },
	};
	const run = await submit([{ paymentId: 'wf-jpy-1' }, { paymentId: 'never-submitted' }], lookup);
	const [found, missing] = run.outputs.Get;
	expect(found.map((item) => item.json)).toEqual([
		expect.objectContaining({ paymentId: 'wf-jpy-1', state: 'succeeded', processor: 'braintree', fallbackUsed: true, amount: '1500', currency: 'JPY', found: true }),
	]);
	expect(found[0].json.attempts.map((attempt: { processor: string; outcome: string }) => `${attempt.processor}:${attempt.outcome}`)).toEqual(['stripe:processor_failure', 'braintree:succeeded']);
	expect(missing.map((item) => item.json)).toEqual([{ paymentId: 'never-submitted', found: false }]);
});

test('PayPal charges through the credential’s OAuth token', async () => {
	const pinned = structuredClone(template);
	pinned.nodes[1].parameters.routing.rules = JSON.stringify([{ type: 'pin', processor: 'paypal' }]);
	const run = await submit([{ paymentId: 'wf-paypal-1', amount: 12, currency: 'EUR', country: 'DE', tokens }], pinned);
	expect(run.outputs['Answer Paid'][0][0].json).toMatchObject({ status: 'succeeded', processor: 'paypal' });
	const captures = await new SandboxControl(sandboxes.paypal.baseUrl).state<unknown[]>('captures');
	expect(captures).toHaveLength(1);
});

test('an expired PayPal token is refreshed through the credential and the capture goes through', async () => {
	const paypal = new SandboxControl(sandboxes.paypal.baseUrl);
	await paypal.reset();
	await paypal.updateSettings({ tokenTtlSeconds: 1 });
	// The capture arrives after the token fetched for the order has expired.
	await paypal.fault({ kind: 'latency', ms: 1_200, match: { path: '/capture$' } });
	try {
		const pinned = structuredClone(template);
		pinned.nodes[1].parameters.routing.rules = JSON.stringify([{ type: 'pin', processor: 'paypal' }]);
		const run = await submit([{ paymentId: 'wf-paypal-expired-1', amount: 8, currency: 'USD', country: 'US', tokens }], pinned);
		expect(run.outputs['Answer Paid'][0][0].json).toMatchObject({ status: 'succeeded', processor: 'paypal', fallbackUsed: false });
		const captures = (await paypal.requests()).filter((entry) => entry.path.endsWith('/capture'));
		expect(captures.map((entry) => entry.status)).toEqual([401, 201]);
	} finally {
		await paypal.reset();
	}
});

test('an item whose tokens look like a card number is refused without echoing it', async () => {
	const run = await submit([{ paymentId: 'wf-pan-1', amount: 5, currency: 'USD', tokens: { '*': '4242 4242 4242 4242' } }]);
	// Invalid input: the template answers it 422 from the router's error output, naming the field, with no card data.
	expect(run.status).toBe('success');
	const refused = run.outputs['Refuse Invalid Payment'][0].map((item) => item.json);
	expect(refused).toMatchObject([{ error: expect.stringMatching(/tokens.*card numbers/), details: { fields: ['tokens'] } }]);
	// n8n's error output carries the input item beside the reason; the reason itself never echoes the card data.
	expect(JSON.stringify(refused.map(({ error, details }) => ({ error, details })))).not.toContain('4242 4242 4242 4242');
	expect(run.outputs['Answer Paid']).toBeUndefined();
});
