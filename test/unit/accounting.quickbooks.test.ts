/**
 * Accounting Sync against the QuickBooks Online sandbox: one entry per source transaction under lost responses, a
 * crash between the write and its answer, 429 storms and concurrent duplicates; customers one per email; SyncToken
 * conflicts re-read and re-applied; refusals name the field and post nothing.
 */
import { AccountingBooks } from '../../lib/accounting';
import { QuickBooksAccounting, quickBooksProfile } from '../../lib/platforms/quickbooks';
import { bearerAuth, FetchHttpClient, Transport, type RetryPolicy } from '../../lib/transport';
import { accountingBench } from '../support/accountingBench';

const bench = accountingBench('quickbooks');

function books(retry: Partial<RetryPolicy> = {}): { books: AccountingBooks; transport: Transport } {
	const transport = new Transport({
		profile: quickBooksProfile({ throttleWaitMs: 20 }),
		client: new FetchHttpClient(bearerAuth(bench.sandbox.credentials.accessToken)),
		baseUrl: bench.sandbox.baseUrl,
		accountKey: bench.sandbox.credentials.realmId,
		rateBuckets: bench.store.rateBuckets,
		concurrency: bench.store.concurrency,
		retry: { baseDelayMs: 5, maxDelayMs: 50, ...retry },
		secrets: [bench.sandbox.credentials.accessToken],
	});
	const connector = new QuickBooksAccounting(transport, { realmId: bench.sandbox.credentials.realmId });
	return { books: new AccountingBooks({ store: bench.store, connector, account: bench.sandbox.credentials.realmId }), transport };
}

const sale = (sourceId: string, extra: Record<string, unknown> = {}) => ({
	sourceId,
	currency: 'USD',
	customer: { email: 'ann@example.com', name: 'Ann Lee' },
	lines: [
		{ description: 'Mug', quantity: 2, unitPrice: '19.99', sku: 'MUG' },
		{ description: 'Poster', quantity: 1, unitPrice: 5 },
	],
	discount: '5.00',
	shipping: 4.5,
	tax: '3.10',
	...extra,
});

const state = <T = Array<Record<string, any>>>(collection: string) => bench.control.state<T>(collection); // eslint-disable-line @typescript-eslint/no-explicit-any
const posts = async (entity: string) => (await bench.control.requests()).filter((entry) => entry.method === 'POST' && entry.path.endsWith(`/${entity}`));

test('a sale is one sales receipt with exact totals; recording it again replays the first and posts nothing', async () => {
	const { books: accounting } = books();
	const first = await accounting.recordSale(sale('order-1001'));
	expect(first).toMatchObject({ kind: 'sale', platform: 'quickbooks', externalType: 'SalesReceipt', number: 'order-1001', total: '47.58', currency: 'USD', replayed: false });
	const again = await accounting.recordSale(sale('order-1001'));
	expect(again).toMatchObject({ externalId: first.externalId, replayed: true });
	const receipts = await state('salesreceipts');
	expect(receipts).toHaveLength(1);
	expect(receipts[0]).toMatchObject({ TotalAmt: 47.58, DocNumber: 'order-1001', CustomerRef: { value: first.customerId } });
	expect(await state('customers')).toHaveLength(1);
	expect(await posts('salesreceipt')).toHaveLength(1);
	expect((await bench.control.requests()).every((entry) => entry.query.minorversion === '75')).toBe(true);
});

test('a lost response is retried under the same requestid: QuickBooks replays it, one receipt', async () => {
	const { books: accounting } = books();
	await bench.control.fault({ kind: 'lost_response', match: { method: 'POST', path: '/salesreceipt$' } });
	const outcome = await accounting.recordSale(sale('order-lost'));
	expect(await state('salesreceipts')).toHaveLength(1);
	expect((await state('salesreceipts'))[0].Id).toBe(outcome.externalId);
	const sent = await posts('salesreceipt');
	expect(sent).toHaveLength(2);
	expect(sent[0].query.requestid).toBe(sent[1].query.requestid);
});

