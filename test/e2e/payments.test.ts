/**
 * The Smart Payment Router in the real n8n against the four processor sandboxes: the payment-router template as a
 * published webhook that answers with the outcome (201 charged, 200 the same payment again, 402 declined, 409 an id
 * reused for another payment, 422 invalid naming the field, with nothing charged; duplicates charged once, fallback
 * when Stripe is down, PayPal through the credential's OAuth token), and the processor-events receiver accepting the
 * sandboxes' signed events, refusing a forged one with 401 and a signed body that is no event with 422.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { startN8n, type ExecutionSummary, type N8nServer } from '../harness/n8nServer';
import { repoRoot } from '../harness/paths';
import type { WorkflowJson } from '../harness/workflowJson';

jest.setTimeout(600_000);

const processors = ['stripe', 'paypal', 'square', 'braintree'] as const;
const template = (name: string) => JSON.parse(readFileSync(path.join(repoRoot, 'workflows', name), 'utf8')) as WorkflowJson;
const tokens = { stripe: 'pm_card_visa', paypal: 'vault-ok', square: 'cnon:card-nonce-ok', braintree: 'fake-valid-nonce' };

let n8n: N8nServer;
let sandboxes: Record<string, RunningSandbox>;
let control: Record<string, SandboxControl>;
let routerWorkflowId: string;
let credentialIds: Record<string, string>;
const credentialData: Record<string, Record<string, unknown>> = {};
let eventsWorkflowId: string;

beforeAll(async () => {
	sandboxes = Object.fromEntries(await Promise.all(processors.map(async (name) => [name, await startSandbox(name)] as const)));
	control = Object.fromEntries(processors.map((name) => [name, new SandboxControl(sandboxes[name].baseUrl)]));
	n8n = await startN8n();
	const { stripe, paypal, square, braintree } = sandboxes;
	Object.assign(credentialData, {
		integrationStripeApi: { secretKey: stripe.credentials.secretKey, webhookSecret: 'whsec_e2e', baseUrl: stripe.baseUrl },
		integrationPayPalApi: { clientId: paypal.credentials.clientId, clientSecret: paypal.credentials.clientSecret, baseUrl: paypal.baseUrl },
		integrationSquareApi: { accessToken: square.credentials.accessToken, webhookSecret: 'sq_e2e', baseUrl: square.baseUrl },
		integrationBraintreeApi: { publicKey: braintree.credentials.publicKey, privateKey: braintree.credentials.privateKey, baseUrl: braintree.baseUrl },
	});
	const ids: Record<string, string> = {};
	for (const [type, data] of Object.entries(credentialData)) ids[type] = await n8n.createCredential(type, type, data);
	credentialIds = ids;
	routerWorkflowId = await n8n.importWorkflow(template('payment-router.json'), { credentials: ids });
	await n8n.activate(routerWorkflowId);
	const events = template('payment-processor-events.json');
	const squareUrl = `${n8n.baseUrl}/webhook/payments/square-events`;
	events.nodes = events.nodes.map((node) => (node.name === 'Verify Square Signature' ? { ...node, parameters: { ...node.parameters, notificationUrl: squareUrl } } : node));
	eventsWorkflowId = await n8n.importWorkflow(events, { credentials: ids });
	await n8n.activate(eventsWorkflowId);
	await control.stripe.registerWebhook(`${n8n.baseUrl}/webhook/payments/stripe-events`, 'whsec_e2e');
	await control.square.registerWebhook(squareUrl, 'sq_e2e');
});

afterAll(async () => {
	await n8n?.stop();
	await Promise.all(Object.values(sandboxes ?? {}).map((sandbox) => sandbox.close()));
});

/** Delivers a payment request to the published template, expects the answer's status and waits for its execution. */
async function submit(body: object, status: number): Promise<ExecutionSummary & { answer: unknown }> {
	const earlier = new Set((await n8n.executions(routerWorkflowId)).map((run) => run.id));
	const reply = await n8n.callWebhook('payments/requested', { body });
	expect({ status: reply.status, body: reply.body }).toMatchObject({ status });
	return { ...(await n8n.waitForExecution(routerWorkflowId, (run) => !earlier.has(run.id), 60_000)), answer: reply.body };
}

