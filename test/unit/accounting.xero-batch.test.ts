/**
 * Accounting Sync batches on Xero: many sales in one PUT of invoices and one PUT of payments (at most 50 elements each,
 * summarizeErrors=false), each element's validation errors failing that element alone, and each source transaction
 * recorded once under a lost batch answer (replayed by its Idempotency-Key, or looked up by invoice number when the
 * run gave up), duplicates inside a batch and concurrent batches sharing source ids.
 */
import type { EntryResult } from '../../lib/accounting';
import type { XeroSettings } from '../../lib/platforms/xero';
import type { RetryPolicy } from '../../lib/transport';
import { accountingBench, xeroBooks } from '../support/accountingBench';

const bench = accountingBench('xero');

const books = (retry: Partial<RetryPolicy> = {}, settings: Partial<XeroSettings> = {}, maxAttempts?: number) => xeroBooks(bench, { retry, settings, maxAttempts }).books;

const sale = (sourceId: string, extra: Record<string, unknown> = {}) => ({
	sourceId,
	currency: 'USD',
	customer: { email: `buyer-${Number(sourceId.replace(/\D/g, '') || 0) % 3}@example.com` },
	lines: [{ description: 'Mug', quantity: 2, unitPrice: '19.99' }],
	shipping: '4.50',
	...extra,
});
const sales = (count: number, prefix = 'order-') => Array.from({ length: count }, (_, index) => sale(`${prefix}${index}`));

type Rows = Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
const state = (collection: string) => bench.control.state<Rows>(collection);
const sent = async (method: string, collection: string) => (await bench.control.requests()).filter((entry) => entry.method === method && entry.path === `/api.xro/2.0/${collection}`);
const outcomes = (results: EntryResult[]) => results.map((result) => ('outcome' in result ? result.outcome : undefined));
const countBy = (rows: Rows, field: string) => rows.reduce((counts, row) => counts.set(row[field], (counts.get(row[field]) ?? 0) + 1), new Map<string, number>());

test('120 sales go as 3 PUTs of at most 50 invoices and 3 of payments, summarizeErrors=false; every invoice paid once', async () => {
	const results = await books().recordMany('sale', sales(120));
	expect(results.every((result) => 'outcome' in result)).toBe(true);
	const invoicePuts = await sent('PUT', 'Invoices');
	const paymentPuts = await sent('PUT', 'Payments');
	expect(invoicePuts.map((entry) => (entry.body as Rows[number]).Invoices.length)).toEqual([50, 50, 20]);
	expect(paymentPuts.map((entry) => (entry.body as Rows[number]).Payments.length)).toEqual([50, 50, 20]);
	expect([...invoicePuts, ...paymentPuts].every((entry) => entry.query.summarizeErrors === 'false')).toBe(true);
	const invoices = await state('invoices');
	expect(invoices).toHaveLength(120);
	expect(invoices.every((invoice) => invoice.Status === 'PAID' && invoice.AmountDue === 0 && invoice.Total === 44.48)).toBe(true);
	expect(await state('payments')).toHaveLength(120);
	expect(await state('contacts')).toHaveLength(3);
	expect(outcomes(results).map((outcome) => outcome?.number)).toEqual(sales(120).map((entry) => entry.sourceId));
});

test('an element Xero refuses fails alone with Xero’s message; the rest of the batch is recorded; sent again corrected it is recorded', async () => {
	const items = sales(5);
	items[2] = sale('order-2', { lines: [{ description: 'Mug', unitPrice: 10, taxCode: 'bogus' }] });
	const accounting = books({}, { taxCodes: { bogus: 'NO_SUCH_TAX' } });
	const results = await accounting.recordMany('sale', items);
	expect(results.map((result) => ('outcome' in result ? 'ok' : 'error'))).toEqual(['ok', 'ok', 'error', 'ok', 'ok']);
	expect(String((results[2] as { error: Error }).error.message)).toMatch(/TaxType code 'NO_SUCH_TAX' does not exist/);
	expect(await accounting.transaction('sale', 'order-2')).toMatchObject({ state: 'refused' });
	expect((await state('invoices')).map((invoice) => invoice.InvoiceNumber).sort()).toEqual(['order-0', 'order-1', 'order-3', 'order-4']);
	const again = await books().recordMany('sale', [sale('order-2'), sale('order-3')]);
	expect(outcomes(again).map((outcome) => outcome?.replayed)).toEqual([false, true]);
	expect(await state('invoices')).toHaveLength(5);
	expect(await state('payments')).toHaveLength(5);
});

