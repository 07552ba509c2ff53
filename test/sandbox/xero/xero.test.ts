/** The Xero sandbox behaves as Xero documents the Accounting API 2.0 (the OpenAPI description in specs/xero, Xero's limits page). */
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';
import { callApi, type ApiReply } from '../support/http';
import { XERO_CONCURRENT_LIMIT } from '.';

let xero: RunningSandbox;
let control: SandboxControl;

beforeAll(async () => {
	xero = await startSandbox('xero');
	control = new SandboxControl(xero.baseUrl);
});
afterAll(() => xero.close());
beforeEach(() => control.reset());

const api = (path: string, call: { method?: string; body?: unknown; headers?: Record<string, string>; token?: string } = {}): Promise<ApiReply> =>
	callApi(xero.baseUrl, `/api.xro/2.0${path}`, { token: xero.credentials.accessToken, ...call, headers: { 'xero-tenant-id': xero.credentials.tenantId, ...call.headers } });

const invoice = (extra: Record<string, unknown> = {}) => ({
	Type: 'ACCREC',
	Contact: { Name: 'Ann Lee' },
	Status: 'AUTHORISED',
	LineItems: [{ Description: 'Mug', Quantity: 2, UnitAmount: 19.99, AccountCode: '200', TaxType: 'NONE', TaxAmount: 2.5 }],
	...extra,
});

test('an invoice is created with Xero totals, its contact by name, an invoice number, and the rate headers', async () => {
	const reply = await api('/Invoices', { method: 'PUT', body: { Invoices: [invoice({ InvoiceNumber: 'order-1', Date: '2026-12-01' })] } });
	expect(reply.status).toBe(200);
	expect(reply.body.Invoices[0]).toMatchObject({ InvoiceNumber: 'order-1', SubTotal: 39.98, TotalTax: 2.5, Total: 42.48, AmountDue: 42.48, Status: 'AUTHORISED', Date: `/Date(${Date.parse('2026-12-01T00:00:00Z')}+0000)/` });
	expect(reply.headers.get('x-minlimit-remaining')).toBe('59');
	expect(reply.headers.get('x-daylimit-remaining')).toBe('4999');
	expect(reply.headers.get('x-appminlimit-remaining')).toBe('9999');
	expect(await control.state('contacts')).toEqual([expect.objectContaining({ Name: 'Ann Lee' })]);
	const again = await api('/Invoices', { method: 'PUT', body: { Invoices: [invoice({ InvoiceNumber: 'order-1' })] } });
	expect(again.status).toBe(400);
	expect(again.body).toMatchObject({ Type: 'ValidationException', Elements: [{ ValidationErrors: [{ Message: 'Invoice # must be unique.' }] }] });
});

test('summarizeErrors=false answers 200 with each element: the valid ones saved, the others with their ValidationErrors', async () => {
	const batch = { Invoices: [invoice({ InvoiceNumber: 'b-1' }), invoice({ InvoiceNumber: 'b-2', LineItems: [] }), invoice({ InvoiceNumber: 'b-3', LineItems: [{ Description: 'x', UnitAmount: 1, AccountCode: '999' }] })] };
	const reply = await api('/Invoices?summarizeErrors=false', { method: 'PUT', body: batch });
	expect(reply.status).toBe(200);
	expect(reply.body.Invoices.map((entry: { StatusAttributeString: string; HasErrors?: boolean }) => entry.StatusAttributeString)).toEqual(['OK', 'ERROR', 'ERROR']);
	expect(reply.body.Invoices[1].ValidationErrors).toEqual([{ Message: 'One or more line items must be specified' }]);
	expect(reply.body.Invoices[2].ValidationErrors[0].Message).toMatch(/Account code '999'/);
	expect(await control.state('invoices')).toHaveLength(1);
	const summarized = await api('/Invoices', { method: 'PUT', body: { Invoices: [invoice({ InvoiceNumber: 'b-4' }), invoice({ InvoiceNumber: 'b-5', LineItems: [] })] } });
	expect(summarized.status).toBe(400);
	expect(await control.state('invoices')).toHaveLength(1);
});

