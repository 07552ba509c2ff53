/**
 * Changes made in the QuickBooks books, pulled through change data capture: documents edited or deleted and customers
 * changed since the last pull, each with the source id the package recorded it under; the bookmark moves with each
 * pull, a time given by hand does not move it, a bad time is refused naming the field, and platforms without change
 * data capture say so (FreshBooks).
 */
import { AccountingBooks } from '../../lib/accounting';
import { QuickBooksAccounting, quickBooksProfile } from '../../lib/platforms/quickbooks';
import { FreshBooksAccounting, freshBooksProfile } from '../../lib/platforms/freshbooks';
import { bearerAuth, FetchHttpClient, Transport } from '../../lib/transport';
import { accountingBench } from '../support/accountingBench';

const bench = accountingBench('quickbooks');
let transport: Transport;
beforeEach(() => {
	transport = new Transport({ profile: quickBooksProfile({ throttleWaitMs: 20 }), client: new FetchHttpClient(bearerAuth(bench.sandbox.credentials.accessToken)), baseUrl: bench.sandbox.baseUrl, accountKey: bench.sandbox.credentials.realmId, concurrency: bench.store.concurrency });
});

const books = () => new AccountingBooks({ store: bench.store, connector: new QuickBooksAccounting(transport, { realmId: bench.sandbox.credentials.realmId }), account: bench.sandbox.credentials.realmId });
const company = (path: string) => `/v3/company/${bench.sandbox.credentials.realmId}/${path}`;
type QboRecord = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const read = async (path: string, entity: string, id: string) => (await transport.request<QboRecord>({ method: 'GET', url: company(`${path}/${id}`), qs: { minorversion: '75' } }))[entity] as QboRecord;
/** The sandbox, like QuickBooks, includes changes made at the bookmark's own instant; tests step past it. */
const nextMillisecond = () => new Promise((resolve) => setTimeout(resolve, 3));
const post = (path: string, body: unknown, qs: Record<string, string> = {}) => transport.request<QboRecord>({ method: 'POST', url: company(path), qs: { minorversion: '75', ...qs }, body });

test('edits and deletions made in the books come with the source id they were recorded under; the next pull has only what changed since', async () => {
	const accounting = books();
	const invoice = await accounting.createInvoice({ sourceId: 'inv-cdc-1', currency: 'USD', customer: { email: 'cy@example.com', name: 'Cy' }, lines: [{ description: 'Retainer', unitPrice: 300 }] });
	const sale = await accounting.recordSale({ sourceId: 'sale-cdc-1', currency: 'USD', lines: [{ description: 'Mug', unitPrice: '19.99' }] });
	await nextMillisecond();
	const first = await accounting.pullChanges();
	await nextMillisecond();
	expect(first.changes.map((change) => [change.kind, change.sourceId ?? change.email])).toEqual(expect.arrayContaining([
		['customer', 'cy@example.com'],
		['invoice', 'inv-cdc-1'],
		['sale', 'sale-cdc-1'],
	]));
	expect(first.changes.find((change) => change.kind === 'invoice')).toMatchObject({ externalId: invoice.externalId, externalType: 'Invoice', total: '300.00', balance: '300.00', deleted: false });

	// Someone edits the invoice in QuickBooks and deletes the sales receipt.
	const current = await read('invoice', 'Invoice', invoice.externalId);
	await post('invoice', { Id: current.Id, SyncToken: current.SyncToken, sparse: true, DueDate: '2027-01-31' });
	const receipt = await read('salesreceipt', 'SalesReceipt', sale.externalId);
	await post('salesreceipt', { Id: receipt.Id, SyncToken: receipt.SyncToken }, { operation: 'delete' });
	await nextMillisecond();
	const second = await accounting.pullChanges();
	await nextMillisecond();
	expect(second.since).toBe(first.until);
	expect(second.changes.map((change) => [change.kind, change.sourceId, change.deleted])).toEqual([
		['invoice', 'inv-cdc-1', false],
		['sale', 'sale-cdc-1', true],
	]);
	expect((await accounting.pullChanges()).changes).toEqual([]);
	// A time given by hand reads again from there, and leaves the bookmark where it was.
	expect((await accounting.pullChanges({ since: first.since })).changes.length).toBeGreaterThanOrEqual(3);
	expect((await accounting.pullChanges()).changes).toEqual([]);
	const cdcCalls = (await bench.control.requests()).filter((entry) => entry.path.endsWith('/cdc'));
	expect(cdcCalls[0].query).toMatchObject({ entities: 'Customer,SalesReceipt,RefundReceipt,Invoice,Payment', minorversion: '75' });
});

test('a time that is not ISO 8601 is refused naming Changed Since; FreshBooks says it offers no list of changes', async () => {
	await expect(books().pullChanges({ since: 'yesterday' })).rejects.toThrow(/changedSince must be a date or date-time as ISO 8601/);
	const freshbooks = new AccountingBooks({ store: bench.store, connector: new FreshBooksAccounting(new Transport({ profile: freshBooksProfile(), client: new FetchHttpClient(bearerAuth('x')), baseUrl: 'http://127.0.0.1:9', accountKey: 'a', concurrency: bench.store.concurrency }), { accountId: 'a' }), account: 'a' });
	await expect(freshbooks.pullChanges()).rejects.toThrow(/Pulling changes from freshbooks is not supported: its API offers no complete list of what changed since a time \(QuickBooks Online, Xero only\)/);
	expect(await bench.control.requests()).toEqual([]);
});
