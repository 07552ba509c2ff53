/**
 * PayPal's own Node SDK (`@paypal/paypal-server-sdk`) against the PayPal sandbox: client-credentials auth, Orders v2
 * create / approve / capture / get with PayPal-Request-Id and Prefer, and errors as the SDK's typed errors. The SDK
 * only knows PayPal's two hosts, so it reaches the sandbox through an `httpsAgent` that connects to loopback.
 * Every answer is also checked against PayPal's Orders v2 OpenAPI document.
 */
import { ApiError, CheckoutPaymentIntent, Client, CustomError, Environment, OrdersController } from '@paypal/paypal-server-sdk';

import { SandboxControl } from '../framework/controlClient';
import type { RunningSandbox } from '../registry';
import { SpecConformance, startSpecCheckedSandbox } from '../support/conformance';
import { SandboxHttpsAgent } from '../support/sdkAgent';
import { OpenApiValidator } from '../support/openapi';

const conformance = new SpecConformance([{ spec: new OpenApiValidator('paypal/checkout_orders_v2.json'), base: '' }], { outsideSpec: /^\/(v1\/oauth2\/token|checkoutnow)$/ });
let sandbox: RunningSandbox;
let control: SandboxControl;

function orders(secret = sandbox.credentials.clientSecret): OrdersController {
	const client = new Client({
		environment: Environment.Sandbox,
		timeout: 0,
		clientCredentialsAuthCredentials: { oAuthClientId: sandbox.credentials.clientId, oAuthClientSecret: secret },
		httpClientOptions: { httpsAgent: new SandboxHttpsAgent(sandbox.port) },
	});
	return new OrdersController(client);
}

beforeAll(async () => {
	sandbox = await startSpecCheckedSandbox('paypal', conformance);
	control = new SandboxControl(sandbox.baseUrl);
});
afterAll(() => sandbox.close());
beforeEach(async () => {
	await control.reset();
	conformance.clear();
});
afterEach(() => expect(conformance.problems()).toEqual([]));

const unit = (value = '25.00', invoiceId?: string) => ({ amount: { currencyCode: 'USD', value }, ...(invoiceId ? { invoiceId } : {}) });

test('a vaulted payment: create (minimal by default, full on request), capture once under one PayPal-Request-Id, get', async () => {
	const paypal = orders();
	const minimal = await paypal.createOrder({ body: { intent: CheckoutPaymentIntent.Capture, purchaseUnits: [unit('5.00')], paymentSource: { paypal: { vaultId: 'vault-ok' } } } });
	expect(Object.keys(minimal.result).sort()).toEqual(['id', 'links', 'status']);
	const created = await paypal.createOrder({ body: { intent: CheckoutPaymentIntent.Capture, purchaseUnits: [unit('25.00', 'inv-1')], paymentSource: { paypal: { vaultId: 'vault-ok' } } }, paypalRequestId: 'order-1', prefer: 'return=representation' });
	expect(created.statusCode).toBe(201);
	expect(created.result).toMatchObject({ status: 'APPROVED', intent: 'CAPTURE', purchaseUnits: [{ amount: { currencyCode: 'USD', value: '25.00' }, invoiceId: 'inv-1' }] });
	const id = created.result.id!;
	const first = await paypal.captureOrder({ id, paypalRequestId: 'capture-1', prefer: 'return=representation' });
	const again = await paypal.captureOrder({ id, paypalRequestId: 'capture-1', prefer: 'return=representation' });
	const capture = first.result.purchaseUnits?.[0].payments?.captures?.[0];
	expect(capture).toMatchObject({ status: 'COMPLETED', amount: { value: '25.00' }, finalCapture: true });
	expect(again.result.purchaseUnits?.[0].payments?.captures?.[0].id).toBe(capture?.id);
	expect(await control.state('captures')).toHaveLength(1);
	expect((await paypal.getOrder({ id })).result).toMatchObject({ id, status: 'COMPLETED' });
	const tokenCalls = (await control.requests()).filter((entry) => entry.path === '/v1/oauth2/token');
	expect(tokenCalls).toHaveLength(1);
	expect(conformance.requestProblems()).toEqual([]);
});

