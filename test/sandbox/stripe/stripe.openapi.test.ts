/**
 * The Stripe sandbox answers as Stripe's OpenAPI spec (spec3, API 2023-08-16) says, for every request the Stripe
 * payment connector makes and every endpoint the sandbox serves.
 */
import type { PaymentConnector } from '../../../lib/platforms/payments';
import { paymentConnector, sandboxAccount } from '../../support/standalone';
import { SandboxControl } from '../framework/controlClient';
import type { RunningSandbox } from '../registry';
import { SpecConformance, startSpecCheckedSandbox, underFaults, webhookProblems } from '../support/conformance';
import { startReceiver, type WebhookReceiver } from '../support/receiver';
import { OpenApiValidator } from '../support/openapi';

const spec = new OpenApiValidator('stripe/spec3-2023-09-12.yaml');
const conformance = new SpecConformance([{ spec, base: '' }]);
let sandbox: RunningSandbox;
let stripe: PaymentConnector;
let control: SandboxControl;
let receiver: WebhookReceiver;

beforeAll(async () => {
	receiver = await startReceiver('/hooks/stripe');
	sandbox = await startSpecCheckedSandbox('stripe', conformance);
	stripe = await paymentConnector(sandboxAccount('stripe', sandbox.baseUrl, sandbox.credentials), { retry: { baseDelayMs: 5, maxDelayMs: 50 } });
	control = new SandboxControl(sandbox.baseUrl);
});
afterAll(async () => {
	await receiver.close();
	await sandbox.close();
});
beforeEach(async () => {
	await control.reset();
	conformance.clear();
});

/** A form-encoded call as Stripe takes it. */
function stripeCall(path: string, form?: Record<string, string>, headers: Record<string, string> = {}, key = sandbox.credentials.secretKey) {
	return fetch(`${sandbox.baseUrl}${path}`, {
		method: form ? 'POST' : 'GET',
		headers: { authorization: `Bearer ${key}`, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...headers },
		body: form ? new URLSearchParams(form).toString() : undefined,
	}).then(async (response) => ({ status: response.status, body: (await response.json()) as { id: string } }));
}

const charge = (paymentId: string, token: string, capture?: boolean) => stripe.charge({
	paymentId, idempotencyKey: `key-${paymentId}`, amountMinor: 1250, currency: 'EUR', method: 'card', token, resuming: false, capture,
});

test('the connector charges, is declined, authorizes, captures and cancels with answers (and events) that match the spec', async () => {
	await control.registerWebhook(receiver.url, 'whsec_sandbox');
	expect(await charge('p-1', 'pm_card_visa')).toMatchObject({ outcome: 'succeeded' });
	expect(await charge('p-2', 'pm_card_visa_chargeDeclinedInsufficientFunds')).toMatchObject({ code: 'insufficient_funds' });
	const held = await charge('p-3', 'pm_card_visa', false);
	const released = await charge('p-4', 'pm_card_visa', false);
	if (held.outcome !== 'succeeded' || released.outcome !== 'succeeded') throw new Error('authorizations failed');
	expect(await stripe.authorization!.capture({ transactionId: held.transactionId, idempotencyKey: 'cap-3', amountMinor: 1000, currency: 'EUR', resuming: false })).toMatchObject({ outcome: 'succeeded' });
	expect(await stripe.authorization!.cancel({ transactionId: released.transactionId, idempotencyKey: 'can-4', currency: 'EUR', resuming: false })).toMatchObject({ outcome: 'succeeded' });
	expect(await stripe.authorization!.capture({ transactionId: released.transactionId, idempotencyKey: 'cap-4', currency: 'EUR', resuming: false })).toMatchObject({ outcome: 'failed' });

	expect(conformance.problems()).toEqual([]);
	expect(await webhookProblems(control, spec, 'components/schemas/event')).toEqual([]);
	expect(conformance.covered()).toEqual(expect.arrayContaining([
		'post /v1/payment_intents 200', 'post /v1/payment_intents 402',
		'post /v1/payment_intents/{intent}/capture 200', 'post /v1/payment_intents/{intent}/capture 400', 'post /v1/payment_intents/{intent}/cancel 200',
	]));
});

