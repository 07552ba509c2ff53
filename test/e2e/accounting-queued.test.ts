/**
 * Accounting Sync's Post: In the Next Batch in the real n8n, on the Xero sandbox through its OAuth2 credential: one
 * workflow whose webhook branch queues each order (one execution per order, one delivered twice) and whose second
 * branch posts the queue (a Manual Trigger here, a Schedule Trigger in use). The deliveries are answered queued and send
 * nothing to Xero; one flush posts one invoice and one payment per order in one PUT of each; a second flush posts nothing.
 */
import { startN8n, type N8nServer } from '../harness/n8nServer';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';

jest.setTimeout(600_000);

let n8n: N8nServer;
let xero: RunningSandbox;
let control: SandboxControl;
let workflowId: string;

const credentials = { integrationXeroOAuth2Api: { id: 'placeholder', name: 'Xero sandbox' } };

const workflow = {
	name: 'Record each order in Xero, in batches',
	nodes: [
		{ name: 'Order Received', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'accounting/queued-orders', httpMethod: 'POST', responseMode: 'lastNode' } },
		{
			name: 'Queue Sale',
			type: 'n8n-nodes-integration-automation.accountingSync',
			typeVersion: 1,
			position: [220, 0],
			credentials,
			parameters: {
				platform: 'xero',
				operation: 'recordSale',
				posting: 'queue',
				sourceId: '={{ $json.body.orderId }}',
				currency: '={{ $json.body.currency }}',
				customerEmail: '={{ $json.body.email }}',
				customerName: '={{ $json.body.name }}',
				lines: '={{ $json.body.lines }}',
				discount: '',
				shipping: '={{ $json.body.shipping }}',
				tax: '',
			},
		},
		{ name: 'Every 5 Minutes (here: by hand)', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 240], parameters: {} },
		{ name: 'Post Queued Entries', type: 'n8n-nodes-integration-automation.accountingSync', typeVersion: 1, position: [220, 240], credentials, parameters: { platform: 'xero', operation: 'postQueued' } },
	],
	connections: {
		'Order Received': { main: [[{ node: 'Queue Sale', type: 'main', index: 0 }]] },
		'Every 5 Minutes (here: by hand)': { main: [[{ node: 'Post Queued Entries', type: 'main', index: 0 }]] },
	},
	settings: {},
};

beforeAll(async () => {
	xero = await startSandbox('xero');
	control = new SandboxControl(xero.baseUrl);
	n8n = await startN8n();
	const credentialId = await n8n.createCredential('integrationXeroOAuth2Api', 'Xero sandbox', {
		tenantId: xero.credentials.tenantId,
		baseUrl: xero.baseUrl,
		clientId: 'sandbox-client',
		clientSecret: 'sandbox-client-secret',
		oauthTokenData: { access_token: xero.credentials.accessToken, token_type: 'Bearer', refresh_token: 'sandbox-refresh-token' },
	});
	workflowId = await n8n.importWorkflow(workflow, { credentials: { integrationXeroOAuth2Api: credentialId } });
	await n8n.activate(workflowId);
});

afterAll(async () => {
	await n8n?.stop();
	await xero?.close();
});

const order = (orderId: string) => ({ orderId, currency: 'USD', email: `${orderId}@example.com`, name: 'Ann Lee', lines: [{ description: 'Mug', quantity: 2, unitPrice: '19.99' }], shipping: '4.00' });

test('orders queued one execution each (one delivered twice) are posted by one flush: one invoice and one payment per order', async () => {
	const ids = ['e2e-q-1', 'e2e-q-2', 'e2e-q-3', 'e2e-q-2', 'e2e-q-4'];
	const answers = [];
	for (const id of ids) answers.push(await n8n.callWebhook('accounting/queued-orders', { body: order(id) }));
	expect(answers.map((answer) => [answer.status, (answer.body as { queued: boolean }).queued, (answer.body as { alreadyQueued: boolean }).alreadyQueued])).toEqual([
		[200, true, false],
		[200, true, false],
		[200, true, false],
		[200, true, true],
		[200, true, false],
	]);
	expect((await control.requests()).filter((entry) => /\/(Invoices|Payments)$/.test(entry.path))).toHaveLength(0);
	const flushed = await n8n.runManual(workflowId, 'Every 5 Minutes (here: by hand)');
	expect(flushed.status).toBe('success');
	const invoices = await control.state<Array<{ InvoiceNumber: string; Status: string; Total: number }>>('invoices');
	expect(invoices.map((invoice) => invoice.InvoiceNumber).sort()).toEqual(['e2e-q-1', 'e2e-q-2', 'e2e-q-3', 'e2e-q-4']);
	expect(invoices.every((invoice) => invoice.Status === 'PAID' && invoice.Total === 43.98)).toBe(true);
	expect(await control.state<unknown[]>('payments')).toHaveLength(4);
	const puts = (await control.requests()).filter((entry) => entry.method === 'PUT' && /\/(Invoices|Payments)$/.test(entry.path));
	expect(puts.map((entry) => entry.path.split('/').at(-1))).toEqual(['Invoices', 'Payments']);
	expect((await n8n.runManual(workflowId, 'Every 5 Minutes (here: by hand)')).status).toBe('success');
	expect(await control.state<unknown[]>('invoices')).toHaveLength(4);
	const again = await n8n.callWebhook('accounting/queued-orders', { body: order('e2e-q-3') });
	expect(again.body).toMatchObject({ sourceId: 'e2e-q-3', replayed: true });
});
