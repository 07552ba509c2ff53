/** The QuickBooks Online sandbox behaves as Intuit documents the Accounting API v3 (PLATFORMS.md, Intuit's docs). */
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';
import { callApi, type ApiReply } from '../support/http';
import { QBO_CONCURRENT_LIMIT } from '.';

let qbo: RunningSandbox;
let control: SandboxControl;
let company: string;

beforeAll(async () => {
	qbo = await startSandbox('quickbooks');
	control = new SandboxControl(qbo.baseUrl);
	company = `/v3/company/${qbo.credentials.realmId}`;
});
afterAll(() => qbo.close());
beforeEach(() => control.reset());

const api = (path: string, call: { method?: string; body?: unknown; token?: string } = {}): Promise<ApiReply> =>
	callApi(qbo.baseUrl, `${company}${path}`, { token: qbo.credentials.accessToken, ...call });

const saleBody = (extra: Record<string, unknown> = {}) => ({
	Line: [
		{ Amount: 39.98, DetailType: 'SalesItemLineDetail', Description: 'Mug', SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 2, UnitPrice: 19.99, TaxCodeRef: { value: 'TAX' } } },
		{ Amount: 5, DetailType: 'DiscountLineDetail', DiscountLineDetail: { PercentBased: false } },
	],
	TxnTaxDetail: { TotalTax: 2.8 },
	...extra,
});

test('a sales receipt is created with QBO totals: lines − discount + tax, a subtotal line, Id and SyncToken 0', async () => {
	const reply = await api('/salesreceipt?minorversion=75', { method: 'POST', body: saleBody({ DocNumber: 'order-1' }) });
	expect(reply.status).toBe(200);
	expect(reply.headers.get('intuit_tid')).toBeTruthy();
	expect(reply.body.SalesReceipt).toMatchObject({ Id: '1', SyncToken: '0', DocNumber: 'order-1', TotalAmt: 37.78, Balance: 0 });
	expect(reply.body.SalesReceipt.Line.at(-1)).toMatchObject({ DetailType: 'SubTotalLineDetail', Amount: 39.98 });
	const read = await api(`/salesreceipt/${reply.body.SalesReceipt.Id}`);
	expect(read.body.SalesReceipt.TotalAmt).toBe(37.78);
	expect((await control.requests())[0].query).toMatchObject({ minorversion: '75' });
});

test('refusals are ValidationFaults naming the problem: a line amount that is not price × quantity, an unknown item, no lines', async () => {
	const wrong = await api('/salesreceipt', { method: 'POST', body: { Line: [{ Amount: 10, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { Qty: 3, UnitPrice: 3 } }] } });
	expect(wrong.status).toBe(400);
	expect(wrong.body.Fault).toMatchObject({ type: 'ValidationFault', Error: [{ code: '6070' }] });
	const unknownItem = await api('/invoice', { method: 'POST', body: { CustomerRef: { value: '1' }, Line: [{ Amount: 1, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '999' } } }] } });
	expect(unknownItem.body.Fault.Error[0].code).toBe('2500');
	const noLines = await api('/salesreceipt', { method: 'POST', body: {} });
	expect(noLines.body.Fault.Error[0]).toMatchObject({ code: '2020', Detail: expect.stringContaining('Line') });
	expect(await control.state('salesreceipts')).toHaveLength(0);
});

test('requestid replays the first response for the same company, even while the first is still running', async () => {
	const first = await api('/salesreceipt?requestid=order-7', { method: 'POST', body: saleBody() });
	const again = await api('/salesreceipt?requestid=order-7', { method: 'POST', body: saleBody() });
	expect(again.body.SalesReceipt.Id).toBe(first.body.SalesReceipt.Id);
	await control.updateSettings({ responseDelayMs: 100 });
	const [a, b] = await Promise.all([1, 2].map(() => api('/salesreceipt?requestid=order-8', { method: 'POST', body: saleBody() })));
	expect(a.body.SalesReceipt.Id).toBe(b.body.SalesReceipt.Id);
	expect(await control.state('salesreceipts')).toHaveLength(2);
	const tooLong = await api(`/salesreceipt?requestid=${'x'.repeat(51)}`, { method: 'POST', body: saleBody() });
	expect(tooLong.body.Fault.Error[0].code).toBe('2050');
});

test('a lost response after the commit: the write landed, and its requestid replays it', async () => {
	await control.fault({ kind: 'lost_response', match: { method: 'POST', path: '/salesreceipt$' } });
	await expect(api('/salesreceipt?requestid=lost-1', { method: 'POST', body: saleBody() })).rejects.toThrow();
	expect(await control.state('salesreceipts')).toHaveLength(1);
	const retry = await api('/salesreceipt?requestid=lost-1', { method: 'POST', body: saleBody() });
	expect(retry.body.SalesReceipt.Id).toBe('1');
	expect(await control.state('salesreceipts')).toHaveLength(1);
});