test('every other endpoint the sandbox serves, and its errors, match the spec', async () => {
	const created = await stripeCall('/v1/payment_intents', { amount: '500', currency: 'usd' });
	await stripeCall(`/v1/payment_intents/${created.body.id}/confirm`, { payment_method: 'pm_card_visa_chargeDeclined' });
	await stripeCall(`/v1/payment_intents/${created.body.id}/confirm`, { payment_method: 'pm_card_visa' });
	await stripeCall(`/v1/payment_intents/${created.body.id}/confirm`, { payment_method: 'pm_card_visa' });
	await stripeCall(`/v1/payment_intents/${created.body.id}`);
	await stripeCall('/v1/payment_intents?limit=1');
	await stripeCall('/v1/payment_intents/pi_missing');
	await stripeCall('/v1/payment_intents', { currency: 'usd' });
	await stripeCall('/v1/payment_intents', { amount: '1', currency: 'usd', payment_method: 'pm_nope' });
	await stripeCall('/v1/payment_intents', { amount: '700', currency: 'usd' }, { 'Idempotency-Key': 'same' });
	await stripeCall('/v1/payment_intents', { amount: '701', currency: 'usd' }, { 'Idempotency-Key': 'same' });
	await stripeCall('/v1/payment_intents', undefined, {}, 'sk_test_wrong');
	const held = await stripeCall('/v1/payment_intents', { amount: '2000', currency: 'usd', payment_method: 'pm_card_visa', confirm: 'true', capture_method: 'manual' });
	await stripeCall(`/v1/payment_intents/${held.body.id}/capture`, { amount_to_capture: '1500' });
	const open = await stripeCall('/v1/payment_intents', { amount: '300', currency: 'usd' });
	await stripeCall(`/v1/payment_intents/${open.body.id}`, { description: 'updated', 'metadata[order]': 'o-9' });
	await stripeCall(`/v1/payment_intents/${open.body.id}/cancel`, { cancellation_reason: 'abandoned' });
	await stripeCall(`/v1/payment_intents/search?query=${encodeURIComponent("status:'succeeded' AND amount>100")}&limit=1`);
	await stripeCall(`/v1/payment_intents/search?query=${encodeURIComponent('colour:"red"')}`);
	await underFaults(control, () => stripeCall('/v1/payment_intents?limit=1'));

	expect(conformance.problems()).toEqual([]);
	expect(conformance.covered()).toEqual(expect.arrayContaining([
		'post /v1/payment_intents/{intent}/confirm 200', 'post /v1/payment_intents/{intent}/confirm 402', 'post /v1/payment_intents/{intent}/confirm 400',
		'get /v1/payment_intents/{intent} 200', 'get /v1/payment_intents/{intent} 404', 'get /v1/payment_intents 200', 'get /v1/payment_intents 401',
		'post /v1/payment_intents 400', 'get /v1/payment_intents/search 200', 'get /v1/payment_intents/search 400', 'post /v1/payment_intents/{intent} 200',
	]));
});

test('the check fails on a PaymentIntent that breaks the spec (no payment_method_types, a bare payment_method in a decline)', () => {
	const drifted = new SpecConformance([{ spec, base: '' }]);
	const intent = { id: 'pi_1', object: 'payment_intent', amount: 1, currency: 'usd', status: 'succeeded', livemode: false, created: 1 };
	drifted.record({ method: 'GET', path: '/v1/payment_intents/pi_1', query: new URLSearchParams(), requestBody: undefined, status: 200, body: intent });
	drifted.record({
		method: 'POST', path: '/v1/payment_intents', query: new URLSearchParams(), requestBody: {}, status: 402,
		body: { error: { type: 'card_error', code: 'card_declined', payment_method: { id: 'pm_card_visa' } } },
	});
	expect(drifted.problems().join('\n')).toContain("must have required property 'payment_method_types'");
	expect(drifted.problems().join('\n')).toContain("/error/payment_method must have required property 'billing_details'");
});