test('a write whose answer never came is looked up by its DocNumber before it is written again', async () => {
	const { books: accounting } = books({ maxAttempts: 1 });
	await bench.control.fault({ kind: 'lost_response', match: { method: 'POST', path: '/salesreceipt$' } });
	const outcome = await accounting.recordSale(sale('order-unanswered'));
	expect(await state('salesreceipts')).toHaveLength(1);
	expect(await posts('salesreceipt')).toHaveLength(1);
	expect((await bench.control.requests()).map((entry) => entry.path.split('/').pop())).toEqual(['query', 'customer', 'salesreceipt', 'query']);
	expect(outcome.number).toBe('order-unanswered');
});

test('a run that died between the write and its answer leaves it to be looked up by the next run, which writes nothing', async () => {
	const first = books({ maxAttempts: 1 });
	await first.books.upsertCustomer({ email: 'ann@example.com', name: 'Ann Lee' });
	await bench.control.fault({ kind: 'lost_response', match: { method: 'POST', path: '/salesreceipt$' } });
	// The look-up fails too, as if the process had died: nothing more is known in this run.
	await bench.control.fault({ kind: 'connection_reset', times: -1, match: { method: 'GET', path: '/query$' } });
	await expect(first.books.recordSale(sale('order-crash'))).rejects.toThrow(/no response/);
	expect(await first.books.transaction('sale', 'order-crash')).toMatchObject({ found: true, state: 'attempting' });
	await bench.control.clearFaults();
	const later = books();
	const outcome = await later.books.recordSale(sale('order-crash'));
	expect(outcome.replayed).toBe(false);
	expect(await state('salesreceipts')).toHaveLength(1);
	expect(await posts('salesreceipt')).toHaveLength(1);
	expect(await later.books.transaction('sale', 'order-crash')).toMatchObject({ state: 'recorded', externalId: outcome.externalId, total: '47.58' });
});

test('a 429 storm is waited out and the sale recorded once', async () => {
	const { books: accounting, transport } = books();
	await bench.control.fault({ kind: 'rate_limit_storm', times: 4, match: { method: 'POST', path: '/salesreceipt$' } });
	await accounting.recordSale(sale('order-storm'));
	expect(transport.stats.rateLimited).toBe(4);
	expect(await state('salesreceipts')).toHaveLength(1);
});

test('concurrent duplicates of one sale post one receipt and one customer; every caller gets its id', async () => {
	await bench.control.updateSettings({ responseDelayMs: 30 });
	const outcomes = await Promise.all(Array.from({ length: 6 }, () => books().books.recordSale(sale('order-dup'))));
	expect(new Set(outcomes.map((outcome) => outcome.externalId)).size).toBe(1);
	expect(outcomes.filter((outcome) => !outcome.replayed)).toHaveLength(1);
	expect(await state('salesreceipts')).toHaveLength(1);
	expect(await state('customers')).toHaveLength(1);
});

test('a customer is matched by email (any case) through the platform, then the ID map; never duplicated', async () => {
	await bench.control.seed({ customers: [{ DisplayName: 'Ann (imported)', PrimaryEmailAddr: { Address: 'Ann@Example.com' } }] });
	const { books: accounting } = books();
	const first = await accounting.upsertCustomer({ email: 'ann@example.com', name: 'Ann Lee', phone: '555-0100' });
	expect(first.action).toBe('updated');
	const second = await accounting.recordSale(sale('order-2'));
	expect(second.customerId).toBe(first.customerId);
	expect(await state('customers')).toHaveLength(1);
	expect((await state('customers'))[0]).toMatchObject({ PrimaryPhone: { FreeFormNumber: '555-0100' } });
	const queries = (await bench.control.requests()).filter((entry) => entry.path.endsWith('/query'));
	expect(queries).toHaveLength(1);
});

