/**
 * Accounting Sync inside n8n against the QuickBooks sandbox, through the OAuth2 credential's token: a sale delivered
 * twice is one sales receipt; bad items name their field and the item; a QuickBooks refusal follows On Error (stop,
 * or the error output); a customer is matched by email; Get Transaction reads what was recorded.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { closeAllStores } from '../../lib/store';
import { runWorkflow } from '../harness/inProcess';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';

let qbo: RunningSandbox;
let xero: RunningSandbox;
let control: SandboxControl;
let xeroControl: SandboxControl;
let stateFile: string;

beforeAll(async () => {
	qbo = await startSandbox('quickbooks');
	xero = await startSandbox('xero');
	control = new SandboxControl(qbo.baseUrl);
	xeroControl = new SandboxControl(xero.baseUrl);
});
afterAll(async () => {
	await closeAllStores();
	await qbo.close();
	await xero.close();
});
beforeEach(async () => {
	await closeAllStores();
	await control.reset();
	await xeroControl.reset();
	stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'accounting-wf-')), 'state.sqlite');
});

function flow(parameters: Record<string, unknown>, onError?: string): object {
	return {
		name: 'accounting',
		nodes: [
			{ name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'accounting' } },
			{
				name: 'Accounting',
				type: 'n8n-nodes-integration-automation.accountingSync',
				typeVersion: 1,
				position: [200, 0],
				credentials: { integrationQuickBooksOAuth2Api: { id: 'qbo', name: 'QuickBooks sandbox' }, integrationXeroOAuth2Api: { id: 'xero', name: 'Xero sandbox' } },
				...(onError ? { onError } : {}),
				parameters: { platform: 'quickbooks', ...parameters },
			},
		],
		connections: { Hook: { main: [[{ node: 'Accounting', type: 'main', index: 0 }]] } },
	};
}

const credentials = () => ({
	integrationQuickBooksOAuth2Api: {
		realmId: qbo.credentials.realmId,
		baseUrl: qbo.baseUrl,
		environment: 'sandbox',
		clientId: 'client',
		clientSecret: 'client-secret',
		oauthTokenData: { access_token: qbo.credentials.accessToken, token_type: 'Bearer', refresh_token: 'refresh' },
	},
	integrationXeroOAuth2Api: {
		tenantId: xero.credentials.tenantId,
		baseUrl: xero.baseUrl,
		clientId: 'client',
		clientSecret: 'client-secret',
		oauthTokenData: { access_token: xero.credentials.accessToken, token_type: 'Bearer', refresh_token: 'refresh' },
	},
});

const run = (workflow: object, bodies: object[]) =>
	runWorkflow(workflow, { inputItems: bodies.map((body) => ({ json: { body } })), credentials: credentials(), env: { INTEGRATION_AUTOMATION_STATE_FILE: stateFile } });

const saleParameters = {
	operation: 'recordSale',
	sourceId: '={{ $json.body.orderId }}',
	currency: '={{ $json.body.currency }}',
	customerEmail: '={{ $json.body.email }}',
	customerName: '={{ $json.body.name }}',
	lines: '={{ $json.body.lines }}',
	discount: '',
	shipping: '={{ $json.body.shipping }}',
	tax: '={{ $json.body.tax }}',
};

const order = (orderId: string, extra: Record<string, unknown> = {}) => ({
	orderId,
	currency: 'USD',
	email: 'ann@example.com',
	name: 'Ann Lee',
	lines: [{ description: 'Mug', quantity: 2, unitPrice: '19.99', sku: 'MUG' }],
	shipping: '4.00',
	tax: 2.5,
	...extra,
});

test('a sale delivered twice (and again in a later run) is one sales receipt in QuickBooks', async () => {
	const first = await run(flow(saleParameters), [order('shop-1001'), order('shop-1001')]);
	expect(first.status).toBe('success');
	const [items] = first.outputs.Accounting;
	expect(items.map((item) => [item.pairedItem, item.json.replayed, item.json.total])).toEqual([
		[{ item: 0 }, false, '46.48'],
		[{ item: 1 }, true, '46.48'],
	]);
	expect(items[0].json).toMatchObject({ externalType: 'SalesReceipt', number: 'shop-1001', usageEventId: `accounting:quickbooks:${qbo.credentials.realmId}:sale:shop-1001` });
	const again = await run(flow(saleParameters), [order('shop-1001')]);
	expect(again.outputs.Accounting[0][0].json).toMatchObject({ replayed: true, externalId: items[0].json.externalId });
	expect(await control.state<unknown[]>('salesreceipts')).toHaveLength(1);
	expect(await control.state<unknown[]>('customers')).toHaveLength(1);
});

test('bad input names the field and the item and posts nothing; under "Continue (using error output)" the other items go through', async () => {
	const stopped = await run(flow(saleParameters), [order('shop-2001', { lines: [{ unitPrice: '9.999' }] })]);
	expect(stopped.status).toBe('error');
	expect((stopped.error as { message: string }).message).toMatch(/^Invalid lines\[0\]\.unitPrice \(item 0\)/);
	const continued = await run(flow(saleParameters, 'continueErrorOutput'), [order('shop-2002', { currency: 'dollars' }), order('shop-2003')]);
	expect(continued.status).toBe('success');
	const [recorded, errors] = continued.outputs.Accounting;
	expect(recorded.map((item) => item.json.sourceId)).toEqual(['shop-2003']);
	expect(errors.map((item) => [item.pairedItem, item.json.details.field])).toEqual([[{ item: 0 }, 'currency']]);
	expect(await control.state<unknown[]>('salesreceipts')).toHaveLength(1);
});

test('a QuickBooks refusal stops the node naming the item, or goes to the error output; Get Transaction shows it refused', async () => {
	const refusing = { ...saleParameters, mappings: { items: '{"MUG": "999"}' } };
	const stopped = await run(flow(refusing), [order('shop-3001')]);
	expect(stopped.status).toBe('error');
	expect((stopped.error as { message: string }).message).toMatch(/quickbooks: Invalid Reference Id/);
	const continued = await run(flow(refusing, 'continueErrorOutput'), [order('shop-3001')]);
	const [, errors] = continued.outputs.Accounting;
	expect(errors[0].json).toMatchObject({ error: expect.stringContaining('Invalid Reference Id'), details: { item: 0 } });
	const lookup = await run(flow({ operation: 'getTransaction', sourceId: '={{ $json.body.orderId }}', transactionKind: 'sale' }), [{ orderId: 'shop-3001' }, { orderId: 'never' }]);
	expect(lookup.outputs.Accounting[0].map((item) => item.json)).toEqual([
		expect.objectContaining({ found: true, state: 'refused', attempts: 2, lastError: expect.stringContaining('Invalid Reference Id') }),
		{ found: false, kind: 'sale', sourceId: 'never' },
	]);
});

test('Create or Update Customer matches by email, and an invoice and its payment are recorded once each', async () => {
	const customer = await run(flow({ operation: 'upsertCustomer', customerEmail: '={{ $json.body.email }}', customerName: 'Cy', customerCompany: 'Cy Ltd', customerPhone: '' }), [{ email: 'cy@example.com' }, { email: 'CY@example.com' }]);
	expect(customer.outputs.Accounting[0].map((item) => item.json.action)).toEqual(['created', 'updated']);
	const invoice = await run(flow({ operation: 'createInvoice', sourceId: 'inv-9', currency: 'USD', customerEmail: 'cy@example.com', customerName: '', lines: '[{"description": "Retainer", "unitPrice": 250}]', dueDate: '2026-12-31' }), [{}]);
	expect(invoice.outputs.Accounting[0][0].json).toMatchObject({ externalType: 'Invoice', total: '250.00' });
	const payment = await run(flow({ operation: 'recordPayment', sourceId: '={{ $json.body.paymentId }}', currency: 'USD', amount: '={{ $json.body.amount }}', invoiceSourceId: 'inv-9', customerEmail: '' }), [{ paymentId: 'pay-9', amount: 250 }, { paymentId: 'pay-9', amount: 250 }]);
	expect(payment.outputs.Accounting[0].map((item) => item.json.replayed)).toEqual([false, true]);
	expect(await control.state<unknown[]>('customers')).toHaveLength(1);
	expect(await control.state<unknown[]>('payments')).toHaveLength(1);
	const balance = await run(flow({ operation: 'getTransaction', sourceId: 'inv-9', transactionKind: 'invoice', refresh: true }), [{}]);
	expect(balance.outputs.Accounting[0][0].json).toMatchObject({ state: 'recorded', total: '250.00', balance: '0.00' });
});

test('Xero: a sale delivered twice is one paid invoice, one payment and one contact', async () => {
	const run1 = await run(flow({ ...saleParameters, platform: 'xero' }), [order('shop-x-1'), order('shop-x-1')]);
	expect(run1.status).toBe('success');
	expect(run1.outputs.Accounting[0].map((item) => [item.json.replayed, item.json.externalType, item.json.total])).toEqual([
		[false, 'ACCREC', '46.48'],
		[true, 'ACCREC', '46.48'],
	]);
	expect(await xeroControl.state<unknown[]>('invoices')).toEqual([expect.objectContaining({ InvoiceNumber: 'shop-x-1', Status: 'PAID', Total: 46.48 })]);
	expect(await xeroControl.state<unknown[]>('payments')).toHaveLength(1);
	expect(await xeroControl.state<unknown[]>('contacts')).toHaveLength(1);
	expect((await xeroControl.requests()).every((entry) => entry.status !== null && entry.status < 400)).toBe(true);
});

test('Xero: 60 sales in one run go in batches (50 invoices, then their payments); an element Xero refuses stops the node naming its item, or goes alone to the error output', async () => {
	const orders = Array.from({ length: 60 }, (_, index) => order(`shop-xb-${index}`, index === 7 ? { lines: [{ description: 'Mug', unitPrice: '5.00', taxCode: 'odd' }] } : {}));
	const refusing = { ...saleParameters, platform: 'xero', mappings: { taxCodes: '{"odd": "NO_SUCH_TAX"}' } };
	const stopped = await run(flow(refusing), orders);
	expect(stopped.status).toBe('error');
	expect((stopped.error as { message: string }).message).toMatch(/xero: The TaxType code 'NO_SUCH_TAX' does not exist/);
	expect((stopped.error as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(7);
	// Its batch was posted; nothing after that batch was.
	expect(await xeroControl.state<unknown[]>('invoices')).toHaveLength(49);
	const continued = await run(flow(refusing, 'continueErrorOutput'), orders);
	expect(continued.status).toBe('success');
	const [recorded, errors] = continued.outputs.Accounting;
	expect(recorded).toHaveLength(59);
	expect(recorded.filter((item) => item.json.replayed)).toHaveLength(49);
	expect(errors.map((item) => [item.pairedItem, item.json.error])).toEqual([[{ item: 7 }, expect.stringContaining('NO_SUCH_TAX')]]);
	const puts = (await xeroControl.requests()).filter((entry) => entry.method === 'PUT' && /\/(Invoices|Payments)$/.test(entry.path));
	expect(puts.map((entry) => [entry.path.split('/').at(-1), ((entry.body as Record<string, unknown[]>)[entry.path.split('/').at(-1)!]).length])).toEqual([
		['Invoices', 50],
		['Payments', 49],
		// The second run: the refused one alone again (the 49 recorded are answered from the store), then the last 10.
		['Invoices', 1],
		['Invoices', 10],
		['Payments', 10],
	]);
	expect(await xeroControl.state<unknown[]>('invoices')).toHaveLength(59);
	expect(await xeroControl.state<unknown[]>('payments')).toHaveLength(59);
});

test('Xero: items, tax rates and the sales account picked from Xero’s lists go on the invoice lines; a sales account saved as text still works', async () => {
	const picked = {
		...saleParameters,
		platform: 'xero',
		mappings: {
			itemPicks: { pick: [{ sku: 'MUG', item: { __rl: true, mode: 'list', value: 'MUG-01', cachedResultName: 'MUG-01 – Coffee mug' } }] },
			taxCodePicks: { pick: [{ code: 'std', taxCode: { __rl: true, mode: 'id', value: 'OUTPUT' } }] },
			salesAccount: { __rl: true, mode: 'list', value: '260' },
		},
	};
	const run1 = await run(flow(picked), [order('shop-pick-1', { lines: [{ description: 'Mug', quantity: 2, unitPrice: '19.99', sku: 'MUG', taxCode: 'std' }] })]);
	expect(run1.status).toBe('success');
	const [invoice] = await xeroControl.state<Array<{ LineItems: Array<Record<string, unknown>> }>>('invoices');
	expect(invoice.LineItems[0]).toMatchObject({ ItemCode: 'MUG-01', TaxType: 'OUTPUT', AccountCode: '260' });
	const saved = await run(flow({ ...saleParameters, platform: 'xero', mappings: { salesAccount: '200' } }), [order('shop-pick-2')]);
	expect(saved.status).toBe('success');
	expect((await xeroControl.state<Array<{ InvoiceNumber: string; LineItems: Array<Record<string, unknown>> }>>('invoices')).find((entry) => entry.InvoiceNumber === 'shop-pick-2')!.LineItems[0]).toMatchObject({ AccountCode: '200' });
	const unpicked = await run(flow({ ...saleParameters, platform: 'xero', mappings: { itemPicks: { pick: [{ sku: 'MUG', item: { __rl: true, mode: 'list', value: '' } }] } } }), [order('shop-pick-3')]);
	expect(unpicked.status).toBe('error');
	expect((unpicked.error as { message: string }).message).toMatch(/items\.MUG/);
});

test('Get Changes From Books: one run pulls what changed in QuickBooks since the last pull, once, whatever the input items', async () => {
	await run(flow(saleParameters), [order('shop-cdc-1')]);
	const pulled = await run(flow({ operation: 'getChanges', changedSince: '' }), [{}, {}]);
	expect(pulled.status).toBe('success');
	const changes = pulled.outputs.Accounting[0].map((item) => item.json);
	expect(changes.map((change) => [change.kind, change.sourceId ?? change.email])).toEqual(expect.arrayContaining([
		['customer', 'ann@example.com'],
		['sale', 'shop-cdc-1'],
	]));
	expect(changes).toHaveLength(2);
	expect((await run(flow({ operation: 'getChanges', changedSince: '' }), [{}])).outputs.Accounting[0]).toEqual([]);
	const refused = await run(flow({ operation: 'getChanges', changedSince: 'last week' }), [{}]);
	expect(refused.status).toBe('error');
	expect((refused.error as { message: string }).message).toMatch(/changedSince/);
});

test('Post: In the Next Batch on Xero: each order’s execution is told it is queued and sends nothing; one Post Queued Entries run posts every order once, in one PUT of invoices and one of payments', async () => {
	const queue = { ...saleParameters, platform: 'xero', posting: 'queue' };
	const answers = [];
	for (const id of ['web-1', 'web-2', 'web-3', 'web-2']) answers.push((await run(flow(queue), [order(id)])).outputs.Accounting[0][0].json);
	expect(answers.map((answer) => [answer.queued, answer.sourceId, answer.alreadyQueued])).toEqual([
		[true, 'web-1', false],
		[true, 'web-2', false],
		[true, 'web-3', false],
		[true, 'web-2', true],
	]);
	expect((await xeroControl.requests()).filter((entry) => entry.path.endsWith('/Invoices'))).toHaveLength(0);
	const flushed = await run(flow({ platform: 'xero', operation: 'postQueued' }), [{}]);
	expect(flushed.status).toBe('success');
	const posted = flushed.outputs.Accounting[0].map((item) => item.json);
	expect(posted.map((entry) => [entry.sourceId, entry.replayed, entry.total, entry.usageEventId]).sort()).toEqual(
		['web-1', 'web-2', 'web-3'].map((id) => [id, false, '46.48', `accounting:xero:${xero.credentials.tenantId}:sale:${id}`]),
	);
	const puts = (await xeroControl.requests()).filter((entry) => entry.method === 'PUT' && /\/(Invoices|Payments)$/.test(entry.path));
	expect(puts.map((entry) => entry.path.split('/').at(-1))).toEqual(['Invoices', 'Payments']);
	expect(await xeroControl.state<unknown[]>('invoices')).toHaveLength(3);
	const again = await run(flow({ platform: 'xero', operation: 'postQueued' }), [{}]);
	expect(again.outputs.Accounting[0]).toEqual([]);
	expect((await run(flow(queue), [order('web-1')])).outputs.Accounting[0][0].json).toMatchObject({ sourceId: 'web-1', replayed: true, externalId: posted.find((entry) => entry.sourceId === 'web-1')!.externalId });
});
