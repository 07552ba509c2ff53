/**
 * Accounting Sync in the real n8n, against the QuickBooks sandbox through an OAuth2 credential: a webhook workflow
 * records each order's sale; the same order delivered twice is answered twice with the same sales receipt, and the
 * sandbox holds one.
 */
import { startN8n, type N8nServer } from '../harness/n8nServer';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';

jest.setTimeout(600_000);

let n8n: N8nServer;
let qbo: RunningSandbox;
let workflowId: string;

const workflow = {
	name: 'Record each order in QuickBooks',
	nodes: [
		{ name: 'Order Received', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'accounting/orders', httpMethod: 'POST', responseMode: 'lastNode' } },
		{
			name: 'Record Sale',
			type: 'n8n-nodes-integration-automation.accountingSync',
			typeVersion: 1,
			position: [220, 0],
			credentials: { integrationQuickBooksOAuth2Api: { id: 'placeholder', name: 'QuickBooks sandbox' } },
			parameters: {
				platform: 'quickbooks',
				operation: 'recordSale',
				sourceId: '={{ $json.body.orderId }}',
				currency: '={{ $json.body.currency }}',
				customerEmail: '={{ $json.body.email }}',
				customerName: '={{ $json.body.name }}',
				lines: '={{ $json.body.lines }}',
				discount: '',
				shipping: '={{ $json.body.shipping }}',
				tax: '={{ $json.body.tax }}',
			},
		},
	],
	connections: { 'Order Received': { main: [[{ node: 'Record Sale', type: 'main', index: 0 }]] } },
	settings: {},
};

beforeAll(async () => {
	qbo = await startSandbox('quickbooks');
	n8n = await startN8n();
	const credentialId = await n8n.createCredential('integrationQuickBooksOAuth2Api', 'QuickBooks sandbox', {
		environment: 'sandbox',
		realmId: qbo.credentials.realmId,
		baseUrl: qbo.baseUrl,
		clientId: 'sandbox-client',
		clientSecret: 'sandbox-client-secret',
		oauthTokenData: { access_token: qbo.credentials.accessToken, token_type: 'Bearer', refresh_token: 'sandbox-refresh-token' },
	});
	workflowId = await n8n.importWorkflow(workflow, { credentials: { integrationQuickBooksOAuth2Api: credentialId } });
	await n8n.activate(workflowId);
});

afterAll(async () => {
	await n8n?.stop();
	await qbo?.close();
});

test('an order delivered twice is recorded as one sales receipt, and both deliveries answer with it', async () => {
	const body = { orderId: 'e2e-order-1', currency: 'USD', email: 'ann@example.com', name: 'Ann Lee', lines: [{ description: 'Mug', quantity: 2, unitPrice: '19.99' }], shipping: '4.00', tax: '2.50' };
	const first = await n8n.callWebhook('accounting/orders', { body });
	const second = await n8n.callWebhook('accounting/orders', { body });
	expect(first).toMatchObject({ status: 200, body: { sourceId: 'e2e-order-1', externalType: 'SalesReceipt', total: '46.48', replayed: false } });
	expect(second).toMatchObject({ status: 200, body: { sourceId: 'e2e-order-1', replayed: true, externalId: (first.body as { externalId: string }).externalId } });
	const control = new SandboxControl(qbo.baseUrl);
	const receipts = await control.state<Array<{ DocNumber: string; TotalAmt: number }>>('salesreceipts');
	expect(receipts).toEqual([expect.objectContaining({ DocNumber: 'e2e-order-1', TotalAmt: 46.48 })]);
	expect(await control.state<unknown[]>('customers')).toHaveLength(1);
});
