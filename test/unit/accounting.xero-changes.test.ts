/**
 * Changes made in the Xero books, pulled with If-Modified-Since on Contacts, Invoices, CreditNotes and Payments: what
 * was created, paid or voided since the last pull, each with the source id the package recorded it under (a sale, which
 * is an invoice in Xero, as a sale); bills are left out; the bookmark moves to Xero's time of the answer, so the next
 * pull has only what changed since.
 */
import { accountingBench, xeroBooks } from '../support/accountingBench';

const bench = accountingBench('xero');

const books = () => xeroBooks(bench).books;
type XeroRecord = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const write = (method: 'PUT' | 'POST', collection: string, element: XeroRecord) =>
	xeroBooks(bench).transport.request<XeroRecord>({ method, url: `/api.xro/2.0/${collection}`, headers: { 'xero-tenant-id': bench.sandbox.credentials.tenantId }, body: { [collection]: [element] } });
/** The sandbox, like Xero, includes changes made at the bookmark's own instant (If-Modified-Since is "at or after"); tests step past it. */
const pause = () => new Promise((resolve) => setTimeout(resolve, 20));

test('what was recorded, paid and voided comes with its source id, a sale as a sale; bills are left out; the next pull has only what changed since', async () => {
	const accounting = books();
	const sale = await accounting.recordSale({ sourceId: 'order-x1', currency: 'USD', customer: { email: 'ann@example.com', name: 'Ann Lee' }, lines: [{ description: 'Mug', quantity: 2, unitPrice: '19.99' }] });
	const invoice = await accounting.createInvoice({ sourceId: 'inv-x1', currency: 'USD', customer: { email: 'ann@example.com' }, lines: [{ description: 'Retainer', unitPrice: 300 }] });
	const refund = await accounting.recordRefund({ sourceId: 'refund-x1', currency: 'USD', customer: { email: 'ann@example.com' }, lines: [{ description: 'Returned mug', unitPrice: '19.99' }] });
	// Someone else's bill (ACCPAY) is not the package's business.
	await write('PUT', 'Invoices', { Type: 'ACCPAY', Contact: { Name: 'Supplier Ltd' }, Status: 'AUTHORISED', LineItems: [{ Description: 'Paper', Quantity: 1, UnitAmount: 10, AccountCode: '200', TaxType: 'NONE' }] });
	await pause();

	const first = await accounting.pullChanges();
	const summary = (changes: typeof first.changes) => changes.map((change) => [change.kind, change.sourceId, change.externalId, change.deleted]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
	const ann = (await bench.control.state<XeroRecord[]>('contacts')).find((contact) => contact.EmailAddress === 'ann@example.com')!;
	const supplier = (await bench.control.state<XeroRecord[]>('contacts')).find((contact) => contact.Name === 'Supplier Ltd')!;
	const payment = (await bench.control.state<XeroRecord[]>('payments'))[0];
	expect(summary(first.changes)).toEqual(summary([
		{ kind: 'customer', sourceId: undefined, externalId: ann.ContactID, deleted: false },
		{ kind: 'customer', sourceId: undefined, externalId: supplier.ContactID, deleted: false },
		{ kind: 'sale', sourceId: 'order-x1', externalId: sale.externalId, deleted: false },
		{ kind: 'invoice', sourceId: 'inv-x1', externalId: invoice.externalId, deleted: false },
		{ kind: 'refund', sourceId: 'refund-x1', externalId: refund.externalId, deleted: false },
		{ kind: 'payment', sourceId: undefined, externalId: payment.PaymentID, deleted: false },
	] as typeof first.changes));
	expect(first.changes.find((change) => change.kind === 'sale')).toMatchObject({ total: '39.98', balance: '0.00', currency: 'USD' });
	expect(first.changes.find((change) => change.kind === 'customer' && change.externalId === ann.ContactID)).toMatchObject({ email: 'ann@example.com' });

	await pause();
	const quiet = await accounting.pullChanges();
	expect({ since: quiet.since, changes: quiet.changes }).toEqual({ since: first.until, changes: [] });
	await pause();
	await write('POST', 'Invoices', { InvoiceID: invoice.externalId, Status: 'VOIDED' });
	const second = await accounting.pullChanges();
	expect(second.since).toBe(quiet.until);
	expect(second.changes).toEqual([expect.objectContaining({ kind: 'invoice', sourceId: 'inv-x1', externalId: invoice.externalId, deleted: true, balance: '0.00' })]);
	// Every list was read with the bookmark as If-Modified-Since, page by page.
	const lists = (await bench.control.requests()).filter((entry) => entry.method === 'GET' && entry.query.page === '1');
	expect(lists.slice(-4).map((entry) => entry.path.split('/').at(-1))).toEqual(['Contacts', 'Invoices', 'CreditNotes', 'Payments']);
});

test('a time given by hand reads from there and leaves the bookmark alone', async () => {
	const accounting = books();
	await accounting.recordSale({ sourceId: 'order-x2', currency: 'USD', lines: [{ description: 'Mug', unitPrice: 5 }] });
	const handPicked = await accounting.pullChanges({ since: '2020-01-01T00:00:00Z' });
	expect(handPicked.changes.map((change) => change.kind).sort()).toEqual(['customer', 'payment', 'sale']);
	// No bookmark yet: the first pull reaches back 30 days and sees the same.
	expect((await accounting.pullChanges()).changes).toHaveLength(3);
});