const succeededOf = (run: ExecutionSummary) => run.outputs['Record Accounting Entry']?.[0]?.[0]?.json;
const failedOf = (run: ExecutionSummary) => run.outputs['Notify Payment Failed']?.[0]?.[0]?.json;

test('a payment request is charged once, however often it is delivered', async () => {
	const request = { paymentId: 'e2e-order-1', amount: 30, currency: 'USD', country: 'US', tokens };
	const first = await submit(request, 201);
	expect(first.status).toBe('success');
	expect(succeededOf(first)).toMatchObject({ paymentId: 'e2e-order-1', status: 'succeeded', processor: 'stripe', amount: '30.00', fee: '1.17' });
	expect(first.answer).toEqual({ paymentId: 'e2e-order-1', status: 'succeeded', processor: 'stripe', transactionId: succeededOf(first).transactionId, amount: '30.00', currency: 'USD', replayed: false });
	const again = await submit(request, 200);
	expect(succeededOf(again)).toMatchObject({ paymentId: 'e2e-order-1', replayed: true, transactionId: succeededOf(first).transactionId });
	expect(again.answer).toMatchObject({ paymentId: 'e2e-order-1', replayed: true });
	expect(await control.stripe.state('charges')).toHaveLength(1);
});

test('the same payment id with another amount is refused with 409 and charges nothing', async () => {
	const charges = (await control.stripe.state<unknown[]>('charges')).length;
	const run = await submit({ paymentId: 'e2e-order-1', amount: 31, currency: 'USD', country: 'US', tokens }, 409);
	expect(run.answer).toMatchObject({ paymentId: 'e2e-order-1', status: 'failed', reason: 'payment_id_reused' });
	expect(await control.stripe.state('charges')).toHaveLength(charges);
});

test.each([
	['without a paymentId', { amount: 30, currency: 'USD', country: 'US', tokens }],
	['with an object as paymentId', { paymentId: { id: 'e2e-obj' }, amount: 30, currency: 'USD', country: 'US', tokens }],
])('a payment %s is refused with 422 naming paymentId; nothing is charged', async (_case, body) => {
	const charges = await Promise.all(processors.map(async (name) => (await control[name].requests()).filter((entry) => entry.method === 'POST').length));
	const run = await submit(body, 422);
	expect(run.status).toBe('success');
	expect(run.answer).toEqual({ error: expect.stringContaining('paymentId'), fields: ['paymentId'] });
	expect(succeededOf(run)).toBeUndefined();
	const after = await Promise.all(processors.map(async (name) => (await control[name].requests()).filter((entry) => entry.method === 'POST').length));
	expect(after).toEqual(charges);
	// No charge under "undefined" or "[object Object]", now or later.
	const stripeCharges = await control.stripe.state<Array<{ metadata?: Record<string, string> }>>('charges');
	expect(JSON.stringify(stripeCharges)).not.toMatch(/undefined|\[object Object\]/);
});

test('a hard decline goes to the failed branch with no fallback', async () => {
	const run = await submit({ paymentId: 'e2e-declined-1', amount: 30, currency: 'USD', country: 'US', tokens: { ...tokens, stripe: 'pm_card_chargeDeclinedIncorrectCvc' } }, 402);
	expect(failedOf(run)).toMatchObject({ reason: 'hard_decline', code: 'incorrect_cvc' });
	expect(run.answer).toMatchObject({ paymentId: 'e2e-declined-1', status: 'failed', reason: 'hard_decline', code: 'incorrect_cvc', message: expect.any(String) });
	expect(failedOf(run).attempts).toHaveLength(1);
	expect(await control.square.state('completed')).toHaveLength(0);
});

test('with Stripe down, the payment succeeds through the fallback', async () => {
	await control.stripe.fault({ kind: 'error', status: 503, times: -1, match: { path: '/v1/payment_intents' } });
	try {
		const run = await submit({ paymentId: 'e2e-fallback-1', amount: 30, currency: 'USD', country: 'US', tokens }, 201);
		expect(succeededOf(run)).toMatchObject({ status: 'succeeded', processor: 'square', fallbackUsed: true });
	} finally {
		await control.stripe.clearFaults();
	}
});