test('updates need the current SyncToken: a stale one is refused with 5010, sparse updates keep the other fields', async () => {
	const created = (await api('/customer', { method: 'POST', body: { DisplayName: 'Ann Lee', PrimaryEmailAddr: { Address: 'ann@example.com' }, CompanyName: 'Lee Ltd' } })).body.Customer;
	const sparse = await api('/customer', { method: 'POST', body: { Id: created.Id, SyncToken: '0', sparse: true, GivenName: 'Ann' } });
	expect(sparse.body.Customer).toMatchObject({ SyncToken: '1', GivenName: 'Ann', CompanyName: 'Lee Ltd' });
	const stale = await api('/customer', { method: 'POST', body: { Id: created.Id, SyncToken: '0', sparse: true, GivenName: 'X' } });
	expect(stale.status).toBe(400);
	expect(stale.body.Fault).toMatchObject({ type: 'ValidationFault', Error: [{ code: '5010', Message: 'Stale Object Error' }] });
	await control.updateSettings({ concurrentEdits: 1 });
	const raced = await api('/customer', { method: 'POST', body: { Id: created.Id, SyncToken: '1', sparse: true, GivenName: 'Y' } });
	expect(raced.body.Fault.Error[0].code).toBe('5010');
	const reread = (await api(`/customer/${created.Id}`)).body.Customer;
	expect(reread).toMatchObject({ SyncToken: '2', GivenName: 'Ann' });
	const full = await api('/customer', { method: 'POST', body: { Id: created.Id, SyncToken: '2', DisplayName: 'Ann Lee' } });
	expect(full.body.Customer.CompanyName).toBeUndefined();
});

test('display names are unique among customers (6240)', async () => {
	await api('/customer', { method: 'POST', body: { DisplayName: 'Bo' } });
	const again = await api('/customer', { method: 'POST', body: { DisplayName: 'bo' } });
	expect(again.body.Fault.Error[0].code).toBe('6240');
});

test('the query language: WHERE with AND, LIKE and IN, ORDERBY, STARTPOSITION/MAXRESULTS paging, COUNT(*), parse errors', async () => {
	for (let index = 1; index <= 5; index++) {
		await api('/customer', { method: 'POST', body: { DisplayName: `Customer ${index}`, PrimaryEmailAddr: { Address: `c${index}@example.com` } } });
	}
	const byEmail = await api(`/query?query=${encodeURIComponent("select * from Customer where PrimaryEmailAddr = 'C3@example.com'")}`);
	expect(byEmail.body.QueryResponse.Customer.map((customer: { DisplayName: string }) => customer.DisplayName)).toEqual(['Customer 3']);
	const page = await api(`/query?query=${encodeURIComponent("SELECT * FROM Customer WHERE DisplayName LIKE 'Customer%' ORDERBY DisplayName DESC STARTPOSITION 2 MAXRESULTS 2")}`);
	expect(page.body.QueryResponse).toMatchObject({ startPosition: 2, maxResults: 2 });
	expect(page.body.QueryResponse.Customer.map((customer: { DisplayName: string }) => customer.DisplayName)).toEqual(['Customer 4', 'Customer 3']);
	const inList = await api(`/query?query=${encodeURIComponent("select * from Customer where Id IN ('1', '5')")}`);
	expect(inList.body.QueryResponse.Customer).toHaveLength(2);
	const count = await api(`/query?query=${encodeURIComponent('select count(*) from Customer')}`);
	expect(count.body.QueryResponse).toEqual({ totalCount: 5 });
	const none = await api(`/query?query=${encodeURIComponent("select * from Customer where DisplayName = 'nobody'")}`);
	expect(none.body.QueryResponse).toEqual({});
	const orQuery = await api(`/query?query=${encodeURIComponent("select * from Customer where Id = '1' or Id = '2'")}`);
	expect(orQuery.body.Fault.Error[0].code).toBe('4000');
	const posted = await callApi(qbo.baseUrl, `${company}/query`, { method: 'POST', token: qbo.credentials.accessToken, headers: { 'content-type': 'application/text' } });
	expect(posted.status).toBe(400);
});