test('Idempotency-Key replays the first answer; a lost response landed and is replayed', async () => {
	const first = await api('/Invoices', { method: 'PUT', body: { Invoices: [invoice()] }, headers: { 'Idempotency-Key': 'k-1' } });
	const again = await api('/Invoices', { method: 'PUT', body: { Invoices: [invoice()] }, headers: { 'Idempotency-Key': 'k-1' } });
	expect(again.body.Invoices[0].InvoiceID).toBe(first.body.Invoices[0].InvoiceID);
	await control.fault({ kind: 'lost_response', match: { method: 'PUT', path: '/Invoices$' } });
	await expect(api('/Invoices', { method: 'PUT', body: { Invoices: [invoice()] }, headers: { 'Idempotency-Key': 'k-2' } })).rejects.toThrow();
	const replayed = await api('/Invoices', { method: 'PUT', body: { Invoices: [invoice()] }, headers: { 'Idempotency-Key': 'k-2' } });
	expect(replayed.status).toBe(200);
	expect(await control.state('invoices')).toHaveLength(2);
	const tooLong = await api('/Invoices', { method: 'PUT', body: { Invoices: [invoice()] }, headers: { 'Idempotency-Key': 'k'.repeat(129) } });
	expect(tooLong.status).toBe(400);
});

test('a payment settles an authorised invoice (PAID when fully paid); more than the amount due is refused', async () => {
	const created = (await api('/Invoices', { method: 'PUT', body: { Invoices: [invoice({ InvoiceNumber: 'p-1' })] } })).body.Invoices[0];
	const over = await api('/Payments', { method: 'PUT', body: { Payments: [{ Invoice: { InvoiceID: created.InvoiceID }, Account: { Code: '090' }, Amount: 100 }] } });
	expect(over.body.Elements[0].ValidationErrors[0].Message).toMatch(/exceeds the amount outstanding/);
	const paid = await api('/Payments', { method: 'PUT', body: { Payments: [{ Invoice: { InvoiceNumber: 'p-1' }, Account: { Code: '090' }, Amount: 42.48, Reference: 'pay-1', Date: '2026-12-02' }] } });
	expect(paid.body.Payments[0]).toMatchObject({ Amount: 42.48, Reference: 'pay-1', Status: 'AUTHORISED' });
	expect((await api(`/Invoices/${created.InvoiceID}`)).body.Invoices[0]).toMatchObject({ Status: 'PAID', AmountDue: 0, AmountPaid: 42.48 });
	const found = await api(`/Payments?where=${encodeURIComponent('Reference=="pay-1"')}`);
	expect(found.body.Payments).toHaveLength(1);
});

test('lists filter by where, InvoiceNumbers and searchTerm, 100 a page', async () => {
	await api('/Contacts', { method: 'PUT', body: { Contacts: Array.from({ length: 101 }, (_, index) => ({ Name: `Contact ${index}`, EmailAddress: `c${index}@example.com` })) } });
	const first = await api('/Contacts?page=1');
	expect(first.body.Contacts).toHaveLength(100);
	expect(first.body.pagination).toEqual({ page: 1, pageSize: 100, pageCount: 2, itemCount: 101 });
	expect((await api('/Contacts?page=2')).body.Contacts).toHaveLength(1);
	expect((await api('/Contacts?searchTerm=C7@EXAMPLE.com')).body.Contacts.map((contact: { Name: string }) => contact.Name)).toEqual(['Contact 7']);
	expect((await api(`/Contacts?where=${encodeURIComponent('EmailAddress=="c9@example.com"')}`)).body.Contacts).toHaveLength(1);
	expect((await api(`/Contacts?where=${encodeURIComponent('EmailAddress~"c9"')}`)).status).toBe(400);
	await api('/Invoices', { method: 'PUT', body: { Invoices: [invoice({ InvoiceNumber: 'n-1' }), invoice({ InvoiceNumber: 'n-2' })] } });
	expect((await api('/Invoices?InvoiceNumbers=n-2')).body.Invoices.map((entry: { InvoiceNumber: string }) => entry.InvoiceNumber)).toEqual(['n-2']);
});

test('contact names are unique; POST updates a contact by ContactID', async () => {
	const contact = (await api('/Contacts', { method: 'PUT', body: { Contacts: [{ Name: 'Bo', EmailAddress: 'bo@example.com' }] } })).body.Contacts[0];
	const clash = await api('/Contacts', { method: 'PUT', body: { Contacts: [{ Name: 'bo' }] } });
	expect(clash.body.Elements[0].ValidationErrors[0].Message).toMatch(/already assigned to another contact/);
	const updated = await api('/Contacts', { method: 'POST', body: { Contacts: [{ ContactID: contact.ContactID, FirstName: 'Bo' }] } });
	expect(updated.body.Contacts[0]).toMatchObject({ Name: 'Bo', FirstName: 'Bo', EmailAddress: 'bo@example.com' });
});