test('an update that meets edits made in QuickBooks meanwhile (stale SyncToken, 5010) re-reads and applies the change', async () => {
	const { books: accounting } = books();
	const created = await accounting.upsertCustomer({ email: 'bo@example.com', name: 'Bo' });
	expect(created.action).toBe('created');
	await bench.control.updateSettings({ concurrentEdits: 2 });
	const updated = await accounting.upsertCustomer({ email: 'bo@example.com', name: 'Bo', company: 'Bo & Co' });
	expect(updated).toMatchObject({ action: 'updated', customerId: created.customerId });
	const [customer] = await state('customers');
	expect(customer).toMatchObject({ CompanyName: 'Bo & Co', SyncToken: '3' });
	expect(await posts('customer')).toHaveLength(4);
});

test('an invoice, a payment against it (by the invoice’s source id) and the invoice’s balance read back', async () => {
	const { books: accounting } = books();
	const invoice = await accounting.createInvoice({ sourceId: 'inv-1', currency: 'USD', customer: { email: 'cy@example.com' }, lines: [{ description: 'Consulting', quantity: '1.5', unitPrice: 100 }], dueDate: '2026-12-31' });
	expect(invoice).toMatchObject({ externalType: 'Invoice', total: '150.00' });
	const payment = await accounting.recordPayment({ sourceId: 'pay-1', currency: 'USD', amount: 100, invoiceSourceId: 'inv-1' });
	expect(payment).toMatchObject({ externalType: 'Payment', total: '100.00' });
	expect(await accounting.recordPayment({ sourceId: 'pay-1', currency: 'USD', amount: 100, invoiceSourceId: 'inv-1' })).toMatchObject({ replayed: true });
	expect(await accounting.transaction('invoice', 'inv-1', { refresh: true })).toMatchObject({ state: 'recorded', total: '150.00', balance: '50.00' });
	await expect(accounting.recordPayment({ sourceId: 'pay-2', currency: 'USD', amount: 1, invoiceSourceId: 'inv-unknown' })).rejects.toThrow(/invoiceSourceId names no invoice/);
});

test('a refund is a refund receipt paid from the company’s bank account', async () => {
	const { books: accounting } = books();
	const refund = await accounting.recordRefund({ sourceId: 'refund-1', currency: 'USD', lines: [{ description: 'Returned mug', unitPrice: '19.99' }] });
	expect(refund).toMatchObject({ externalType: 'RefundReceipt', total: '19.99' });
	expect((await state('refundreceipts'))[0].DepositToAccountRef).toEqual({ value: '35' });
});

test('bad input names the field and sends nothing; a refused entry is posted once corrected', async () => {
	const { books: accounting } = books();
	await expect(accounting.recordSale(sale('order-bad', { lines: [{ unitPrice: '1.001' }] }))).rejects.toThrow(/lines\[0\]\.unitPrice has more decimal places than USD allows/);
	await expect(accounting.recordSale(sale('order-bad', { currency: 'usd-ish' }))).rejects.toThrow(/currency must be an ISO 4217/);
	await expect(accounting.recordSale(sale('order-bad', { lines: [{ unitPrice: '1,5' }] }))).rejects.toThrow(/lines\[0\]\.unitPrice must be an amount/);
	expect(await bench.control.requests()).toHaveLength(0);
	const refused = sale('order-refused', { lines: [{ unitPrice: 10, sku: 'GHOST' }] });
	const withBadItem = new QuickBooksAccounting(books().transport, { realmId: bench.sandbox.credentials.realmId, items: { GHOST: '999' } });
	const strict = new AccountingBooks({ store: bench.store, connector: withBadItem, account: bench.sandbox.credentials.realmId });
	await expect(strict.recordSale(refused)).rejects.toThrow(/Invalid Reference Id/);
	expect(await strict.transaction('sale', 'order-refused')).toMatchObject({ state: 'refused', lastError: expect.stringContaining('Invalid Reference Id') });
	expect(await accounting.recordSale(refused)).toMatchObject({ replayed: false, total: '12.60' });
	expect(await state('salesreceipts')).toHaveLength(1);
});