test('a lost answer to a batch of invoices and one of payments: the transport’s retry is replayed under the Idempotency-Key, nothing doubles', async () => {
	await bench.control.fault({ kind: 'lost_response', match: { method: 'PUT', path: '/Invoices$' } });
	await bench.control.fault({ kind: 'lost_response', match: { method: 'PUT', path: '/Payments$' } });
	const results = await books().recordMany('sale', sales(30));
	expect(results.every((result) => 'outcome' in result)).toBe(true);
	expect((await sent('PUT', 'Invoices')).map((entry) => entry.status)).toEqual([200, 200]);
	expect(await state('invoices')).toHaveLength(30);
	expect(await state('payments')).toHaveLength(30);
	expect([...countBy(await state('payments'), 'Reference').values()].every((count) => count === 1)).toBe(true);
});

test('a batch whose answer never came (the run gave up): the next run finds the invoices by number, pays them, and posts no invoice twice', async () => {
	await bench.control.fault({ kind: 'lost_response', times: -1, match: { method: 'PUT', path: '/Payments$' } });
	await bench.control.fault({ kind: 'connection_reset', times: -1, match: { method: 'GET', path: '/Invoices$' } });
	const first = await books({ maxAttempts: 1 }, {}, 1).recordMany('sale', sales(12));
	expect(first.every((result) => 'error' in result)).toBe(true);
	// The payments landed for all 12, their answer was lost; nothing was recorded as done.
	expect(await state('payments')).toHaveLength(12);
	await bench.control.clearFaults();
	const accounting = books();
	expect((await accounting.transaction('sale', 'order-5')).found && (await accounting.transaction('sale', 'order-5'))).toMatchObject({ state: 'attempting' });
	const second = await accounting.recordMany('sale', sales(12));
	expect(outcomes(second).every((outcome) => outcome && !outcome.replayed)).toBe(true);
	expect(await state('invoices')).toHaveLength(12);
	expect(await state('payments')).toHaveLength(12);
	// Looked up in one request by number, before anything was sent again.
	const lookups = await sent('GET', 'Invoices');
	expect(lookups.at(-1)!.query.InvoiceNumbers).toBe(sales(12).map((entry) => entry.sourceId).join(','));
	expect((await sent('PUT', 'Invoices')).filter((entry) => entry.status === 200)).toHaveLength(1);
});

test('a batch whose invoices landed but whose payments did not (run gave up): the next run pays each invoice once', async () => {
	await bench.control.fault({ kind: 'connection_reset', times: -1, match: { method: 'PUT', path: '/Payments$' } });
	await bench.control.fault({ kind: 'connection_reset', times: -1, match: { method: 'GET', path: '/Invoices$' } });
	await books({ maxAttempts: 1 }, {}, 1).recordMany('sale', sales(7));
	expect((await state('invoices')).every((invoice) => invoice.Status === 'AUTHORISED')).toBe(true);
	await bench.control.clearFaults();
	const second = await books().recordMany('sale', sales(7));
	expect(second.every((result) => 'outcome' in result)).toBe(true);
	expect(await state('invoices')).toHaveLength(7);
	expect((await state('invoices')).every((invoice) => invoice.Status === 'PAID')).toBe(true);
	expect(await state('payments')).toHaveLength(7);
});

test('a source id twice in one batch and two batches at once sharing source ids: one invoice and one payment each', async () => {
	await bench.control.updateSettings({ responseDelayMs: 20 });
	const items = [...sales(8), sale('order-3'), sale('order-0')];
	const [left, right] = await Promise.all([books().recordMany('sale', items), books().recordMany('sale', [...sales(8)].reverse())]);
	expect(left.every((result) => 'outcome' in result) && right.every((result) => 'outcome' in result)).toBe(true);
	expect(outcomes(left).slice(8).map((outcome) => outcome?.replayed)).toEqual([true, true]);
	const invoices = await state('invoices');
	expect(invoices).toHaveLength(8);
	expect([...countBy(invoices, 'InvoiceNumber').values()].every((count) => count === 1)).toBe(true);
	expect(await state('payments')).toHaveLength(8);
	const ids = new Map(outcomes(left).map((outcome) => [outcome!.sourceId, outcome!.externalId]));
	expect(outcomes(right).every((outcome) => ids.get(outcome!.sourceId) === outcome!.externalId)).toBe(true);
});

