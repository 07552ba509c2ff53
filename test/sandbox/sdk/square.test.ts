/**
 * Square's own Node SDK (`square`) against the Square sandbox: payments with idempotency keys, reads, the SDK's
 * cursor pager, delayed capture, refunds; errors as the SDK's SquareError; the SDK's own retry of a 429. Every answer
 * is also checked against Square's OpenAPI description.
 */
import { SquareClient, SquareError } from 'square';

import { SandboxControl } from '../framework/controlClient';
import type { RunningSandbox } from '../registry';
import { SpecConformance, startSpecCheckedSandbox } from '../support/conformance';
import { OpenApiValidator } from '../support/openapi';

const conformance = new SpecConformance([{ spec: new OpenApiValidator('square/api.json'), base: '', errors: 'operation' }]);
let sandbox: RunningSandbox;
let control: SandboxControl;

const client = (token = sandbox.credentials.accessToken, maxRetries = 0) => new SquareClient({ token, baseUrl: sandbox.baseUrl, maxRetries });

beforeAll(async () => {
	sandbox = await startSpecCheckedSandbox('square', conformance);
	control = new SandboxControl(sandbox.baseUrl);
});
afterAll(() => sandbox.close());
beforeEach(async () => {
	await control.reset();
	conformance.clear();
});
afterEach(() => expect(conformance.problems()).toEqual([]));

const pay = (key: string, amount: number, extra: Record<string, unknown> = {}) =>
	client().payments.create({ sourceId: 'cnon:card-nonce-ok', idempotencyKey: key, amountMoney: { amount: BigInt(amount), currency: 'USD' }, ...extra });

test('create with an idempotency key (a retry replays the first payment), get it back, complete a delayed capture', async () => {
	const first = await pay('order-1', 1250, { referenceId: 'order-1', note: 'first' });
	expect(first.payment).toMatchObject({ status: 'COMPLETED', amountMoney: { amount: BigInt(1250), currency: 'USD' }, referenceId: 'order-1', cardDetails: { status: 'CAPTURED' } });
	const replay = await pay('order-1', 1250, { referenceId: 'order-1', note: 'first' });
	expect(replay.payment?.id).toBe(first.payment?.id);
	expect(await control.state('payments')).toHaveLength(1);
	expect((await client().payments.get({ paymentId: first.payment!.id! })).payment).toMatchObject({ id: first.payment!.id, versionToken: expect.any(String) });

	const held = await pay('order-2', 500, { autocomplete: false });
	expect(held.payment).toMatchObject({ status: 'APPROVED', cardDetails: { status: 'AUTHORIZED' }, delayAction: 'CANCEL' });
	expect((await client().payments.complete({ paymentId: held.payment!.id! })).payment).toMatchObject({ status: 'COMPLETED', cardDetails: { status: 'CAPTURED' } });
	const voided = await pay('order-3', 700, { autocomplete: false });
	expect((await client().payments.cancel({ paymentId: voided.payment!.id! })).payment).toMatchObject({ status: 'CANCELED', cardDetails: { status: 'VOIDED' } });
	expect(conformance.requestProblems()).toEqual([]);
});

test('list pages through cursors with the SDK\'s pager, newest first', async () => {
	for (let index = 0; index < 5; index++) await pay(`list-${index}`, 100 + index);
	const amounts: number[] = [];
	for await (const payment of await client().payments.list({ limit: 2 })) amounts.push(Number(payment.amountMoney?.amount));
	expect(amounts).toEqual([104, 103, 102, 101, 100]);
	const pages = (await control.requests()).filter((entry) => entry.method === 'GET' && entry.path === '/v2/payments');
	expect(pages.map((entry) => entry.query.cursor === undefined)).toEqual([true, false, false]);
	const oldest = await client().payments.list({ limit: 2, sortOrder: 'ASC' });
	expect(oldest.data.map((payment) => Number(payment.amountMoney?.amount))).toEqual([100, 101]);
});

