/**
 * Payment inputs inside n8n: a payment whose id, amount or currency is missing or of the wrong type stops the
 * Smart Payment Router with an error naming the field and the item, before any charge; under On Error "Continue
 * (using error output)" the bad item goes to the error output and the good ones are charged (issue 21 §1).
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import fc from 'fast-check';

import { closeAllStores } from '../../lib/store';
import { runWorkflow } from '../harness/inProcess';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { malformedAmount, malformedCurrency, malformedId } from '../support/malformed';

let stripe: RunningSandbox;
let stateFile: string;

beforeAll(async () => {
	stripe = await startSandbox('stripe');
	stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'inputs-payments-wf-')), 'state.sqlite');
});

afterAll(async () => {
	await closeAllStores();
	await stripe.close();
});

beforeEach(async () => {
	await new SandboxControl(stripe.baseUrl).reset();
});

function workflow(operation: string, onError?: string): object {
	return {
		name: 'payment inputs',
		nodes: [
			{ name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'pay' } },
			{
				name: 'Pay',
				type: 'n8n-nodes-integration-automation.smartPaymentRouter',
				typeVersion: 1,
				position: [200, 0],
				...(onError ? { onError } : {}),
				parameters: {
					operation,
					paymentId: '={{ $json.body.paymentId }}',
					amount: '={{ $json.body.amount }}',
					currency: '={{ $json.body.currency }}',
					tokens: '={{ $json.body.tokens }}',
				},
			},
		],
		connections: { Hook: { main: [[{ node: 'Pay', type: 'main', index: 0 }]] } },
	};
}

async function run(operation: string, bodies: object[], onError?: string) {
	return runWorkflow(workflow(operation, onError), {
		inputItems: bodies.map((body) => ({ json: { headers: {}, body } })),
		credentials: { integrationStripeApi: { secretKey: stripe.credentials.secretKey, baseUrl: stripe.baseUrl } },
		env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile },
	});
}

async function stripeWrites(): Promise<unknown[]> {
	const requests = await new SandboxControl(stripe.baseUrl).requests();
	return requests.filter((request) => request.method !== 'GET');
}

const tokens = { stripe: 'pm_card_visa' };

test('a payment without an id stops the node with an error naming paymentId and the item; nothing is charged', async () => {
	const result = await run('route', [{ amount: 5, currency: 'USD', tokens }, { paymentId: 'wf-in-ok-0', amount: 5, currency: 'USD', tokens }]);
	expect(result.status).toBe('error');
	const error = result.error as { message: string; context?: { itemIndex?: number } };
	expect(error.message).toMatch(/paymentId/);
	expect(error.message).toMatch(/item 0/);
	expect(error.context?.itemIndex).toBe(0);
	expect(await stripeWrites()).toEqual([]);
});

test('with the error output, bad items go there naming their field and item; the good ones are charged once each', async () => {
	const bodies = [
		{ paymentId: 'wf-in-ok-1', amount: 5, currency: 'USD', tokens },
		{ amount: 5, currency: 'USD', tokens },
		{ paymentId: { id: 7 }, amount: 5, currency: 'USD', tokens },
		{ paymentId: 'wf-in-bad-amount', amount: '5', currency: 'USD', tokens },
		{ paymentId: 'wf-in-bad-currency', amount: 5, currency: 'dollars', tokens },
		{ paymentId: 'wf-in-ok-2', amount: 7, currency: 'EUR', tokens },
	];
	const result = await run('route', bodies, 'continueErrorOutput');
	expect(result.status).toBe('success');
	const [succeeded, failed, , errors] = result.outputs.Pay; // third: Action Required
	expect(succeeded.map((item) => item.json.paymentId)).toEqual(['wf-in-ok-1', 'wf-in-ok-2']);
	expect(failed).toEqual([]);
	expect(errors.map((item) => [item.pairedItem, item.json.details.fields])).toEqual([
		[{ item: 1 }, ['paymentId']],
		[{ item: 2 }, ['paymentId']],
		[{ item: 3 }, ['amount']],
		[{ item: 4 }, ['currency']],
	]);
	expect(errors.map((item) => item.json.error)).toEqual([
		expect.stringMatching(/paymentId.*\(item 1\)/),
		expect.stringMatching(/paymentId.*\(item 2\)/),
		expect.stringMatching(/amount.*\(item 3\).*string "5"/),
		expect.stringMatching(/currency.*\(item 4\)/),
	]);
	const charged = (await stripeWrites()).map((request) => JSON.stringify(request));
	expect(charged.filter((request) => request.includes('undefined') || request.includes('[object Object]'))).toEqual([]);
	const intents = await new SandboxControl(stripe.baseUrl).state<unknown[]>('payment_intents');
	expect(intents).toHaveLength(2);
});

test.each(['get', 'capture', 'cancel'])('%s refuses a payment id of the wrong type, naming it and the item', async (operation) => {
	const result = await run(operation, [{ paymentId: { id: 1 } }, { paymentId: '' }], 'continueErrorOutput');
	const errors = result.outputs.Pay.at(-1)!;
	expect(errors.map((item) => item.json.error)).toEqual([expect.stringMatching(/paymentId \(item 0\)/), expect.stringMatching(/paymentId \(item 1\)/)]);
	expect(await stripeWrites()).toEqual([]);
});

test('Verify Event refuses a correctly signed Stripe delivery whose body is empty or no event, with the reason', async () => {
	const webhookSecret = 'whsec_engine_inputs';
	const sign = (rawBody: string) => {
		const stamp = Math.floor(Date.now() / 1000);
		return `t=${stamp},v1=${createHmac('sha256', webhookSecret).update(`${stamp}.${rawBody}`).digest('hex')}`;
	};
	const event = { id: 'evt_in_1', type: 'payment_intent.succeeded', data: { object: { id: 'pi_1' } } };
	const verify = {
		name: 'verify',
		nodes: [
			{ name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'stripe-events' } },
			{ name: 'Verify', type: 'n8n-nodes-integration-automation.smartPaymentRouter', typeVersion: 1, position: [200, 0], parameters: { operation: 'verifyEvent', eventSource: 'stripe' } },
		],
		connections: { Hook: { main: [[{ node: 'Verify', type: 'main', index: 0 }]] } },
	};
	const result = await runWorkflow(verify, {
		inputItems: [
			{ json: { headers: { 'stripe-signature': sign(JSON.stringify(event)) }, body: event } },
			{ json: { headers: { 'stripe-signature': sign('') } } },
			{ json: { headers: { 'stripe-signature': sign('{}') }, body: {} } },
		],
		credentials: { integrationStripeApi: { secretKey: stripe.credentials.secretKey, baseUrl: stripe.baseUrl, webhookSecret } },
		env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile },
	});
	const [genuine, refused] = result.outputs.Verify;
	expect(genuine.map((item) => item.json)).toEqual([{ source: 'stripe', verified: true, event }]);
	expect(refused.map((item) => [item.pairedItem, item.json.verified, item.json.reason])).toEqual([
		[{ item: 1 }, true, 'signed, but the body is empty: not an event'],
		[{ item: 2 }, true, expect.stringMatching(/^signed, but not a stripe event: id must be/)],
	]);
});

test.each([
	['paymentId', malformedId],
	['amount', malformedAmount],
	['currency', malformedCurrency],
] as const)('generated malformed %s values all go to the error output naming the field and their item; none is charged', async (field, values) => {
	const samples = fc.sample(values, { numRuns: 30, seed: 21 });
	const bodies = samples.map((value, index) => ({ paymentId: `wf-gen-${field}-${index}`, amount: 5, currency: 'USD', tokens, [field]: value }));
	const result = await run('route', bodies, 'continueErrorOutput');
	const [succeeded, failed, , errors] = result.outputs.Pay; // third: Action Required
	expect([succeeded, failed]).toEqual([[], []]);
	expect(errors.map((item) => item.pairedItem)).toEqual(samples.map((_, item) => ({ item })));
	for (const error of errors) {
		expect(error.json.details.fields).toEqual([field]);
		expect(error.json.error).toContain(`(item ${(error.pairedItem as { item: number }).item})`);
	}
	expect(await stripeWrites()).toEqual([]);
});