test('refunds, invoices and payments batch too: credit notes and payments found by reference with one OR query', async () => {
	const accounting = books();
	const refunds = Array.from({ length: 3 }, (_, index) => ({ sourceId: `refund-${index}`, currency: 'USD', customer: { email: 'ann@example.com' }, lines: [{ description: 'Returned', unitPrice: 5 }] }));
	expect((await accounting.recordMany('refund', refunds)).every((result) => 'outcome' in result)).toBe(true);
	const invoices = Array.from({ length: 3 }, (_, index) => ({ sourceId: `inv-${index}`, currency: 'USD', customer: { email: 'ann@example.com' }, lines: [{ description: 'Retainer', unitPrice: 100 }] }));
	expect((await accounting.recordMany('invoice', invoices)).every((result) => 'outcome' in result)).toBe(true);
	await bench.control.fault({ kind: 'lost_response', times: -1, match: { method: 'PUT', path: '/Payments$' } });
	await bench.control.fault({ kind: 'connection_reset', times: -1, match: { method: 'GET', path: '/Payments$' } });
	const payments = Array.from({ length: 3 }, (_, index) => ({ sourceId: `pay-${index}`, currency: 'USD', amount: '40.00', invoiceSourceId: `inv-${index}` }));
	const lost = await books({ maxAttempts: 1 }, {}, 1).recordMany('payment', payments);
	expect(lost.every((result) => 'error' in result)).toBe(true);
	await bench.control.clearFaults();
	const found = await books().recordMany('payment', payments);
	expect(outcomes(found).map((outcome) => outcome?.total)).toEqual(['40.00', '40.00', '40.00']);
	expect(await state('payments')).toHaveLength(3);
	expect((await sent('GET', 'Payments')).at(-1)!.query.where).toBe('Reference=="pay-0" OR Reference=="pay-1" OR Reference=="pay-2"');
	expect(await state('creditnotes')).toHaveLength(3);
	expect((await state('invoices')).map((invoice) => invoice.AmountDue)).toEqual([60, 60, 60]);
});

test('an input that fails its checks fails alone, naming the field; nothing is posted for it', async () => {
	const results = await books().recordMany('sale', [sale('order-0'), sale('order-1', { lines: [{ unitPrice: '1.001' }] })]);
	expect('outcome' in results[0]).toBe(true);
	expect(String((results[1] as { error: Error }).error.message)).toMatch(/lines\[0\]\.unitPrice has more decimal places than USD allows/);
	expect(await state('invoices')).toHaveLength(1);
});

test('a batch’s buyers are looked up 25 emails a request in any case and the new ones created in one PUT: no duplicate contact under mixed-case emails', async () => {
	// Xero holds one buyer under a mixed-case email, and a contact without one (a lowered look-up must not trip on it).
	await bench.control.seed({ contacts: [{ Name: 'Ann Lee', EmailAddress: 'Ann.Lee@Example.com' }, { Name: 'Walk-in' }] });
	const buyers = ['ANN.LEE@EXAMPLE.COM', 'ann.lee@example.com', ...Array.from({ length: 40 }, (_, index) => `Buyer-${index}@Example.com`), 'buyer-7@example.COM'];
	const items = buyers.map((email, index) => sale(`order-${index}`, { customer: { email, name: `Buyer ${index}` } }));
	const results = await books().recordMany('sale', items);
	expect(results.every((result) => 'outcome' in result)).toBe(true);
	const contacts = await state('contacts');
	const byEmail = countBy(contacts.filter((contact) => contact.EmailAddress), 'EmailAddress');
	expect(contacts.filter((contact) => String(contact.EmailAddress).toLowerCase() === 'ann.lee@example.com')).toHaveLength(1);
	expect(contacts.filter((contact) => String(contact.EmailAddress).toLowerCase() === 'buyer-7@example.com')).toHaveLength(1);
	expect(byEmail.size).toBe(41);
	const annId = contacts.find((contact) => contact.EmailAddress === 'Ann.Lee@Example.com')!.ContactID;
	expect(outcomes(results).slice(0, 2).map((outcome) => outcome?.customerId)).toEqual([annId, annId]);
	// 41 distinct buyers: two look-ups of at most 25 emails (lowered, each guarded against contacts without one), one PUT of the 40 new ones.
	const lookups = await sent('GET', 'Contacts');
	expect(lookups).toHaveLength(2);
	expect(lookups[0].query.where).toMatch(/^EmailAddress!=null&&EmailAddress\.ToLower\(\)=="ann\.lee@example\.com" OR EmailAddress!=null&&EmailAddress\.ToLower\(\)=="buyer-0@example\.com"/);
	expect((await sent('PUT', 'Contacts')).map((entry) => (entry.body as Rows[number]).Contacts.length)).toEqual([40]);
	// The next batch of the same buyers (any case) asks Xero nothing about them.
	await books().recordMany('sale', [sale('order-100', { customer: { email: 'BUYER-3@example.com' } })]);
	expect(await sent('GET', 'Contacts')).toHaveLength(2);
	expect(await state('contacts')).toHaveLength(contacts.length);
});

test('namesakes among new buyers: one of a contact Xero has, and two in the same batch, get their email beside the name; none is refused', async () => {
	await bench.control.seed({ contacts: [{ Name: 'Pat Kim', EmailAddress: 'pat@old.example' }] });
	const buyers = [['sam@a.example', 'Sam Jones'], ['sam@b.example', 'Sam Jones'], ['pat@new.example', 'Pat Kim']];
	const results = await books().recordMany('sale', buyers.map(([email, name], index) => sale(`order-${index}`, { customer: { email, name } })));
	expect(results.every((result) => 'outcome' in result)).toBe(true);
	expect((await state('contacts')).map((contact) => contact.Name).sort()).toEqual(['Pat Kim', 'Pat Kim (pat@new.example)', 'Sam Jones', 'Sam Jones (sam@b.example)']);
});