test('refunds: partial, then the rest; never more than remains; the payment records them', async () => {
	const paid = await pay('refund-me', 1000);
	const paymentId = paid.payment!.id!;
	const part = await client().refunds.refundPayment({ idempotencyKey: 'r-1', paymentId, amountMoney: { amount: BigInt(400), currency: 'USD' }, reason: 'damaged' });
	expect(part.refund).toMatchObject({ status: 'PENDING', paymentId, amountMoney: { amount: BigInt(400) }, reason: 'damaged' });
	expect((await client().refunds.get({ refundId: part.refund!.id })).refund?.status).toBe('COMPLETED');
	const tooMuch = await client().refunds.refundPayment({ idempotencyKey: 'r-2', paymentId, amountMoney: { amount: BigInt(601), currency: 'USD' } }).catch((error: unknown) => error);
	expect(tooMuch).toBeInstanceOf(SquareError);
	expect((tooMuch as SquareError).errors[0]).toMatchObject({ category: 'REFUND_ERROR', code: 'REFUND_AMOUNT_INVALID' });
	await client().refunds.refundPayment({ idempotencyKey: 'r-3', paymentId, amountMoney: { amount: BigInt(600), currency: 'USD' } });
	const after = (await client().payments.get({ paymentId })).payment;
	expect(after).toMatchObject({ refundedMoney: { amount: BigInt(1000), currency: 'USD' } });
	expect(after?.refundIds).toHaveLength(2);
	expect(conformance.requestProblems()).toEqual([]);
});

test('errors come out as SquareError: unauthorized, not found, validation, declined', async () => {
	const unauthorized = await client('wrong-token').payments.list().catch((error: unknown) => error);
	expect(unauthorized).toMatchObject({ statusCode: 401, errors: [{ category: 'AUTHENTICATION_ERROR', code: 'UNAUTHORIZED' }] });
	expect(unauthorized).toBeInstanceOf(SquareError);
	await expect(client().payments.get({ paymentId: 'missing' })).rejects.toMatchObject({ statusCode: 404, errors: [{ code: 'NOT_FOUND' }] });
	await expect(client().refunds.get({ refundId: 'missing' })).rejects.toMatchObject({ statusCode: 404 });
	const invalid = client().payments.create({ sourceId: 'cnon:card-nonce-ok', idempotencyKey: 'x'.repeat(46), amountMoney: { amount: BigInt(100), currency: 'USD' } });
	await expect(invalid).rejects.toMatchObject({ statusCode: 400, errors: [{ code: 'VALUE_TOO_LONG', field: 'idempotency_key' }] });
	await pay('reused', 100);
	await expect(pay('reused', 200)).rejects.toMatchObject({ statusCode: 400, errors: [{ code: 'IDEMPOTENCY_KEY_REUSED' }] });
	await expect(client().payments.list({ sortOrder: 'SIDEWAYS' })).rejects.toMatchObject({ statusCode: 400, errors: [{ code: 'INVALID_SORT_ORDER' }] });
	const declined = client().payments.create({ sourceId: 'cnon:card-nonce-insufficient-funds', idempotencyKey: 'd-1', amountMoney: { amount: BigInt(100), currency: 'USD' } });
	await expect(declined).rejects.toMatchObject({ statusCode: 402, errors: [{ category: 'PAYMENT_METHOD_ERROR', code: 'INSUFFICIENT_FUNDS' }] });
});

test('a 429 is a SquareError with RATE_LIMITED, and the SDK\'s own retry gets through once it passes', async () => {
	await control.fault({ kind: 'rate_limit_storm', match: { path: '/v2/payments' } });
	await expect(client().payments.list()).rejects.toMatchObject({ statusCode: 429, errors: [{ category: 'RATE_LIMIT_ERROR', code: 'RATE_LIMITED' }] });
	await control.clearRequests();
	await control.fault({ kind: 'rate_limit_storm', match: { path: '/v2/payments' } });
	const page = await client(undefined, 1).payments.list();
	expect(page.data).toEqual([]);
	expect((await control.requests()).map((entry) => entry.status)).toEqual([429, 200]);
});
