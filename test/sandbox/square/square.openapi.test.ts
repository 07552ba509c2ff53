/**
 * The Square sandbox answers as Square's OpenAPI description (Square-Version 2025-08-20) says, for every request the
 * Square payment connector makes and every endpoint the sandbox serves.
 */
import type { PaymentConnector } from '../../../lib/platforms/payments';
import { paymentConnector, sandboxAccount } from '../../support/standalone';
import { SandboxControl } from '../framework/controlClient';
import type { RunningSandbox } from '../registry';
import { SpecConformance, startSpecCheckedSandbox, underFaults } from '../support/conformance';
import { apiClient } from '../support/http';
import { OpenApiValidator } from '../support/openapi';

const spec = new OpenApiValidator('square/api.json');
// Square answers errors in the operation's own response object: `errors` beside (or instead of) the result.
const conformance = new SpecConformance([{ spec, base: '', errors: 'operation' }]);
let sandbox: RunningSandbox;
let square: PaymentConnector;
let control: SandboxControl;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
	sandbox = await startSpecCheckedSandbox('square', conformance);
	square = await paymentConnector(sandboxAccount('square', sandbox.baseUrl, sandbox.credentials), { retry: { baseDelayMs: 5, maxDelayMs: 50 } });
	control = new SandboxControl(sandbox.baseUrl);
	api = apiClient(sandbox.baseUrl, sandbox.credentials.accessToken);
});
afterAll(() => sandbox.close());
beforeEach(async () => {
	await control.reset();
	conformance.clear();
});

const charge = (paymentId: string, token: string) => square.charge({
	paymentId, idempotencyKey: `key-${paymentId}`, amountMinor: 1250, currency: 'USD', method: 'card', token, resuming: false, description: 'Order 1',
});

test('the connector charges and is declined with answers that match the spec', async () => {
	expect(await charge('p-1', 'cnon:card-nonce-ok')).toMatchObject({ outcome: 'succeeded' });
	expect(await charge('p-1', 'cnon:card-nonce-ok')).toMatchObject({ outcome: 'succeeded' });
	expect(await charge('p-2', 'cnon:card-nonce-insufficient-funds')).toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
	expect(await charge('p-3', 'cnon:not-a-nonce')).toMatchObject({ code: 'INVALID_CARD_DATA' });

	expect(conformance.problems()).toEqual([]);
	expect(conformance.requestProblems()).toEqual([]);
	expect(conformance.covered()).toEqual(expect.arrayContaining(['post /v2/payments 200', 'post /v2/payments 402', 'post /v2/payments 400']));
});

test('every other endpoint the sandbox serves, and its errors, match the spec', async () => {
	const created = await api('/v2/payments', { method: 'POST', body: { source_id: 'cnon:card-nonce-ok', idempotency_key: 'k-1', amount_money: { amount: 100, currency: 'USD' }, autocomplete: false } });
	await api(`/v2/payments/${created.body.payment.id}`);
	await api('/v2/payments/MISSING');
	await api('/v2/locations');
	await api('/v2/payments', { method: 'POST', body: { source_id: 'cnon:card-nonce-ok', idempotency_key: 'k-loc', amount_money: { amount: 100, currency: 'USD' }, location_id: 'LONLINE' } });
	await api('/v2/payments');
	await api('/v2/payments', { method: 'POST', body: { source_id: 'cnon:card-nonce-ok', idempotency_key: 'k-1', amount_money: { amount: 101, currency: 'USD' } } });
	await api('/v2/payments', { method: 'POST', body: { idempotency_key: 'k-2', amount_money: { amount: 1, currency: 'USD' } } });
	await apiClient(sandbox.baseUrl, 'wrong')('/v2/payments');
	await underFaults(control, () => api('/v2/payments'));

	expect(conformance.problems()).toEqual([]);
	expect(conformance.covered()).toEqual(expect.arrayContaining(['get /v2/payments/{payment_id} 200', 'get /v2/payments/{payment_id} 404', 'get /v2/payments 200', 'get /v2/payments 401', 'get /v2/locations 200']));
});

test('the check fails on a payment that breaks the spec', () => {
	const drifted = new SpecConformance([{ spec, base: '' }]);
	drifted.record({ method: 'GET', path: '/v2/payments/P1', query: new URLSearchParams(), requestBody: undefined, status: 200, body: { payment: { id: 1, amount_money: { amount: '5' } } } });
	expect(drifted.problems().join('\n')).toContain('/payment/id must be string');
});
