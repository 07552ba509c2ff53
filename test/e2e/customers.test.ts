/**
 * Sync Customers (Inventory Fan-out) in the real n8n, through the customer template, against the WooCommerce,
 * BigCommerce and HubSpot sandboxes: a customer created on BigCommerce, whose hook is delivered twice to the template's
 * authenticated webhook, appears once in HubSpot and once on WooCommerce; a delivery without the caller key starts nothing.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

import { closeAllStores } from '../../lib/store';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { startSmtpSink, type SmtpSink } from '../sandbox/smtp';
import { packPackage, startN8n, type N8nServer } from '../harness/n8nServer';
import { repoRoot } from '../harness/paths';
import { meteredQuantities, usageWorkflow } from '../harness/usage';
import type { WorkflowJson } from '../harness/workflowJson';
import { startCommerceSandboxes, type CommerceSandboxes } from '../support/inventoryStores';

jest.setTimeout(600_000);

const callerKey = { name: 'X-Api-Key', value: 'e2e-customer-webhook-key' };
const webhookPath = 'commerce/customer-changed';

let n8n: N8nServer;
let sandboxes: CommerceSandboxes;
let hubspotSandbox: RunningSandbox;
let hubspot: SandboxControl;
let packageTarball: string;
let workflowId: string;
let usageWorkflowId: string;
let smtp: SmtpSink;

const store = (platform: string) => sandboxes.stores.find((entry) => entry.platform === platform)!;

/** A call to the BigCommerce sandbox's v3 API with the store's token. */
async function bigCommerce(method: string, route: string, body: unknown): Promise<{ status: number; body: { data: Array<{ id: number }> } }> {
	const bigcommerce = store('bigcommerce');
	const response = await fetch(`${bigcommerce.baseUrl}${route}`, {
		method,
		headers: { 'X-Auth-Token': String(bigcommerce.settings.accessToken), 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	return { status: response.status, body: (await response.json()) as { data: Array<{ id: number }> } };
}

beforeAll(async () => {
	sandboxes = await startCommerceSandboxes();
	hubspotSandbox = await startSandbox('hubspot');
	hubspot = new SandboxControl(hubspotSandbox.baseUrl);
	packageTarball = await packPackage();
	n8n = await startN8n({ packageTarball });
	// The template emails customers a store or the CRM refused.
	smtp = await startSmtpSink();
	const [woocommerce, bigcommerce] = ['woocommerce', 'bigcommerce'].map(store);
	const ids = {
		integrationWooCommerceApi: await n8n.createCredential('integrationWooCommerceApi', 'WooCommerce Store', { consumerKey: woocommerce.settings.consumerKey, consumerSecret: woocommerce.settings.consumerSecret, baseUrl: woocommerce.baseUrl }),
		integrationBigCommerceApi: await n8n.createCredential('integrationBigCommerceApi', 'BigCommerce Store', { accessToken: bigcommerce.settings.accessToken, locationId: 1, baseUrl: bigcommerce.baseUrl }),
		integrationHubSpotApi: await n8n.createCredential('integrationHubSpotApi', 'HubSpot', { accessToken: hubspotSandbox.credentials.accessToken, baseUrl: hubspotSandbox.baseUrl }),
		httpHeaderAuth: await n8n.createCredential('httpHeaderAuth', 'Webhook caller key', callerKey),
		smtp: await n8n.createCredential('smtp', 'SMTP sink', { host: smtp.host, port: smtp.port, secure: false, disableStartTls: true, user: '', password: '' }),
	};
	const template = JSON.parse(readFileSync(path.join(repoRoot, 'workflows', 'customer-sync.json'), 'utf8')) as WorkflowJson;
	workflowId = await n8n.importWorkflow(template, { credentials: ids });
	await n8n.activate(workflowId);
	usageWorkflowId = await n8n.importWorkflow(usageWorkflow('demo', 'demo', 'crm_sync_per_record'));
	// BigCommerce sends the hook's custom headers with every delivery: the caller key goes there.
	const hook = await bigCommerce('POST', '/hooks', { scope: 'store/customer/created', destination: `${n8n.webhookBaseUrl}/webhook/${webhookPath}`, is_active: true, headers: { [callerKey.name]: callerKey.value } });
	expect(hook.status).toBe(200);
});

afterAll(async () => {
	await closeAllStores();
	await n8n?.stop();
	if (packageTarball) rmSync(path.dirname(packageTarball), { recursive: true, force: true });
	await sandboxes?.close();
	await hubspotSandbox?.close();
	await smtp?.close();
});

// The hook deliveries' runs: the published template's 15-minute schedule may also fire while a loaded machine runs this.
const webhookRuns = async () => (await n8n.executions(workflowId)).filter((run) => run.mode === 'webhook');
const finishedRuns = async () => (await webhookRuns()).filter((run) => !['new', 'running', 'waiting'].includes(run.status));

test('a customer created on BigCommerce, its hook delivered twice, appears once in HubSpot and once on WooCommerce', async () => {
	const created = await bigCommerce('POST', '/customers', [{ email: 'Twice@Example.com', first_name: 'Ada', last_name: 'Lovelace', phone: '+15550100', accepts_product_review_abandoned_cart_emails: false }]);
	expect(created.status).toBe(200);
	// The hook's second delivery of the same customer, as BigCommerce retries one it took for lost.
	await sandboxes.controls.bigcommerce.emitEvent({ scope: 'store/customer/created', orderId: created.body.data[0].id });

	const deadline = Date.now() + 120_000;
	while ((await finishedRuns()).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 500));
	const runs = await finishedRuns();
	expect(runs.map((run) => run.status)).toEqual(['success', 'success']);
	for (const run of runs) expect(run.outputs['Sync Customers']?.[1] ?? []).toEqual([]);
	const created_ = runs.flatMap((run) => run.outputs['Sync Customers']?.[0] ?? []).map((item) => item.json as { store: string; created: number; updated: number });
	// Together the two runs created the customer once on each side; the later run found nothing left.
	expect(created_.filter((entry) => entry.store === 'hubspot').reduce((sum, entry) => sum + entry.created + entry.updated, 0)).toBe(1);
	expect(created_.filter((entry) => entry.store === 'woocommerce').reduce((sum, entry) => sum + entry.created, 0)).toBe(1);
	// Metered as records synced: every customer written to a store or the CRM, once; a Sync Now run that finds nothing meters nothing.
	const written = created_.reduce((sum, entry) => sum + entry.created + entry.updated, 0);
	expect(written).toBeGreaterThanOrEqual(2);
	expect((await meteredQuantities(n8n, usageWorkflowId)).syncs).toBe(written);
	await n8n.runManual(workflowId, 'Sync Now');
	expect((await meteredQuantities(n8n, usageWorkflowId)).syncs).toBe(written);

	const contacts = (await hubspot.state<Array<{ properties: Record<string, string | null> }>>('contacts')).filter((contact) => contact.properties.email === 'twice@example.com');
	expect(contacts.map((contact) => `${contact.properties.firstname} ${contact.properties.lastname}`)).toEqual(['Ada Lovelace']);
	const customers = (await sandboxes.controls.woocommerce.state<Array<{ email: string; first_name: string }>>('customers')).filter((customer) => customer.email === 'twice@example.com');
	expect(customers.map((customer) => customer.first_name)).toEqual(['Ada']);
});

test('a delivery without the caller key is refused before anything runs', async () => {
	const before = (await webhookRuns()).length;
	const reply = await n8n.callWebhook(webhookPath, { body: { scope: 'store/customer/created', data: { type: 'customer', id: 1 } } });
	expect(reply.status).toBe(403);
	await new Promise((resolve) => setTimeout(resolve, 1000));
	expect((await webhookRuns()).length).toBe(before);
});