test('a payment applied to an invoice lowers its balance; more than the balance is refused', async () => {
	const customer = (await api('/customer', { method: 'POST', body: { DisplayName: 'Payer' } })).body.Customer;
	const invoice = (await api('/invoice', { method: 'POST', body: { CustomerRef: { value: customer.Id }, Line: [{ Amount: 100, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '1' } } }] } })).body.Invoice;
	expect(invoice.Balance).toBe(100);
	const payment = await api('/payment', { method: 'POST', body: { CustomerRef: { value: customer.Id }, TotalAmt: 60, Line: [{ Amount: 60, LinkedTxn: [{ TxnId: invoice.Id, TxnType: 'Invoice' }] }] } });
	expect(payment.body.Payment).toMatchObject({ TotalAmt: 60, UnappliedAmt: 0 });
	expect((await api(`/invoice/${invoice.Id}`)).body.Invoice).toMatchObject({ Balance: 40, SyncToken: '1' });
	const over = await api('/payment', { method: 'POST', body: { CustomerRef: { value: customer.Id }, TotalAmt: 50, Line: [{ Amount: 50, LinkedTxn: [{ TxnId: invoice.Id, TxnType: 'Invoice' }] }] } });
	expect(over.body.Fault.Error[0].code).toBe('6000');
});

test('a refund receipt needs the account the refund is paid from', async () => {
	const missing = await api('/refundreceipt', { method: 'POST', body: saleBody() });
	expect(missing.body.Fault.Error[0]).toMatchObject({ code: '2020', element: 'DepositToAccountRef' });
	const refund = await api('/refundreceipt', { method: 'POST', body: saleBody({ DepositToAccountRef: { value: '35' } }) });
	expect(refund.body.RefundReceipt.TotalAmt).toBe(37.78);
});

test('change data capture lists what changed since a moment, deletions included', async () => {
	const since = new Date(Date.now() - 1000).toISOString();
	const customer = (await api('/customer', { method: 'POST', body: { DisplayName: 'Changed' } })).body.Customer;
	const receipt = (await api('/salesreceipt', { method: 'POST', body: saleBody() })).body.SalesReceipt;
	await api('/salesreceipt?operation=delete', { method: 'POST', body: { Id: receipt.Id, SyncToken: receipt.SyncToken } });
	const cdc = await api(`/cdc?entities=Customer,SalesReceipt&changedSince=${encodeURIComponent(since)}`);
	const [customers, receipts] = cdc.body.CDCResponse[0].QueryResponse;
	expect(customers.Customer.map((entry: { Id: string }) => entry.Id)).toEqual([customer.Id]);
	expect(receipts.SalesReceipt).toEqual([expect.objectContaining({ Id: receipt.Id, status: 'Deleted' })]);
});

test('auth: a missing or wrong token is the gateway’s 401 AUTHENTICATION fault; another realm is 403', async () => {
	const missing = await callApi(qbo.baseUrl, `${company}/customer/1`);
	expect(missing.status).toBe(401);
	expect(missing.body.fault).toMatchObject({ type: 'AUTHENTICATION', error: [{ code: '3200' }] });
	const wrong = await api('/customer/1', { token: 'expired' });
	expect(wrong.status).toBe(401);
	const otherRealm = await callApi(qbo.baseUrl, '/v3/company/123/customer/1', { token: qbo.credentials.accessToken });
	expect(otherRealm.status).toBe(403);
	expect(otherRealm.body.fault.error[0].code).toBe('3100');
});

test(`throttling: the ${QBO_CONCURRENT_LIMIT + 1}th request at once and the 501st in a minute get 429 ThrottleExceeded`, async () => {
	// Held open long enough that all of them arrive while the first are still open, however loaded the machine.
	await control.updateSettings({ responseDelayMs: 1000 });
	const replies = await Promise.all(Array.from({ length: QBO_CONCURRENT_LIMIT + 2 }, () => api('/companyinfo/1')));
	const refused = replies.filter((reply) => reply.status === 429);
	expect(refused).toHaveLength(2);
	expect(refused[0].body.Fault).toMatchObject({ type: 'SERVICE', Error: [{ code: '3001', Message: expect.stringContaining('ThrottleExceeded') }] });
	expect((await control.state<{ peak: number }>('connections')).peak).toBe(QBO_CONCURRENT_LIMIT);
	await control.updateSettings({ responseDelayMs: 0 });
	await control.setRateLimits({ windows: [{ name: 'realm_per_minute', limit: 3 }] });
	await control.reset();
	await control.setRateLimits({ windows: [{ name: 'realm_per_minute', limit: 3 }] });
	const statuses = [];
	for (let index = 0; index < 4; index++) statuses.push((await api('/companyinfo/1')).status);
	expect(statuses).toEqual([200, 200, 200, 429]);
});

test('a server error is a SystemFault', async () => {
	await control.fault({ kind: 'error', status: 503 });
	const reply = await api('/customer/1');
	expect(reply.status).toBe(503);
	expect(reply.body.Fault.type).toBe('SystemFault');
});
