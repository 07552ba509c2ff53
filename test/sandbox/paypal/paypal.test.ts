/** The PayPal sandbox: OAuth2 client credentials, Orders v2 create + capture, PayPal-Request-Id replay, 422 issues. */
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';
import { callApi } from '../support/http';

let paypal: RunningSandbox;
let control: SandboxControl;

beforeAll(async () => {
	paypal = await startSandbox('paypal');
	control = new SandboxControl(paypal.baseUrl);
});
afterAll(() => paypal.close());
beforeEach(() => control.reset());

async function token(secret = paypal.credentials.clientSecret) {
	const response = await fetch(`${paypal.baseUrl}/v1/oauth2/token`, {
		method: 'POST',
		headers: { authorization: `Basic ${Buffer.from(`${paypal.credentials.clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
		body: 'grant_type=client_credentials',
	});
	return { status: response.status, body: (await response.json()) as { access_token?: string; expires_in?: number; error?: string } };
}

const order = (vaultId: string, invoiceId: string) => ({
	intent: 'CAPTURE',
	purchase_units: [{ invoice_id: invoiceId, amount: { currency_code: 'USD', value: '25.00' } }],
	payment_source: { card: { vault_id: vaultId } },
});

test('client credentials buy an expiring token; a wrong secret is invalid_client; a bad token is AUTHENTICATION_FAILURE', async () => {
	const granted = await token();
	expect(granted.status).toBe(200);
	expect(granted.body).toMatchObject({ token_type: 'Bearer', expires_in: 32_400 });
	expect((await token('wrong')).body.error).toBe('invalid_client');
	const refused = await callApi(paypal.baseUrl, '/v2/checkout/orders', { method: 'POST', token: 'expired', body: order('v', 'i') });
	expect(refused.status).toBe(401);
	expect(refused.body.name).toBe('AUTHENTICATION_FAILURE');
	await control.updateSettings({ tokenTtlSeconds: 1 });
	const shortLived = (await token()).body.access_token!;
	await new Promise((resolve) => setTimeout(resolve, 1100));
	expect((await callApi(paypal.baseUrl, '/v2/checkout/orders/X', { token: shortLived })).status).toBe(401);
});

test('create then capture; PayPal-Request-Id replays each step; a second capture is ORDER_ALREADY_CAPTURED', async () => {
	const bearer = (await token()).body.access_token!;
	const create = () => callApi(paypal.baseUrl, '/v2/checkout/orders', { method: 'POST', token: bearer, body: order('vault-ok', 'inv-1'), headers: { 'PayPal-Request-Id': 'r-1' } });
	const created = await create();
	expect(created.status).toBe(201);
	expect(created.body.status).toBe('APPROVED');
	// Prefer: return=minimal is PayPal's default: id, status and links only.
	expect(Object.keys(created.body).sort()).toEqual(['id', 'links', 'status']);
	expect((await create()).body.id).toBe(created.body.id);
	const capture = (requestId: string) => callApi(paypal.baseUrl, `/v2/checkout/orders/${created.body.id}/capture`, { method: 'POST', token: bearer, body: {}, headers: { 'PayPal-Request-Id': requestId, Prefer: 'return=representation' } });
	const captured = await capture('c-1');
	expect(captured.body.purchase_units[0].payments.captures[0].status).toBe('COMPLETED');
	expect((await capture('c-1')).body.purchase_units[0].payments.captures[0].id).toBe(captured.body.purchase_units[0].payments.captures[0].id);
	const second = await capture('c-2');
	expect(second.status).toBe(422);
	expect(second.body.details[0].issue).toBe('ORDER_ALREADY_CAPTURED');
	expect(await control.state('captures')).toHaveLength(1);
});

test('declined instruments, mock responses and duplicate invoice ids are 422 issues', async () => {
	const bearer = (await token()).body.access_token!;
	const declined = (await callApi(paypal.baseUrl, '/v2/checkout/orders', { method: 'POST', token: bearer, body: order('vault-declined', 'inv-2') })).body;
	const capture = await callApi(paypal.baseUrl, `/v2/checkout/orders/${declined.id}/capture`, { method: 'POST', token: bearer, body: {} });
	expect(capture.status).toBe(422);
	expect(capture.body).toMatchObject({ name: 'UNPROCESSABLE_ENTITY', details: [{ issue: 'INSTRUMENT_DECLINED' }] });
	const mocked = (await callApi(paypal.baseUrl, '/v2/checkout/orders', { method: 'POST', token: bearer, body: order('vault-ok', 'inv-3') })).body;
	const refused = await callApi(paypal.baseUrl, `/v2/checkout/orders/${mocked.id}/capture`, { method: 'POST', token: bearer, body: {}, headers: { 'PayPal-Mock-Response': '{"mock_application_codes": "TRANSACTION_REFUSED"}' } });
	expect(refused.body.details[0].issue).toBe('TRANSACTION_REFUSED');
	const duplicate = await callApi(paypal.baseUrl, '/v2/checkout/orders', { method: 'POST', token: bearer, body: order('vault-ok', 'inv-3') });
	expect(duplicate.body.details[0].issue).toBe('DUPLICATE_INVOICE_ID');
});