test('auth: a wrong token is 401, a missing or other tenant 403', async () => {
	expect((await api('/Organisation', { token: 'nope' })).status).toBe(401);
	const noTenant = await callApi(xero.baseUrl, '/api.xro/2.0/Organisation', { token: xero.credentials.accessToken });
	expect(noTenant.status).toBe(403);
	expect(noTenant.body).toMatchObject({ Title: 'Forbidden', Detail: 'AuthenticationUnsuccessful' });
});

test(`limits: the 61st call in a minute and the ${XERO_CONCURRENT_LIMIT + 1}th at once get 429 with Retry-After and X-Rate-Limit-Problem`, async () => {
	await control.setRateLimits({ windows: [{ name: 'minute', limit: 2 }] });
	const statuses = [];
	for (let index = 0; index < 3; index++) statuses.push(await api('/Organisation'));
	expect(statuses.map((reply) => reply.status)).toEqual([200, 200, 429]);
	expect(statuses[2].headers.get('x-rate-limit-problem')).toBe('minute');
	expect(Number(statuses[2].headers.get('retry-after'))).toBeGreaterThan(0);
	expect(statuses[1].headers.get('x-minlimit-remaining')).toBe('0');
	await control.reset();
	// Held open long enough that all of them arrive while the first are open, however loaded the machine.
	await control.updateSettings({ responseDelayMs: 1000 });
	const burst = await Promise.all(Array.from({ length: XERO_CONCURRENT_LIMIT + 1 }, () => api('/Organisation')));
	const refused = burst.filter((reply) => reply.status === 429);
	expect(refused).toHaveLength(1);
	expect(refused[0].headers.get('x-rate-limit-problem')).toBe('concurrent');
});

test('a write over 3.5 MB is refused with 413 and saves nothing; 50 invoices in one request are taken', async () => {
	const big = { Invoices: Array.from({ length: 40 }, (_, index) => invoice({ InvoiceNumber: `big-${index}`, Reference: 'x'.repeat(100_000) })) };
	const refused = await api('/Invoices?summarizeErrors=false', { method: 'PUT', body: big });
	expect(refused.status).toBe(413);
	expect(await control.state('invoices')).toHaveLength(0);
	const fifty = await api('/Invoices?summarizeErrors=false', { method: 'PUT', body: { Invoices: Array.from({ length: 50 }, (_, index) => invoice({ InvoiceNumber: `n-${index}` })) } });
	expect(fifty.status).toBe(200);
	expect(await control.state('invoices')).toHaveLength(50);
});

test('where joins clauses with OR and AND (AND binding tighter); a quoted OR is part of the value', async () => {
	await api('/Invoices', { method: 'PUT', body: { Invoices: [invoice({ InvoiceNumber: 'w-1' }), invoice({ InvoiceNumber: 'w OR 2' }), invoice({ InvoiceNumber: 'w-3', Status: 'DRAFT' })] } });
	const numbers = async (where: string) => ((await api(`/Invoices?where=${encodeURIComponent(where)}`)).body.Invoices as Array<{ InvoiceNumber: string }>).map((entry) => entry.InvoiceNumber).sort();
	expect(await numbers('InvoiceNumber=="w-1" OR InvoiceNumber=="w OR 2"')).toEqual(['w OR 2', 'w-1']);
	expect(await numbers('InvoiceNumber=="w-1" || Status=="DRAFT" AND InvoiceNumber=="w-3"')).toEqual(['w-1', 'w-3']);
	expect(await numbers('Status=="DRAFT" AND InvoiceNumber=="w-1" OR InvoiceNumber=="nope"')).toEqual([]);
});

test('where lowers a field with ToLower(); a ToLower() on a contact without the field is refused unless guarded by !=null', async () => {
	await control.seed({ contacts: [{ Name: 'Ann Lee', EmailAddress: 'Ann.Lee@Example.com' }, { Name: 'Walk-in' }, { Name: 'Bo Chen', EmailAddress: 'bo@example.com' }] });
	const names = async (where: string) => ((await api(`/Contacts?where=${encodeURIComponent(where)}`)).body.Contacts as Array<{ Name: string }>).map((entry) => entry.Name).sort();
	expect(await names('EmailAddress=="ann.lee@example.com"')).toEqual([]);
	const guarded = (email: string) => `EmailAddress!=null&&EmailAddress.ToLower()=="${email}"`;
	expect(await names(`${guarded('ann.lee@example.com')} OR ${guarded('bo@example.com')}`)).toEqual(['Ann Lee', 'Bo Chen']);
	const unguarded = await api(`/Contacts?where=${encodeURIComponent('EmailAddress.ToLower()=="bo@example.com"')}`);
	expect(unguarded.status).toBe(400);
	expect(unguarded.body).toMatchObject({ Type: 'QueryParseException' });
});
