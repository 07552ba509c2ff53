/**
 * The Xero sandbox answers as Xero's OpenAPI description of the Accounting API 2.0 (specs/xero/xero_accounting.yaml,
 * XeroAPI/Xero-OpenAPI v16.1.0) says: every endpoint it serves, batch answers with per-element validation errors, the
 * ValidationException of a summarized batch, and 500/503 bodies. Not checked: 401/403 (Xero's gateway problem body)
 * and 429 and 404, which the description does not document and Xero answers in text or in its gateway's shape.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AccountingBooks } from '../../../lib/accounting';
import { allMigrations } from '../../../lib/migrations';
import { XeroAccounting, xeroProfile } from '../../../lib/platforms/xero';
import { closeAllStores, openStore } from '../../../lib/store';
import { bearerAuth, FetchHttpClient, Transport } from '../../../lib/transport';
import { SandboxControl } from '../framework/controlClient';
import type { RunningSandbox } from '../registry';
import { callApi } from '../support/http';
import { SpecConformance, startSpecCheckedSandbox, underFaults } from '../support/conformance';
import { OpenApiValidator } from '../support/openapi';

const spec = new OpenApiValidator('xero/xero_accounting.yaml');
const conformance = new SpecConformance([{ spec, base: '/api.xro/2.0', errors: 'components/schemas/Error' }]);
let sandbox: RunningSandbox;
let control: SandboxControl;

beforeAll(async () => {
	sandbox = await startSpecCheckedSandbox('xero', conformance);
	control = new SandboxControl(sandbox.baseUrl);
});
afterAll(() => sandbox.close());
beforeEach(async () => {
	await control.reset();
	conformance.clear();
});

const api = (path: string, method = 'GET', body?: unknown) =>
	callApi(sandbox.baseUrl, `/api.xro/2.0${path}`, { method, body, token: sandbox.credentials.accessToken, headers: { 'xero-tenant-id': sandbox.credentials.tenantId } });

const line = { Description: 'Mug', Quantity: 2, UnitAmount: 19.99, AccountCode: '200', TaxType: 'NONE', TaxAmount: 1.5 };

test('every endpoint the sandbox serves, batches with per-element errors and the summarized ValidationException match the description', async () => {
	await api('/Organisation');
	await api('/Accounts');
	await api('/TaxRates');
	const contact = (await api('/Contacts', 'PUT', { Contacts: [{ Name: 'Ann Lee', EmailAddress: 'ann@example.com' }] })).body.Contacts[0];
	await api('/Contacts', 'POST', { Contacts: [{ ContactID: contact.ContactID, FirstName: 'Ann' }] });
	await api('/Contacts?summarizeErrors=false', 'PUT', { Contacts: [{ Name: 'Bo' }, { Name: 'ann lee' }] });
	await api(`/Contacts?searchTerm=ann`);
	await api(`/Contacts/${contact.ContactID}`);
	const invoice = (await api('/Invoices', 'PUT', { Invoices: [{ Type: 'ACCREC', Contact: { ContactID: contact.ContactID }, Status: 'AUTHORISED', InvoiceNumber: 'o-1', Date: '2026-12-01', DueDate: '2026-12-31', LineItems: [line] }] })).body.Invoices[0];
	await api('/Invoices?summarizeErrors=false', 'PUT', { Invoices: [{ Type: 'ACCREC', Contact: { Name: 'Cy' }, LineItems: [line] }, { Type: 'ACCREC', Contact: { Name: 'Cy' }, LineItems: [] }] });
	await api('/Invoices', 'PUT', { Invoices: [{ Type: 'ACCREC', Contact: { Name: 'Cy' }, InvoiceNumber: 'o-1', LineItems: [line] }] });
	await api('/Invoices', 'POST', { Invoices: [{ InvoiceID: invoice.InvoiceID, Reference: 'order o-1' }] });
	await api(`/Invoices?InvoiceNumbers=o-1&page=1`);
	await api(`/Invoices/${invoice.InvoiceID}`);
	await api('/Payments', 'PUT', { Payments: [{ Invoice: { InvoiceID: invoice.InvoiceID }, Account: { Code: '090' }, Amount: 10, Reference: 'pay-1', Date: '2026-12-02' }] });
	await api('/Payments?summarizeErrors=false', 'PUT', { Payments: [{ Invoice: { InvoiceID: invoice.InvoiceID }, Account: { Code: '090' }, Amount: 1000 }] });
	const payments = (await api(`/Payments?where=${encodeURIComponent('Reference=="pay-1"')}`)).body.Payments;
	await api(`/Payments/${payments[0].PaymentID}`);
	const credit = (await api('/CreditNotes', 'PUT', { CreditNotes: [{ Type: 'ACCRECCREDIT', Contact: { ContactID: contact.ContactID }, Status: 'AUTHORISED', CreditNoteNumber: 'r-1', LineItems: [line] }] })).body.CreditNotes[0];
	await api(`/CreditNotes?where=${encodeURIComponent('CreditNoteNumber=="r-1"')}`);
	await api(`/CreditNotes/${credit.CreditNoteID}`);
	await underFaults(control, () => api('/Invoices'), [500, 503]);

	expect(conformance.problems()).toEqual([]);
	expect(conformance.covered()).toEqual(expect.arrayContaining([
		'get /Organisation 200', 'get /Accounts 200', 'get /TaxRates 200',
		// The description's /Contacts/{ContactNumber} and /Contacts/{ContactID} share one shape; the check takes the first.
		'put /Contacts 200', 'post /Contacts 200', 'get /Contacts 200', 'get /Contacts/{ContactNumber} 200',
		'put /Invoices 200', 'put /Invoices 400', 'post /Invoices 200', 'get /Invoices 200', 'get /Invoices/{InvoiceID} 200', 'get /Invoices 500', 'get /Invoices 503',
		'put /Payments 200', 'get /Payments 200', 'get /Payments/{PaymentID} 200',
		'put /CreditNotes 200', 'get /CreditNotes 200', 'get /CreditNotes/{CreditNoteID} 200',
	]));
});

test('the Xero connector’s requests (sale, invoice, payment, refund, customers) and their answers match the description', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'xero-spec-'));
	try {
		const store = await openStore({ kind: 'sqlite', file: join(dir, 'state.db') }, allMigrations);
		const transport = new Transport({ profile: xeroProfile(), client: new FetchHttpClient(bearerAuth(sandbox.credentials.accessToken)), baseUrl: sandbox.baseUrl, accountKey: 'spec', concurrency: store.concurrency, retry: { baseDelayMs: 5 } });
		const books = new AccountingBooks({ store, connector: new XeroAccounting(transport, { tenantId: sandbox.credentials.tenantId }), account: 'spec' });
		const customer = { email: 'ann@example.com', name: 'Ann Lee' };
		await books.recordSale({ sourceId: 's-1', currency: 'USD', customer, lines: [{ description: 'Mug', quantity: 2, unitPrice: 9.5 }], shipping: 3, discount: 1, tax: 1.2, date: '2026-12-01' });
		await books.createInvoice({ sourceId: 'i-1', currency: 'USD', customer, lines: [{ description: 'Retainer', unitPrice: 100 }], dueDate: '2026-12-31' });
		await books.recordPayment({ sourceId: 'p-1', currency: 'USD', amount: 40, invoiceSourceId: 'i-1', date: '2026-12-02' });
		await books.recordRefund({ sourceId: 'r-1', currency: 'USD', customer, lines: [{ description: 'Returned', unitPrice: 9.5 }] });
		await books.upsertCustomer({ ...customer, phone: '555-0100' });
		await books.transaction('invoice', 'i-1', { refresh: true });
		expect(conformance.problems()).toEqual([]);
		expect(conformance.requestProblems()).toEqual([]);
		expect(conformance.covered()).toEqual(expect.arrayContaining(['put /Invoices 200', 'put /Payments 200', 'put /CreditNotes 200', 'put /Contacts 200', 'post /Contacts 200']));
	} finally {
		await closeAllStores();
		rmSync(dir, { recursive: true, force: true });
	}
});

test('the check fails a drifted answer', () => {
	expect(spec.errors('get', '/Invoices', '200', { Invoices: [{ Total: '42.48', InvoiceID: 'not-a-uuid' }] })).not.toEqual([]);
});
