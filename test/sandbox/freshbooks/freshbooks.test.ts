/** The FreshBooks sandbox behaves as FreshBooks documents its Accounting API (prose docs; no machine-readable spec exists). */
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';
import { callApi, type ApiReply } from '../support/http';

let fb: RunningSandbox;
let control: SandboxControl;
let account: string;

beforeAll(async () => {
	fb = await startSandbox('freshbooks');
	control = new SandboxControl(fb.baseUrl);
	account = `/accounting/account/${fb.credentials.accountId}`;
});
afterAll(() => fb.close());
beforeEach(() => control.reset());

const api = (path: string, call: { method?: string; body?: unknown; token?: string } = {}): Promise<ApiReply> => callApi(fb.baseUrl, `${account}${path}`, { token: fb.credentials.accessToken, ...call });

async function client(): Promise<number> {
	return (await api('/users/clients', { method: 'POST', body: { client: { email: 'ann@example.com', fname: 'Ann' } } })).body.response.result.client.id;
}

test('an invoice is wrapped in response.result with money as amount and code; a payment lowers what is outstanding', async () => {
	const customerid = await client();
	const created = await api('/invoices/invoices', { method: 'POST', body: { invoice: { customerid, create_date: '2026-12-01', invoice_number: 'o-1', currency_code: 'USD', lines: [{ name: 'Mug', qty: '2', unit_cost: { amount: '19.99', code: 'USD' } }, { name: 'Tax', qty: '1', unit_cost: { amount: '2.50' } }] } } });
	const invoice = created.body.response.result.invoice;
	expect(invoice).toMatchObject({ invoice_number: 'o-1', amount: { amount: '42.48', code: 'USD' }, outstanding: { amount: '42.48', code: 'USD' } });
	const payment = await api('/payments/payments', { method: 'POST', body: { payment: { invoiceid: invoice.id, amount: { amount: '42.48' }, date: '2026-12-02', type: 'Other', note: 'o-1' } } });
	expect(payment.body.response.result.payment).toMatchObject({ amount: { amount: '42.48', code: 'USD' }, note: 'o-1' });
	expect((await api(`/invoices/invoices/${invoice.id}`)).body.response.result.invoice).toMatchObject({ outstanding: { amount: '0.00' }, payment_status: 'paid' });
});

test('refusals are 422 with errno, field and message; a duplicate invoice number is refused', async () => {
	const missing = await api('/invoices/invoices', { method: 'POST', body: { invoice: { create_date: '2026-12-01', lines: [] } } });
	expect(missing.status).toBe(422);
	expect(missing.body.response.errors[0]).toMatchObject({ errno: 1001, field: 'customerid' });
	const customerid = await client();
	const body = { invoice: { customerid, create_date: '2026-12-01', invoice_number: 'dup', lines: [{ name: 'x', unit_cost: { amount: '1.00' } }] } };
	expect((await api('/invoices/invoices', { method: 'POST', body })).status).toBe(200);
	expect((await api('/invoices/invoices', { method: 'POST', body })).body.response.errors[0].field).toBe('invoice_number');
});

test('no idempotency key: a create whose answer was lost has landed, and sending it again makes a second record', async () => {
	await control.fault({ kind: 'lost_response', match: { method: 'POST', path: '/users/clients$' } });
	await expect(api('/users/clients', { method: 'POST', body: { client: { email: 'bo@example.com' } } })).rejects.toThrow();
	await api('/users/clients', { method: 'POST', body: { client: { email: 'bo@example.com' } } });
	expect(await control.state('clients')).toHaveLength(2);
});

test('lists page with per_page (at most 100) and filter with search[…]; auth and account are checked', async () => {
	for (let index = 0; index < 3; index++) await api('/users/clients', { method: 'POST', body: { client: { email: `c${index}@example.com` } } });
	const page = await api('/users/clients?per_page=2&page=2');
	expect(page.body.response.result).toMatchObject({ page: 2, pages: 2, per_page: 2, total: 3 });
	expect((await api('/users/clients?search[email]=C1@example.com')).body.response.result.clients).toHaveLength(1);
	expect((await api('/users/clients', { token: 'nope' })).status).toBe(401);
	expect((await callApi(fb.baseUrl, '/accounting/account/other/users/clients', { token: fb.credentials.accessToken })).status).toBe(403);
});
