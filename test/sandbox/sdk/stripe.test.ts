/**
 * Stripe's own Node client (the `stripe` package) against the Stripe sandbox: every call parses, every error comes out
 * as the client's typed error, and the client's retry rules see what Stripe sends.
 */
import Stripe from 'stripe';

import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';

let sandbox: RunningSandbox;
let control: SandboxControl;

function client(key = sandbox.credentials.secretKey, maxNetworkRetries = 0): Stripe {
	const url = new URL(sandbox.baseUrl);
	return new Stripe(key, { host: url.hostname, port: Number(url.port), protocol: 'http', maxNetworkRetries, telemetry: false });
}

beforeAll(async () => {
	sandbox = await startSandbox('stripe');
	control = new SandboxControl(sandbox.baseUrl);
});
afterAll(() => sandbox.close());
beforeEach(() => control.reset());

test('create, retrieve, update, partial capture and cancel a PaymentIntent', async () => {
	const stripe = client();
	const held = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, capture_method: 'manual', metadata: { order: 'o-1' } });
	expect(held).toMatchObject({ object: 'payment_intent', status: 'requires_capture', amount_capturable: 2000, metadata: { order: 'o-1' } });
	expect(held.client_secret).toMatch(/_secret_/);
	expect(held.lastResponse.requestId).toMatch(/^req_/);
	expect((await stripe.paymentIntents.retrieve(held.id)).id).toBe(held.id);
	const updated = await stripe.paymentIntents.update(held.id, { metadata: { order: '', channel: 'web' }, description: 'first order' });
	expect(updated).toMatchObject({ metadata: { channel: 'web' }, description: 'first order' });
	expect(updated.metadata.order).toBeUndefined();
	const captured = await stripe.paymentIntents.capture(held.id, { amount_to_capture: 1500 });
	expect(captured).toMatchObject({ status: 'succeeded', amount_received: 1500, amount_capturable: 0 });
	const open = await stripe.paymentIntents.create({ amount: 700, currency: 'eur' });
	const canceled = await stripe.paymentIntents.cancel(open.id, { cancellation_reason: 'duplicate' });
	expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'duplicate' });
});

test('list pages through starting_after and search through next_page, with the client\'s auto-pagination', async () => {
	const stripe = client();
	for (let index = 0; index < 5; index++) await stripe.paymentIntents.create({ amount: 100 + index, currency: 'usd', metadata: { batch: index % 2 === 0 ? 'even' : 'odd' } });
	const listed = await stripe.paymentIntents.list({ limit: 2 }).autoPagingToArray({ limit: 100 });
	expect(listed.map((intent) => intent.amount)).toEqual([104, 103, 102, 101, 100]);
	const found = await stripe.paymentIntents.search({ query: "metadata['batch']:'even' AND amount>=100", limit: 2 }).autoPagingToArray({ limit: 100 });
	expect(found.map((intent) => intent.amount).sort()).toEqual([100, 102, 104]);
	const requests = await control.requests();
	expect(requests.filter((entry) => entry.path === '/v1/payment_intents/search')).toHaveLength(2);
});

test('errors come out typed: authentication, not found, validation, card decline', async () => {
	await expect(client('sk_test_wrong').paymentIntents.list()).rejects.toMatchObject({ type: 'StripeAuthenticationError', statusCode: 401 });
	await expect(client().paymentIntents.retrieve('pi_missing')).rejects.toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 404, code: 'resource_missing' });
	await expect(client().paymentIntents.create({ amount: 100 } as Stripe.PaymentIntentCreateParams)).rejects.toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 400, code: 'parameter_missing', param: 'currency' });
	const open = await client().paymentIntents.create({ amount: 300, currency: 'usd' });
	await expect(client().paymentIntents.cancel(open.id, { cancellation_reason: 'bored' as 'duplicate' })).rejects.toMatchObject({ type: 'StripeInvalidRequestError', param: 'cancellation_reason' });
	const declined = client().paymentIntents.create({ amount: 100, currency: 'usd', payment_method: 'pm_card_visa_chargeDeclinedInsufficientFunds', confirm: true });
	await expect(declined).rejects.toMatchObject({ type: 'StripeCardError', statusCode: 402, code: 'card_declined', decline_code: 'insufficient_funds' });
	await expect(declined).rejects.toHaveProperty('requestId', expect.stringMatching(/^req_/));
});

test('a rate-limit 429 is a StripeRateLimitError, left to the caller as Stripe leaves it (no Stripe-Should-Retry), while a 500 is retried', async () => {
	const stripe = client(undefined, 2);
	await control.fault({ kind: 'rate_limit_storm', match: { path: '/v1/payment_intents' } });
	await expect(stripe.paymentIntents.list()).rejects.toMatchObject({ type: 'StripeRateLimitError', statusCode: 429 });
	expect(await control.requests()).toHaveLength(1);
	await control.clearRequests();
	await control.fault({ kind: 'error', status: 500, match: { path: '/v1/payment_intents' } });
	expect((await stripe.paymentIntents.list()).object).toBe('list');
	expect((await control.requests()).map((entry) => entry.status)).toEqual([500, 200]);
});
