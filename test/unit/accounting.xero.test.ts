/**
 * Accounting Sync against the Xero sandbox: a sale is an authorised invoice plus its payment, once per source
 * transaction under lost responses, a run dying between the invoice and its payment, 429 storms (Retry-After) and
 * concurrent duplicates; customers matched by email; Xero's validation errors refuse the entry naming the problem.
 */
import type { XeroSettings } from '../../lib/platforms/xero';
import type { RetryPolicy } from '../../lib/transport';
import { accountingBench, xeroBooks } from '../support/accountingBench';

const bench = accountingBench('xero');

const books = (retry: Partial<RetryPolicy> = {}, settings: Partial<XeroSettings> = {}) => xeroBooks(bench, { retry, settings });

const sale = (sourceId: string, extra: Record<string, unknown> = {}) => ({
	sourceId,
	currency: 'USD',
	customer: { email: 'ann@example.com', name: 'Ann Lee' },
	lines: [{ description: 'Mug', quantity: 2, unitPrice: '19.99' }],
	discount: 5,
	shipping: '4.50',
	tax: '3.10',
	...extra,
});

type Rows = Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
const state = (collection: string) => bench.control.state<Rows>(collection);
const writes = async (collection: string) => (await bench.control.requests()).filter((entry) => entry.method === 'PUT' && entry.path.endsWith(`/${collection}`));

test('a sale is an authorised invoice numbered with the order and paid in full; recorded again it posts nothing', async () => {
	const { books: accounting } = books();
	const first = await accounting.recordSale(sale('order-1001'));
	expect(first).toMatchObject({ platform: 'xero', externalType: 'ACCREC', number: 'order-1001', total: '42.58', replayed: false });
	expect(await accounting.recordSale(sale('order-1001'))).toMatchObject({ replayed: true, externalId: first.externalId });
	const [invoice] = await state('invoices');
	expect(invoice).toMatchObject({ InvoiceNumber: 'order-1001', Status: 'PAID', Total: 42.58, AmountDue: 0, Contact: { ContactID: first.customerId } });
	expect(await state('payments')).toHaveLength(1);
	expect(await state('contacts')).toHaveLength(1);
	const sent = await bench.control.requests();
	expect(sent.filter((entry) => entry.method !== 'GET').every((entry) => entry.path.startsWith('/api.xro/2.0/'))).toBe(true);
});

test('lost responses on the invoice and on the payment are replayed under their Idempotency-Keys: one invoice, one payment', async () => {
	const { books: accounting } = books();
	await bench.control.fault({ kind: 'lost_response', match: { method: 'PUT', path: '/Invoices$' } });
	await bench.control.fault({ kind: 'lost_response', match: { method: 'PUT', path: '/Payments$' } });
	await accounting.recordSale(sale('order-lost'));
	expect(await state('invoices')).toHaveLength(1);
	expect(await state('payments')).toHaveLength(1);
	expect(await writes('Invoices')).toHaveLength(2);
});

test('a run that died after the invoice landed but before its payment: the next run pays it, never a second invoice', async () => {
	const first = books({ maxAttempts: 1 });
	await bench.control.fault({ kind: 'connection_reset', times: -1, match: { method: 'PUT', path: '/Payments$' } });
	await bench.control.fault({ kind: 'connection_reset', times: -1, match: { method: 'GET', path: '/Invoices' } });
	await expect(first.books.recordSale(sale('order-half'))).rejects.toThrow(/no response/);
	expect(await state('invoices')).toEqual([expect.objectContaining({ Status: 'AUTHORISED', AmountDue: 42.58 })]);
	await bench.control.clearFaults();
	const outcome = await books().books.recordSale(sale('order-half'));
	expect(outcome).toMatchObject({ number: 'order-half', total: '42.58' });
	expect(await state('invoices')).toEqual([expect.objectContaining({ Status: 'PAID', AmountDue: 0 })]);
	expect(await state('payments')).toHaveLength(1);
});

test('a 429 storm (the app-wide limit) is waited out as Retry-After says, and the sale recorded once', async () => {
	const { books: accounting, transport } = books();
	await bench.control.fault({ kind: 'rate_limit_storm', times: 2, ms: 200, match: { method: 'PUT', path: '/Invoices$' } });
	await accounting.recordSale(sale('order-storm'));
	expect(transport.stats.rateLimited).toBe(2);
	const invoicePuts = await writes('Invoices');
	expect(invoicePuts.map((entry) => entry.status)).toEqual([429, 429, 200]);
	expect(await state('invoices')).toHaveLength(1);
});

test('concurrent duplicates post one invoice, one payment and one contact', async () => {
	await bench.control.updateSettings({ responseDelayMs: 20 });
	const outcomes = await Promise.all(Array.from({ length: 5 }, () => books().books.recordSale(sale('order-dup'))));
	expect(new Set(outcomes.map((outcome) => outcome.externalId)).size).toBe(1);
	expect(await state('invoices')).toHaveLength(1);
	expect(await state('payments')).toHaveLength(1);
	expect(await state('contacts')).toHaveLength(1);
	expect((await state('connections') as unknown as { peak: number }).peak).toBeLessThanOrEqual(5);
});

test('customers are matched by email; an invoice, its payment and a refund credit note are recorded once each', async () => {
	await bench.control.seed({ contacts: [{ Name: 'Cy (imported)', EmailAddress: 'Cy@Example.com' }] });
	const { books: accounting } = books();
	const customer = await accounting.upsertCustomer({ email: 'cy@example.com', name: 'Cy Young', phone: '555-0101' });
	expect(customer.action).toBe('updated');
	expect(await state('contacts')).toEqual([expect.objectContaining({ Name: 'Cy (imported)', Phones: [{ PhoneType: 'DEFAULT', PhoneNumber: '555-0101' }] })]);
	await accounting.createInvoice({ sourceId: 'inv-1', currency: 'USD', customer: { email: 'cy@example.com' }, lines: [{ description: 'Retainer', unitPrice: 300 }], dueDate: '2026-12-31' });
	expect(await accounting.recordPayment({ sourceId: 'pay-1', currency: 'USD', amount: '120.00', invoiceSourceId: 'inv-1' })).toMatchObject({ externalType: 'Payment', total: '120.00' });
	expect(await accounting.transaction('invoice', 'inv-1', { refresh: true })).toMatchObject({ balance: '180.00', status: 'AUTHORISED' });
	expect(await accounting.recordRefund({ sourceId: 'refund-1', currency: 'USD', customer: { email: 'cy@example.com' }, lines: [{ description: 'Returned', unitPrice: 20 }] })).toMatchObject({ externalType: 'ACCRECCREDIT', number: 'refund-1' });
	expect(await state('contacts')).toHaveLength(1);
});

test('Xero’s validation errors refuse the entry with Xero’s message; posted again corrected, it is recorded', async () => {
	const wrong = books({}, { salesAccount: '999' });
	await expect(wrong.books.recordSale(sale('order-refused'))).rejects.toThrow(/Account code '999' is not a valid code/);
	expect(await wrong.books.transaction('sale', 'order-refused')).toMatchObject({ state: 'refused' });
	expect(await books().books.recordSale(sale('order-refused'))).toMatchObject({ replayed: false, total: '42.58' });
	expect(await state('invoices')).toHaveLength(1);
});
