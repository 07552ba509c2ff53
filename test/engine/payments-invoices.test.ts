/**
 * Invoices through the neutral invoice model on the Stripe, PayPal (Invoicing v2) and Square (Invoices) sandboxes, on SQLite and PostgreSQL: made, finalized and sent
 * once per request id across concurrent duplicates and answers lost after Stripe acted; amounts in exact minor units
 * (the processor's total checked against the lines'); bad input refused naming the field (and the line) before anything
 * is sent; a request id reused for another invoice refused.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { defaultRoutingConfig, openPayments, PaymentRouter, type InvoiceOutcome, type InvoiceRequest } from '../../lib/payments';
import { paymentMigrations } from '../../lib/payments/migrations';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import type { PaymentConnector } from '../../lib/platforms/payments';
import { InputError } from '../../lib/records/inputSchema';
import { closeAllStores, coreMigrations, openStore, type StateStore, type StoreConfig } from '../../lib/store';
import { acquirePostgres, uniqueName } from '../support/postgres';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { sandboxAccount } from '../support/standalone';

let stripe: RunningSandbox;
let paypal: RunningSandbox;
let square: RunningSandbox;
let control: SandboxControl;
let paypalControl: SandboxControl;
let squareControl: SandboxControl;
let store: StateStore;
let connectors: Record<string, PaymentConnector>;
let unlocated: Record<string, PaymentConnector>;
let counter = 0;
let releasePostgres: (() => Promise<void>) | undefined;

beforeAll(async () => {
	[stripe, paypal, square] = await Promise.all([startSandbox('stripe'), startSandbox('paypal'), startSandbox('square')]);
	squareControl = new SandboxControl(square.baseUrl);
	control = new SandboxControl(stripe.baseUrl);
	paypalControl = new SandboxControl(paypal.baseUrl);
});

afterAll(async () => {
	await closeAllStores();
	await releasePostgres?.();
	await Promise.all([stripe.close(), paypal.close(), square.close()]);
});

beforeEach(async () => {
	await Promise.all([control.reset(), paypalControl.reset(), squareControl.reset()]);
});

async function storeConfig(backend: 'sqlite' | 'postgres'): Promise<StoreConfig> {
	if (backend === 'sqlite') return { kind: 'sqlite', file: path.join(mkdtempSync(path.join(tmpdir(), 'payments-invoices-')), 'state.sqlite') };
	const server = await acquirePostgres();
	releasePostgres = server.release;
	return { kind: 'postgres', ...server.config, schema: uniqueName('invoices') };
}

const router = () => new PaymentRouter({ db: store.db, connectors, config: defaultRoutingConfig(), pollMs: 5 });

async function customer(): Promise<string> {
	const response = await fetch(`${stripe.baseUrl}/v1/customers`, {
		method: 'POST',
		headers: { authorization: `Bearer ${String(stripe.credentials.secretKey)}`, 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ email: 'billing@example.com' }),
	});
	return ((await response.json()) as { id: string }).id;
}

const invoices = async () => await control.state<Array<{ id: string; status: string; amount_due: number; currency: string; lines: { data: Array<{ amount: number; quantity: number }> } }>>('invoices');
const items = async () => await control.state<unknown[]>('invoiceitems');

function succeeded(outcome: InvoiceOutcome): Extract<InvoiceOutcome, { status: 'succeeded' }> {
	if (outcome.status !== 'succeeded') throw new Error(`not succeeded: ${JSON.stringify(outcome)}`);
	return outcome;
}

describe.each(['sqlite', 'postgres'] as const)('on %s', (backend) => {
	beforeAll(async () => {
		store = await openStore(await storeConfig(backend), [...coreMigrations, ...paymentMigrations]);
		const platforms = standalonePlatforms([sandboxAccount('stripe', stripe.baseUrl, stripe.credentials), sandboxAccount('paypal', paypal.baseUrl, paypal.credentials), sandboxAccount('square', square.baseUrl, square.credentials)], { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
		// Square invoices at the location picked: the second active one, not the first Square lists.
		connectors = await openPayments({ store, platforms }).connectors(['stripe', 'paypal', 'square'], { square: { locationId: 'LONLINE' } });
		unlocated = await openPayments({ store, platforms }).connectors(['square']);
	});

	test('three concurrent submissions of one invoice make, finalize and send one; its total is the lines\' in minor units', async () => {
		const request: InvoiceRequest = {
			requestId: `invoice-${backend}-${++counter}`, processor: 'stripe', customer: await customer(), currency: 'USD', dueInDays: 14, memo: 'November',
			lines: [{ description: 'Seats', amount: 19.99, quantity: 2 }, { description: 'Setup', amount: 5 }],
		};
		const outcomes = await Promise.all(Array.from({ length: 3 }, () => router().invoices.create(request)));
		const sent = succeeded(outcomes[0]);
		expect(outcomes.every((outcome) => outcome.status === 'succeeded' && outcome.invoiceId === sent.invoiceId)).toBe(true);
		expect(outcomes.filter((outcome) => outcome.status === 'succeeded' && !outcome.replayed)).toHaveLength(1);
		expect(sent).toMatchObject({ processor: 'stripe', state: 'open', currency: 'USD', totalMinor: 4498, total: '44.98', number: expect.stringMatching(/\d{4}$/), url: expect.stringContaining(sent.invoiceId) });
		const [atStripe] = await invoices();
		expect(atStripe).toMatchObject({ id: sent.invoiceId, status: 'open', amount_due: 4498, currency: 'usd' });
		expect(atStripe.lines.data.map((line) => [line.amount, line.quantity])).toEqual([[3998, 2], [500, 1]]);
		expect(await store.db.query('SELECT processor, invoice_id, state, total_minor FROM payment_invoices')).toEqual([{ processor: 'stripe', invoice_id: sent.invoiceId, state: 'open', total_minor: 4498 }]);
		// The same request id for another invoice is refused, not answered with this one.
		expect(await router().invoices.create({ ...request, lines: [{ description: 'Other', amount: 1 }] })).toMatchObject({ status: 'failed', reason: 'request_id_reused' });
	});

	test('an invoice whose send answer is lost through every retry is settled by its repeat: one invoice, its lines once', async () => {
		await control.fault({ kind: 'lost_response', match: { method: 'POST', path: '^/v1/invoices/in_[^/]+/send$' }, times: 3 });
		const request: InvoiceRequest = { requestId: `lost-${backend}-${++counter}`, processor: 'stripe', customer: await customer(), currency: 'JPY', lines: [{ description: 'Consulting', amount: 12000, quantity: 3 }] };
		expect(await router().invoices.create(request)).toMatchObject({ status: 'failed', reason: 'outcome_unknown' });
		const settled = succeeded(await router().invoices.create(request));
		expect(settled).toMatchObject({ replayed: false, state: 'open', currency: 'JPY', totalMinor: 36000, total: '36000' });
		expect((await invoices()).map((invoice) => invoice.id)).toEqual([settled.invoiceId]);
		expect(await items()).toHaveLength(1);
	});

	test('Stripe refusing the customer sends nothing; the request id may be tried again once the customer exists', async () => {
		const request: InvoiceRequest = { requestId: `refused-${backend}-${++counter}`, processor: 'stripe', customer: 'cus_missing', currency: 'USD', lines: [{ description: 'Seats', amount: 10 }] };
		expect(await router().invoices.create(request)).toMatchObject({ status: 'failed', reason: 'processor_refused', code: 'resource_missing' });
		expect(await invoices()).toEqual([]);
	});

	test('PayPal: concurrent submissions make and send one invoice to the customer\'s email; a send whose answer is lost is settled by its repeat', async () => {
		const payPalInvoices = async () => await paypalControl.state<Array<{ id: string; status: string; amount: { value: string; currency_code: string }; primary_recipients: Array<{ billing_info: { email_address: string } }> }>>('invoices');
		const request: InvoiceRequest = { requestId: `paypal-${backend}-${++counter}`, processor: 'paypal', customer: 'payer@example.com', currency: 'USD', lines: [{ description: 'Seats', amount: 19.99, quantity: 2 }, { description: 'Setup', amount: 5 }] };
		const outcomes = await Promise.all(Array.from({ length: 3 }, () => router().invoices.create(request)));
		const sent = succeeded(outcomes[0]);
		expect(outcomes.every((outcome) => outcome.status === 'succeeded' && outcome.invoiceId === sent.invoiceId)).toBe(true);
		expect(sent).toMatchObject({ processor: 'paypal', state: 'open', processorStatus: 'SENT', totalMinor: 4498, total: '44.98', url: expect.stringContaining(sent.invoiceId) });
		expect((await payPalInvoices()).map((invoice) => [invoice.id, invoice.status, invoice.amount.value, invoice.primary_recipients[0].billing_info.email_address])).toEqual([[sent.invoiceId, 'SENT', '44.98', 'payer@example.com']]);

		await paypalControl.fault({ kind: 'lost_response', match: { method: 'POST', path: '^/v2/invoicing/invoices/[^/]+/send$' }, times: 3 });
		const lost: InvoiceRequest = { ...request, requestId: `paypal-lost-${backend}-${++counter}`, currency: 'JPY', lines: [{ description: 'Consulting', amount: 12000, quantity: 3 }] };
		expect(await router().invoices.create(lost)).toMatchObject({ status: 'failed', reason: 'outcome_unknown' });
		await paypalControl.clearFaults();
		expect(await router().invoices.create(lost)).toMatchObject({ status: 'succeeded', state: 'open', totalMinor: 36000, replayed: false });
		expect((await payPalInvoices()).map((invoice) => [invoice.status, invoice.amount.value])).toEqual([['SENT', '44.98'], ['SENT', '36000']]);
		expect(await router().invoices.create({ ...request, requestId: `paypal-bad-${++counter}`, customer: 'not an email' })).toMatchObject({ status: 'failed', reason: 'processor_refused', code: 'INVALID_PARAMETER_SYNTAX' });
	});

	test('Square: concurrent submissions make one order, one invoice, published once; a publish whose answer is lost is settled by its repeat', async () => {
		const squareInvoices = async () => await squareControl.state<Array<{ id: string; status: string; order_id: string; location_id: string; payment_requests: Array<{ computed_amount_money: { amount: number; currency: string } }> }>>('invoices');
		const request: InvoiceRequest = { requestId: `square-${backend}-${++counter}`, processor: 'square', customer: 'SQ-CUSTOMER-1', currency: 'USD', memo: 'Thanks', lines: [{ description: 'Seats', amount: 19.99, quantity: 2 }, { description: 'Setup', amount: 5 }] };
		const outcomes = await Promise.all(Array.from({ length: 3 }, () => router().invoices.create(request)));
		const sent = succeeded(outcomes[0]);
		expect(outcomes.every((outcome) => outcome.status === 'succeeded' && outcome.invoiceId === sent.invoiceId)).toBe(true);
		expect(sent).toMatchObject({ processor: 'square', state: 'open', processorStatus: 'UNPAID', totalMinor: 4498, total: '44.98', url: expect.stringContaining(sent.invoiceId) });
		expect((await squareInvoices()).map((invoice) => [invoice.id, invoice.status, invoice.payment_requests[0].computed_amount_money.amount])).toEqual([[sent.invoiceId, 'UNPAID', 4498]]);
		expect((await squareControl.state<Array<{ location_id: string }>>('orders')).map((order) => order.location_id)).toEqual(['LONLINE']);
		expect((await squareInvoices()).map((invoice) => invoice.location_id)).toEqual(['LONLINE']);

		await squareControl.fault({ kind: 'lost_response', match: { method: 'POST', path: '^/v2/invoices/[^/]+/publish$' }, times: 3 });
		const lost: InvoiceRequest = { ...request, requestId: `square-lost-${backend}-${++counter}` };
		expect(await router().invoices.create(lost)).toMatchObject({ status: 'failed', reason: 'outcome_unknown' });
		await squareControl.clearFaults();
		expect(await router().invoices.create(lost)).toMatchObject({ status: 'succeeded', state: 'open', totalMinor: 4498, replayed: false });
		expect((await squareInvoices()).map((invoice) => invoice.status)).toEqual(['UNPAID', 'UNPAID']);
		expect(await squareControl.state<unknown[]>('orders')).toHaveLength(2);

		// No location picked: refused naming it, before any order or invoice is made.
		const nowhere = await new PaymentRouter({ db: store.db, connectors: unlocated, config: defaultRoutingConfig() }).invoices.create({ ...request, requestId: `square-nowhere-${backend}-${++counter}` });
		expect(nowhere).toMatchObject({ status: 'failed', reason: 'processor_refused', code: 'LOCATION_REQUIRED', message: expect.stringContaining('Square Location (locationId)') });
		expect(await squareControl.state<unknown[]>('orders')).toHaveLength(2);
	});
});

describe('input', () => {
	test('amounts finer than the currency, bad quantities, no lines or no customer are refused naming the field and line, before any call', async () => {
		const refused = async (request: Partial<InvoiceRequest>) => {
			const error = await router().invoices.create({ requestId: `bad-${++counter}`, processor: 'stripe', customer: 'cus_x', currency: 'USD', lines: [{ description: 'A', amount: 1 }], ...request } as InvoiceRequest).catch((caught: unknown) => caught);
			expect(error).toBeInstanceOf(InputError);
			return (error as InputError).violations.map((violation) => violation.field);
		};
		expect(await refused({ lines: [{ description: 'A', amount: 1.001 }] })).toEqual(['lines[0].amount']);
		expect(await refused({ currency: 'JPY', lines: [{ description: 'A', amount: 1 }, { description: 'B', amount: 1.5 }] })).toEqual(['lines[1].amount']);
		expect(await refused({ lines: [{ description: 'A', amount: '10' as unknown as number }] })).toEqual(['lines[0].amount']);
		expect(await refused({ lines: [{ description: 'A', amount: 1, quantity: 0 }, { description: ' ', amount: 1, quantity: 1.5 }] })).toEqual(['lines[0].quantity', 'lines[1].description', 'lines[1].quantity']);
		expect(await refused({ lines: [] })).toEqual(['lines']);
		expect(await refused({ customer: '', currency: 'usd', dueInDays: 0 })).toEqual(['customer', 'currency', 'dueInDays']);
		expect(await invoices()).toEqual([]);
		expect(await router().invoices.create({ requestId: `none-${++counter}`, processor: 'braintree', customer: 'c', currency: 'USD', lines: [{ description: 'A', amount: 1 }] })).toMatchObject({ status: 'failed', reason: 'not_supported' });
	});
});