test('a buyer payment: the order waits for approval, following its approve link approves it, then it captures', async () => {
	const paypal = orders();
	const created = await paypal.createOrder({ body: { intent: CheckoutPaymentIntent.Capture, purchaseUnits: [unit()] }, prefer: 'return=representation' });
	expect(created.result.status).toBe('CREATED');
	const approve = created.result.links?.find((link) => link.rel === 'approve');
	expect(approve?.href).toMatch(/\/checkoutnow\?token=/);
	const early = await paypal.captureOrder({ id: created.result.id! }).catch((error: unknown) => error);
	expect(early).toBeInstanceOf(CustomError);
	expect(early).toMatchObject({ statusCode: 422, result: { name: 'UNPROCESSABLE_ENTITY', details: [{ issue: 'ORDER_NOT_APPROVED' }] } });
	expect((await fetch(approve!.href)).status).toBe(200);
	expect((await paypal.getOrder({ id: created.result.id! })).result.status).toBe('APPROVED');
	expect((await paypal.captureOrder({ id: created.result.id!, prefer: 'return=representation' })).result.status).toBe('COMPLETED');
});

test('a card payment answers the card\'s brand and last digits, never its number', async () => {
	const created = await orders().createOrder({
		body: { intent: CheckoutPaymentIntent.Capture, purchaseUnits: [unit()], paymentSource: { card: { number: '4111111111111111', expiry: '2030-12', name: 'Ann Lee' } } },
		prefer: 'return=representation',
	});
	expect(created.result.paymentSource?.card).toMatchObject({ lastDigits: '1111', brand: 'VISA', name: 'Ann Lee' });
	expect(JSON.stringify(created.result)).not.toContain('4111111111111111');
});

test('errors come out typed: bad client secret, unknown order, invalid order, declined capture, rate limit', async () => {
	const refused = await orders('wrong-secret').getOrder({ id: 'ANY' }).catch((error: unknown) => error);
	// The package's index exports an enum under the error class's name, so the class is known by its name only.
	expect(refused).toBeInstanceOf(ApiError);
	expect((refused as Error).constructor.name).toBe('OAuthProviderError');
	expect(refused).toMatchObject({ statusCode: 401, result: { error: 'invalid_client' } });
	const missing = await orders().getOrder({ id: 'NOPE' }).catch((error: unknown) => error);
	expect(missing).toBeInstanceOf(CustomError);
	expect(missing).toMatchObject({ statusCode: 404, result: { name: 'RESOURCE_NOT_FOUND', details: [{ issue: 'INVALID_RESOURCE_ID' }] } });
	const invalid = orders().createOrder({ body: { intent: CheckoutPaymentIntent.Capture, purchaseUnits: [unit('10.001')] } });
	await expect(invalid).rejects.toMatchObject({ statusCode: 422, result: { details: [{ issue: 'DECIMAL_PRECISION' }] } });
	const declined = await orders().createOrder({ body: { intent: CheckoutPaymentIntent.Capture, purchaseUnits: [unit()], paymentSource: { paypal: { vaultId: 'vault-declined' } } } });
	await expect(orders().captureOrder({ id: declined.result.id! })).rejects.toMatchObject({ statusCode: 422, result: { details: [{ issue: 'INSTRUMENT_DECLINED' }] } });
	await control.fault({ kind: 'rate_limit_storm', match: { path: '/v2/checkout/orders' } });
	const limited = await orders().getOrder({ id: declined.result.id! }).catch((error: unknown) => error);
	expect(limited).toBeInstanceOf(ApiError);
	expect(limited).toMatchObject({ statusCode: 429 });
	// The SDK types no 429 body, so it keeps PayPal's as text.
	expect(JSON.parse(String((limited as ApiError).body))).toMatchObject({ name: 'RATE_LIMIT_REACHED' });
	// PayPal answers RATE_LIMIT_REACHED (its rate-limiting guide), a body its Orders v2 document does not list.
	conformance.exchanges.splice(conformance.exchanges.findIndex((exchange) => exchange.status === 429), 1);
});
