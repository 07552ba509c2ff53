/**
 * Accounting Sync against the FreshBooks sandbox, which takes no idempotency key: a create whose answer was lost is
 * looked up (invoice by number, payment by its note, client by email) before it is sent again, so lost responses,
 * 5xx answers, a run dying between invoice and payment, and concurrent duplicates still leave one of each.
 */
import { AccountingBooks } from '../../lib/accounting';
import { FreshBooksAccounting, freshBooksProfile } from '../../lib/platforms/freshbooks';
import { bearerAuth, FetchHttpClient, Transport, type RetryPolicy } from '../../lib/transport';
import { accountingBench } from '../support/accountingBench';

const bench = accountingBench('freshbooks');

function books(retry: Partial<RetryPolicy> = {}): AccountingBooks {
	const transport = new Transport({
		profile: freshBooksProfile(),
		client: new FetchHttpClient(bearerAuth(bench.sandbox.credentials.accessToken)),
		baseUrl: bench.sandbox.baseUrl,
		accountKey: bench.sandbox.credentials.accountId,
		rateBuckets: bench.store.rateBuckets,
		retry: { baseDelayMs: 5, maxDelayMs: 50, ...retry },
		secrets: [bench.sandbox.credentials.accessToken],
	});
	return new AccountingBooks({ store: bench.store, connector: new FreshBooksAccounting(transport, { accountId: bench.sandbox.credentials.accountId }), account: bench.sandbox.credentials.accountId });
}

const sale = (sourceId: string) => ({ sourceId, currency: 'USD', customer: { email: 'ann@example.com', name: 'Ann Lee' }, lines: [{ description: 'Mug', quantity: 2, unitPrice: '19.99' }], shipping: 4, tax: '2.50' });

type Rows = Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
const state = (collection: string) => bench.control.state<Rows>(collection);
const posts = async (path: string) => (await bench.control.requests()).filter((entry) => entry.method === 'POST' && entry.path.endsWith(path));

test('a sale is an invoice numbered with the order and a payment of its total; recorded again it posts nothing', async () => {
	const accounting = books();
	const first = await accounting.recordSale(sale('order-1'));
	expect(first).toMatchObject({ platform: 'freshbooks', externalType: 'invoice', number: 'order-1', total: '46.48', replayed: false });
	expect(await accounting.recordSale(sale('order-1'))).toMatchObject({ replayed: true, externalId: first.externalId });
	expect(await state('invoices')).toEqual([expect.objectContaining({ invoice_number: 'order-1', outstanding: { amount: '0.00', code: 'USD' } })]);
	expect(await state('payments')).toEqual([expect.objectContaining({ note: 'order-1', amount: { amount: '46.48', code: 'USD' } })]);
	expect(await state('clients')).toHaveLength(1);
});

test('lost responses on the client, the invoice and the payment are looked up, never sent twice', async () => {
	for (const path of ['/users/clients$', '/invoices/invoices$', '/payments/payments$']) await bench.control.fault({ kind: 'lost_response', match: { method: 'POST', path } });
	await books().recordSale(sale('order-lost'));
	expect(await state('clients')).toHaveLength(1);
	expect(await state('invoices')).toHaveLength(1);
	expect(await state('payments')).toHaveLength(1);
	expect(await posts('/invoices/invoices')).toHaveLength(1);
	expect(await posts('/payments/payments')).toHaveLength(1);
});

test('a 503 on the invoice (it may have landed) is looked up before the invoice is sent again', async () => {
	await bench.control.fault({ kind: 'error', status: 503, match: { method: 'POST', path: '/invoices/invoices$' } });
	await books().recordSale(sale('order-503'));
	expect(await posts('/invoices/invoices')).toHaveLength(2);
	expect(await state('invoices')).toHaveLength(1);
});

test('a run that died between the invoice and its payment: the next run finds the invoice and pays it', async () => {
	await bench.control.fault({ kind: 'connection_reset', times: -1, match: { method: 'POST', path: '/payments/payments$' } });
	await expect(books({ maxAttempts: 1 }).recordSale(sale('order-half'))).rejects.toThrow();
	await bench.control.clearFaults();
	await books().recordSale(sale('order-half'));
	expect(await state('invoices')).toEqual([expect.objectContaining({ outstanding: { amount: '0.00', code: 'USD' } })]);
	expect(await state('payments')).toHaveLength(1);
});

test('concurrent duplicates post one client, one invoice and one payment', async () => {
	const outcomes = await Promise.all(Array.from({ length: 5 }, () => books().recordSale(sale('order-dup'))));
	expect(new Set(outcomes.map((outcome) => outcome.externalId)).size).toBe(1);
	expect(await state('clients')).toHaveLength(1);
	expect(await state('invoices')).toHaveLength(1);
	expect(await state('payments')).toHaveLength(1);
});

test('an invoice and a payment against it, a refund credit note, and a refused entry naming FreshBooks’ field', async () => {
	const accounting = books();
	await accounting.createInvoice({ sourceId: 'inv-1', currency: 'USD', customer: { email: 'cy@example.com' }, lines: [{ description: 'Retainer', unitPrice: 300 }], dueDate: '2026-12-31' });
	expect(await accounting.recordPayment({ sourceId: 'pay-1', currency: 'USD', amount: 100, invoiceSourceId: 'inv-1' })).toMatchObject({ total: '100.00' });
	expect(await accounting.transaction('invoice', 'inv-1', { refresh: true })).toMatchObject({ balance: '200.00' });
	expect(await accounting.recordRefund({ sourceId: 'refund-1', currency: 'USD', customer: { email: 'cy@example.com' }, lines: [{ description: 'Returned', unitPrice: 20 }] })).toMatchObject({ externalType: 'credit_note', total: '20.00' });
	await expect(accounting.recordPayment({ sourceId: 'pay-2', currency: 'USD', amount: 500, invoiceSourceId: 'inv-1' })).rejects.toThrow(/exceeds the outstanding amount of the invoice\. \(amount\)/);
	expect(await accounting.transaction('payment', 'pay-2')).toMatchObject({ state: 'refused' });
});
