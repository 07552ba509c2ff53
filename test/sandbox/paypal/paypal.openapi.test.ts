/**
 * The PayPal sandbox answers as PayPal's Orders v2 and Webhooks v1 OpenAPI documents say, for every request the
 * PayPal payment connector makes and every endpoint the sandbox serves. The OAuth2 token endpoint has no document.
 */
import type { PaymentConnector } from '../../../lib/platforms/payments';
import { paymentConnector, sandboxAccount } from '../../support/standalone';
import { SandboxControl } from '../framework/controlClient';
import type { RunningSandbox } from '../registry';
import { SpecConformance, startSpecCheckedSandbox, underFaults, webhookProblems } from '../support/conformance';
import { startReceiver, type WebhookReceiver } from '../support/receiver';
import { apiClient, callApi } from '../support/http';
import { OpenApiValidator } from '../support/openapi';

const orders = new OpenApiValidator('paypal/checkout_orders_v2.json');
const webhooks = new OpenApiValidator('paypal/notifications_webhooks_v1.json');
const conformance = new SpecConformance([{ spec: orders, base: '' }, { spec: webhooks, base: '' }], { outsideSpec: /^\/v1\/oauth2\/token$/ });
let sandbox: RunningSandbox;
let paypal: PaymentConnector;
let control: SandboxControl;
let receiver: WebhookReceiver;

beforeAll(async () => {
	receiver = await startReceiver('/hooks/paypal');
	sandbox = await startSpecCheckedSandbox('paypal', conformance);
	paypal = await paymentConnector(sandboxAccount('paypal', sandbox.baseUrl, sandbox.credentials), { retry: { baseDelayMs: 5, maxDelayMs: 50 } });
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

const charge = (paymentId: string, token: string) => paypal.charge({
	paymentId, idempotencyKey: `key-${paymentId}`, amountMinor: 1250, currency: 'EUR', method: 'paypal', token, resuming: false, description: 'Order 1',
});

async function token(): Promise<string> {
	const reply = await fetch(`${sandbox.baseUrl}/v1/oauth2/token`, {
		method: 'POST',
		headers: { authorization: `Basic ${Buffer.from(`${sandbox.credentials.clientId}:${sandbox.credentials.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
		body: 'grant_type=client_credentials',
	});
	return ((await reply.json()) as { access_token: string }).access_token;
}

test('the connector creates and captures orders, and is declined, with answers (and events) that match the spec', async () => {
	await control.registerWebhook(receiver.url, 'paypal-webhook-secret');
	expect(await charge('p-1', 'vault-ok')).toMatchObject({ outcome: 'succeeded' });
	expect(await charge('p-2', 'vault-declined')).toMatchObject({ code: 'INSTRUMENT_DECLINED' });

	expect(conformance.problems()).toEqual([]);
	expect(conformance.requestProblems()).toEqual([]);
	expect(await webhookProblems(control, webhooks, 'components/schemas/event')).toEqual([]);
	expect(conformance.covered()).toEqual(expect.arrayContaining(['post /v2/checkout/orders 201', 'post /v2/checkout/orders/{id}/capture 201', 'post /v2/checkout/orders/{id}/capture 422']));
});

test('every other endpoint the sandbox serves, and its errors, match the spec', async () => {
	const api = apiClient(sandbox.baseUrl, await token());
	const created = await api('/v2/checkout/orders', { method: 'POST', body: { intent: 'CAPTURE', purchase_units: [{ amount: { currency_code: 'USD', value: '5.00' } }] } });
	await api(`/v2/checkout/orders/${created.body.id}`);
	await api(`/v2/checkout/orders/${created.body.id}/capture`, { method: 'POST', body: {} });
	await api('/v2/checkout/orders/MISSING');
	await api('/v2/checkout/orders', { method: 'POST', body: { intent: 'SELL' } });
	await api('/v2/checkout/orders', { method: 'POST', body: { intent: 'CAPTURE', purchase_units: [{ amount: { currency_code: 'USD', value: '5.001' } }] } });
	await api('/v1/notifications/webhooks-event-types');
	await callApi(sandbox.baseUrl, '/v2/checkout/orders/MISSING', { token: 'expired' });
	// No 429: PayPal answers RATE_LIMIT_REACHED (its rate-limiting guide), a body its Orders v2 document does not list.
	await underFaults(control, () => api('/v2/checkout/orders/MISSING'), [500, 503]);

	expect(conformance.problems()).toEqual([]);
	expect(conformance.covered()).toEqual(expect.arrayContaining([
		'get /v2/checkout/orders/{id} 200', 'get /v2/checkout/orders/{id} 404', 'get /v2/checkout/orders/{id} 401', 'post /v2/checkout/orders 400', 'post /v2/checkout/orders 422',
		'get /v1/notifications/webhooks-event-types 200',
	]));
});

test('the check fails on an order that breaks the spec', () => {
	const drifted = new SpecConformance([{ spec: orders, base: '' }]);
	drifted.record({ method: 'GET', path: '/v2/checkout/orders/O1', query: new URLSearchParams(), requestBody: undefined, status: 200, body: { id: 'O1', status: 'PAID' } });
	expect(drifted.problems().join('\n')).toContain('/status must be equal to one of the allowed values');
});

test('authorize-only: the connector authorizes an order, captures part of the authorization and voids another, with answers that match Orders v2 and Payments v2', async () => {
	const payments = new OpenApiValidator('paypal/payments_payment_v2.json');
	const checked = new SpecConformance([{ spec: orders, base: '' }, { spec: payments, base: '' }], { outsideSpec: /^\/v1\/oauth2\/token$/ });
	const own = await startSpecCheckedSandbox('paypal', checked);
	try {
		const connector = await paymentConnector(sandboxAccount('paypal', own.baseUrl, own.credentials), { retry: { baseDelayMs: 5, maxDelayMs: 50 } });
		const authorize = (paymentId: string) => connector.charge({ paymentId, idempotencyKey: `key-${paymentId}`, amountMinor: 5000, currency: 'USD', method: 'paypal', token: 'vault-ok', resuming: false, capture: false });
		const held = await authorize('a-1');
		const released = await authorize('a-2');
		if (held.outcome !== 'succeeded' || released.outcome !== 'succeeded') throw new Error('not authorized');
		expect(held.authorization?.expiresAt).toEqual(expect.any(String));
		const capture = await connector.authorization!.capture({ transactionId: held.transactionId, idempotencyKey: 'cap-a-1', amountMinor: 3000, currency: 'USD', resuming: false });
		expect(capture).toMatchObject({ outcome: 'succeeded', processorStatus: 'COMPLETED' });
		expect(await connector.authorization!.cancel({ transactionId: released.transactionId, idempotencyKey: 'void-a-2', currency: 'USD', resuming: false })).toMatchObject({ outcome: 'succeeded', processorStatus: 'VOIDED' });
		expect(await connector.authorization!.cancel({ transactionId: held.transactionId, idempotencyKey: 'void-a-1', currency: 'USD', resuming: false })).toMatchObject({ outcome: 'failed', code: 'PREVIOUSLY_CAPTURED' });

		expect(checked.problems()).toEqual([]);
		expect(checked.requestProblems()).toEqual([]);
		expect(checked.covered()).toEqual(expect.arrayContaining([
			'post /v2/checkout/orders/{id}/authorize 201', 'post /v2/payments/authorizations/{authorization_id}/capture 201', 'post /v2/payments/authorizations/{authorization_id}/void 200',
			'post /v2/payments/authorizations/{authorization_id}/void 422',
		]));
	} finally {
		await own.close();
	}
});
