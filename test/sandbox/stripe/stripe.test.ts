/** The Stripe sandbox behaves as PLATFORMS.md describes: form bodies, PaymentIntents, Idempotency-Key, test cards, signed webhooks. */
import { verifyStripeSignature } from '../../../lib/platforms/stripe';
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';
import { startReceiver } from '../support/receiver';

let stripe: RunningSandbox;
let control: SandboxControl;

beforeAll(async () => {
	stripe = await startSandbox('stripe');
	control = new SandboxControl(stripe.baseUrl);
});
afterAll(() => stripe.close());
beforeEach(() => control.reset());

async function post(path: string, form: Record<string, string>, headers: Record<string, string> = {}, key = stripe.credentials.secretKey) {
	const response = await fetch(`${stripe.baseUrl}${path}`, {
		method: 'POST',
		headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded', ...headers },
		body: new URLSearchParams(form).toString(),
	});
	return { status: response.status, headers: response.headers, body: (await response.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const charge = (paymentMethod: string, extra: Record<string, string> = {}) => ({ amount: '2000', currency: 'usd', payment_method: paymentMethod, confirm: 'true', 'metadata[order]': 'o-1', ...extra });

test('a confirmed PaymentIntent with the success card succeeds and records one charge', async () => {
	const reply = await post('/v1/payment_intents', charge('pm_card_visa'));
	expect(reply.status).toBe(200);
	expect(reply.body).toMatchObject({ object: 'payment_intent', status: 'succeeded', amount: 2000, currency: 'usd', metadata: { order: 'o-1' } });
	expect(await control.state('charges')).toHaveLength(1);
});

test.each([
	['pm_card_visa_chargeDeclined', 'card_declined', 'generic_decline'],
	['pm_card_visa_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds'],
	['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card'],
	['pm_card_chargeDeclinedIncorrectCvc', 'incorrect_cvc', 'incorrect_cvc'],
	['pm_card_chargeDeclinedProcessingError', 'processing_error', 'processing_error'],
])('%s declines with 402 %s / %s and leaves the intent requiring a payment method', async (paymentMethod, code, declineCode) => {
	const reply = await post('/v1/payment_intents', charge(paymentMethod));
	expect(reply.status).toBe(402);
	expect(reply.body.error).toMatchObject({ type: 'card_error', code, decline_code: declineCode });
	expect(reply.body.error.payment_intent).toMatchObject({ status: 'requires_payment_method', last_payment_error: { code } });
	expect(await control.state('charges')).toHaveLength(0);
});

test('Idempotency-Key replays the first result, refuses other parameters, and 409s while the first is running', async () => {
	const first = await post('/v1/payment_intents', charge('pm_card_visa'), { 'Idempotency-Key': 'k-1' });
	const again = await post('/v1/payment_intents', charge('pm_card_visa'), { 'Idempotency-Key': 'k-1' });
	expect(again.body.id).toBe(first.body.id);
	expect(again.headers.get('idempotent-replayed')).toBe('true');
	const other = await post('/v1/payment_intents', charge('pm_card_visa', { amount: '2500' }), { 'Idempotency-Key': 'k-1' });
	expect(other.status).toBe(400);
	expect(other.body.error.type).toBe('idempotency_error');

	await control.updateSettings({ processingMs: 100 });
	const [a, b] = await Promise.all([
		post('/v1/payment_intents', charge('pm_card_visa'), { 'Idempotency-Key': 'k-2' }),
		post('/v1/payment_intents', charge('pm_card_visa'), { 'Idempotency-Key': 'k-2' }),
	]);
	expect([a.status, b.status].sort()).toEqual([200, 409]);
	expect([a, b].find((reply) => reply.status === 409)!.body.error.code).toBe('idempotency_key_in_use');
	expect(await control.state('charges')).toHaveLength(2);
});

test('a declined first result is replayed too', async () => {
	const first = await post('/v1/payment_intents', charge('pm_card_visa_chargeDeclined'), { 'Idempotency-Key': 'k-d' });
	const again = await post('/v1/payment_intents', charge('pm_card_visa_chargeDeclined'), { 'Idempotency-Key': 'k-d' });
	expect(again.status).toBe(402);
	expect(again.body.error.payment_intent.id).toBe(first.body.error.payment_intent.id);
});

test('manual capture, cancel and their state rules', async () => {
	const intent = (await post('/v1/payment_intents', charge('pm_card_visa', { capture_method: 'manual' }))).body;
	expect(intent.status).toBe('requires_capture');
	expect((await post(`/v1/payment_intents/${intent.id}/capture`, {})).body.status).toBe('succeeded');
	expect((await post(`/v1/payment_intents/${intent.id}/cancel`, {})).status).toBe(400);
	const open = (await post('/v1/payment_intents', { amount: '500', currency: 'usd' })).body;
	expect(open.status).toBe('requires_payment_method');
	expect((await post(`/v1/payment_intents/${open.id}/capture`, {})).body.error).toMatchObject({ type: 'invalid_request_error', code: 'payment_intent_unexpected_state' });
	expect((await post(`/v1/payment_intents/${open.id}/cancel`, {})).body.status).toBe('canceled');
	expect((await post(`/v1/payment_intents/${open.id}/capture`, {})).body.error).toMatchObject({ code: 'payment_intent_unexpected_state' });
	const twice = await post(`/v1/payment_intents/${open.id}/cancel`, {});
	expect(twice.status).toBe(400);
	expect(twice.body.error).toMatchObject({ type: 'invalid_request_error', code: 'payment_intent_unexpected_state' });
});

test('a wrong key is refused with 401; missing params with parameter_missing', async () => {
	expect((await post('/v1/payment_intents', charge('pm_card_visa'), {}, 'sk_test_wrong')).status).toBe(401);
	const missing = await post('/v1/payment_intents', { currency: 'usd' });
	expect(missing.body.error).toMatchObject({ code: 'parameter_missing', param: 'amount' });
});

test('payment_intent.succeeded is delivered with a valid Stripe-Signature', async () => {
	const receiver = await startReceiver('/stripe');
	try {
		await control.registerWebhook(receiver.url, 'whsec_test');
		await post('/v1/payment_intents', charge('pm_card_visa'));
		const [delivery] = await receiver.waitFor(1);
		expect(JSON.parse(delivery.body).type).toBe('payment_intent.succeeded');
		expect(verifyStripeSignature(String(delivery.headers['stripe-signature']), delivery.body, 'whsec_test', Date.now())).toEqual({ valid: true });
	} finally {
		await receiver.close();
	}
});

async function get(path: string) {
	const response = await fetch(`${stripe.baseUrl}${path}`, { headers: { authorization: `Bearer ${stripe.credentials.secretKey}` } });
	return { status: response.status, headers: response.headers, body: (await response.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

test('partial capture: amount_to_capture 1500 of 2000 receives 1500 and charges 1500; more than amount_capturable is refused', async () => {
	const held = await post('/v1/payment_intents', charge('pm_card_visa', { capture_method: 'manual' }));
	expect(held.body).toMatchObject({ status: 'requires_capture', amount_capturable: 2000, amount_received: 0 });
	expect(held.body.client_secret).toMatch(new RegExp(`^${held.body.id}_secret_\\w+$`));
	const tooMuch = await post(`/v1/payment_intents/${held.body.id}/capture`, { amount_to_capture: '2001' });
	expect(tooMuch.status).toBe(400);
	expect(tooMuch.body.error).toMatchObject({ type: 'invalid_request_error', param: 'amount_to_capture' });
	const captured = await post(`/v1/payment_intents/${held.body.id}/capture`, { amount_to_capture: '1500' });
	expect(captured.body).toMatchObject({ status: 'succeeded', amount: 2000, amount_received: 1500, amount_capturable: 0 });
	expect(await control.state('charges')).toEqual([expect.objectContaining({ payment_intent: held.body.id, amount: 1500 })]);
});

test('cancel keeps cancellation_reason and canceled_at; an unknown reason is refused naming the param', async () => {
	const open = await post('/v1/payment_intents', { amount: '900', currency: 'eur' });
	expect((await post(`/v1/payment_intents/${open.body.id}/cancel`, { cancellation_reason: 'bored' })).body.error).toMatchObject({ param: 'cancellation_reason' });
	const canceled = await post(`/v1/payment_intents/${open.body.id}/cancel`, { cancellation_reason: 'requested_by_customer' });
	expect(canceled.body).toMatchObject({ status: 'canceled', cancellation_reason: 'requested_by_customer' });
	expect(canceled.body.canceled_at).toBeGreaterThan(0);
	expect((await get(`/v1/payment_intents/${open.body.id}`)).body.cancellation_reason).toBe('requested_by_customer');
});

test('every response carries a Request-Id; an error names the same id in its request_log_url', async () => {
	const ok = await get('/v1/payment_intents');
	expect(ok.headers.get('request-id')).toMatch(/^req_\w+$/);
	const missingIntent = await get('/v1/payment_intents/pi_nope');
	expect(missingIntent.body.error.request_log_url).toBe(`https://dashboard.stripe.com/test/logs/${missingIntent.headers.get('request-id')}`);
	const denied = await post('/v1/payment_intents', { amount: '1', currency: 'usd' }, {}, 'sk_test_wrong');
	expect(denied.status).toBe(401);
	expect(denied.headers.get('request-id')).toMatch(/^req_/);
});

test('search in Stripe\'s query language: status, metadata, amount ranges, AND / OR, negation, pages through next_page', async () => {
	await post('/v1/payment_intents', charge('pm_card_visa', { amount: '500', 'metadata[order]': 'o-1' }));
	await post('/v1/payment_intents', charge('pm_card_visa', { amount: '1500', 'metadata[order]': 'o-2' }));
	await post('/v1/payment_intents', { amount: '2500', currency: 'usd', 'metadata[order]': 'o-3' });
	const search = async (query: string, extra = '') => get(`/v1/payment_intents/search?query=${encodeURIComponent(query)}${extra}`);
	const orders = (reply: { body: { data: Array<{ metadata: { order: string } }> } }) => reply.body.data.map((intent) => intent.metadata.order).sort();
	expect(orders(await search("status:'succeeded'"))).toEqual(['o-1', 'o-2']);
	expect(orders(await search("metadata['order']:'o-3'"))).toEqual(['o-3']);
	expect(orders(await search("status:'succeeded' AND amount>1000"))).toEqual(['o-2']);
	expect(orders(await search("amount<=500 OR metadata['order']:\"o-3\""))).toEqual(['o-1', 'o-3']);
	expect(orders(await search("-status:'succeeded'"))).toEqual(['o-3']);
	const first = await search("currency:'usd'", '&limit=2');
	expect(first.body).toMatchObject({ object: 'search_result', url: '/v1/payment_intents/search', has_more: true, total_count: 3 });
	const second = await search("currency:'usd'", `&limit=2&page=${first.body.next_page}`);
	expect(second.body).toMatchObject({ has_more: false, next_page: null });
	expect([...orders(first), ...orders(second)].sort()).toEqual(['o-1', 'o-2', 'o-3']);
	expect((await search("status:'succeeded' AND amount>1 OR currency:'usd'")).status).toBe(400);
	expect((await search('colour:"red"')).body.error).toMatchObject({ param: 'query' });
	expect((await search("status>'a'")).status).toBe(400);
});
