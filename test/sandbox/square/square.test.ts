/** The Square sandbox: CreatePayment with idempotency_key, IDEMPOTENCY_KEY_REUSED, sandbox nonces and decline codes, signed webhooks. */
import { verifySquareSignature } from '../../../lib/platforms/square';
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';
import { apiClient } from '../support/http';
import { startReceiver } from '../support/receiver';

let square: RunningSandbox;
let control: SandboxControl;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
	square = await startSandbox('square');
	control = new SandboxControl(square.baseUrl);
	api = apiClient(square.baseUrl, square.credentials.accessToken);
});
afterAll(() => square.close());
beforeEach(() => control.reset());

const payment = (sourceId: string, key: string, amount = 1000) => ({ source_id: sourceId, idempotency_key: key, amount_money: { amount, currency: 'USD' } });

test('a payment with the ok nonce completes; the same key and body return the same payment', async () => {
	const first = await api('/v2/payments', { method: 'POST', body: payment('cnon:card-nonce-ok', 'k-1') });
	expect(first.status).toBe(200);
	expect(first.body.payment).toMatchObject({ status: 'COMPLETED', amount_money: { amount: 1000, currency: 'USD' } });
	const again = await api('/v2/payments', { method: 'POST', body: payment('cnon:card-nonce-ok', 'k-1') });
	expect(again.body.payment.id).toBe(first.body.payment.id);
	expect(await control.state('completed')).toHaveLength(1);
	expect((await api(`/v2/payments/${first.body.payment.id}`)).body.payment.id).toBe(first.body.payment.id);
});

test('the same key with other data is IDEMPOTENCY_KEY_REUSED', async () => {
	await api('/v2/payments', { method: 'POST', body: payment('cnon:card-nonce-ok', 'k-2') });
	const reused = await api('/v2/payments', { method: 'POST', body: payment('cnon:card-nonce-ok', 'k-2', 2000) });
	expect(reused.status).toBe(400);
	expect(reused.body.errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code: 'IDEMPOTENCY_KEY_REUSED' });
});

test.each([
	['cnon:card-nonce-declined', 'GENERIC_DECLINE'],
	['cnon:card-nonce-rejected-cvv', 'CVV_FAILURE'],
	['cnon:card-nonce-insufficient-funds', 'INSUFFICIENT_FUNDS'],
	['cnon:card-nonce-rejected-expiration', 'INVALID_EXPIRATION'],
])('%s is declined with %s and a FAILED payment', async (nonce, code) => {
	const reply = await api('/v2/payments', { method: 'POST', body: payment(nonce, `k-${code}`) });
	expect(reply.status).toBe(402);
	expect(reply.body.errors[0]).toMatchObject({ category: 'PAYMENT_METHOD_ERROR', code });
	expect(reply.body.payment.status).toBe('FAILED');
});

test('required fields, key length and auth', async () => {
	const missing = await api('/v2/payments', { method: 'POST', body: { source_id: 'cnon:card-nonce-ok', amount_money: { amount: 1, currency: 'USD' } } });
	expect(missing.body.errors[0]).toMatchObject({ code: 'MISSING_REQUIRED_PARAMETER', field: 'idempotency_key' });
	const long = await api('/v2/payments', { method: 'POST', body: payment('cnon:card-nonce-ok', 'x'.repeat(46)) });
	expect(long.body.errors[0].code).toBe('VALUE_TOO_LONG');
	expect((await apiClient(square.baseUrl, 'wrong')('/v2/payments')).body.errors[0].code).toBe('UNAUTHORIZED');
});

test('webhooks carry x-square-hmacsha256-signature over notification URL + body', async () => {
	const receiver = await startReceiver('/square');
	try {
		await control.registerWebhook(receiver.url, 'sq-signature-key');
		await api('/v2/payments', { method: 'POST', body: payment('cnon:card-nonce-ok', 'k-hook') });
		const [delivery] = await receiver.waitFor(1);
		expect(verifySquareSignature(String(delivery.headers['x-square-hmacsha256-signature']), receiver.url, delivery.body, 'sq-signature-key')).toEqual({ valid: true });
	} finally {
		await receiver.close();
	}
});