test('PayPal charges through the token its credential fetched', async () => {
	const run = await submit({ paymentId: 'e2e-paypal-1', amount: 12.5, currency: 'EUR', country: 'DE', method: 'paypal', tokens: { paypal: 'vault-ok' } }, 201);
	expect(succeededOf(run)).toMatchObject({ status: 'succeeded', processor: 'paypal', amount: '12.50' });
	expect(await control.paypal.state('captures')).toHaveLength(1);
});

test('signed processor events are accepted and a forged one is refused with 401', async () => {
	const stripeDeliveries = (await control.stripe.webhooks()).deliveries;
	expect(stripeDeliveries.length).toBeGreaterThan(0);
	expect(stripeDeliveries.every((delivery) => delivery.status === 200)).toBe(true);
	const squareDeliveries = (await control.square.webhooks()).deliveries;
	expect(squareDeliveries.length).toBeGreaterThan(0);
	expect(squareDeliveries.every((delivery) => delivery.status === 200)).toBe(true);

	const forged = await n8n.callWebhook('payments/stripe-events', {
		body: '{"id":"evt_forged","type":"payment_intent.succeeded"}',
		headers: { 'content-type': 'application/json', 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
	});
	expect(forged.status).toBe(401);
	expect(forged.body).toEqual({ error: 'Stripe-Signature does not match' });
	const unsigned = await n8n.callWebhook('payments/square-events', { body: { type: 'payment.created' } });
	expect(unsigned.status).toBe(401);

	// Correctly signed, but no event: refused as invalid (422) with the reason, not as forged.
	const stripeSigned = (body: string) => {
		const t = Math.floor(Date.now() / 1000);
		return { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${createHmac('sha256', 'whsec_e2e').update(`${t}.${body}`).digest('hex')}` };
	};
	for (const body of ['{}', '{"id":"evt_no_type","data":{"object":{}}}']) {
		const malformed = await n8n.callWebhook('payments/stripe-events', { body, headers: stripeSigned(body) });
		expect(malformed.status).toBe(422);
		expect(malformed.body).toEqual(expect.objectContaining({ error: expect.any(String) }));
	}
	const genuineShape = '{"id":"evt_e2e_1","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1"}}}';
	expect((await n8n.callWebhook('payments/stripe-events', { body: genuineShape, headers: stripeSigned(genuineShape) })).status).toBe(200);
});

/** n8n's own credential test (the editor's "Test" button): `POST /rest/credentials/test`. */
async function testCredential(id: string, type: string, data: Record<string, unknown>): Promise<{ status: string; message: string }> {
	const response = await fetch(`${n8n.baseUrl}/rest/credentials/test`, {
		method: 'POST',
		headers: { cookie: n8n.cookie, 'content-type': 'application/json' },
		body: JSON.stringify({ credentials: { id, name: type, type, data } }),
	});
	return ((await response.json()) as { data: { status: string; message: string } }).data;
}

test('each processor credential passes n8n’s credential test; a wrong secret fails it', async () => {
	for (const [type, data] of Object.entries(credentialData)) {
		expect({ type, ...(await testCredential(credentialIds[type], type, data)) }).toMatchObject({ type, status: 'OK' });
	}
	const wrong = { ...credentialData.integrationStripeApi, secretKey: 'sk_test_wrong' };
	const wrongId = await n8n.createCredential('integrationStripeApi', 'Stripe (wrong key)', wrong);
	expect((await testCredential(wrongId, 'integrationStripeApi', wrong)).status).toBe('Error');
	const wrongPayPal = { ...credentialData.integrationPayPalApi, clientSecret: 'wrong' };
	const wrongPayPalId = await n8n.createCredential('integrationPayPalApi', 'PayPal (wrong secret)', wrongPayPal);
	expect((await testCredential(wrongPayPalId, 'integrationPayPalApi', wrongPayPal)).status).toBe('Error');
});
