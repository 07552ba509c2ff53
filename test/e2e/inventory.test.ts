/**
 * The Inventory Fan-out in the real n8n against the four commerce sandboxes: the order template published as webhooks
 * that the Shopify and WooCommerce sandboxes call with signed order events (each delivered twice): stock changes once,
 * one fulfillment request and one accounting entry per order reach the receivers sandbox; the buyer's HubSpot contact
 * gets the order total once; a forged delivery is refused
 * with 401; the reconcile template run on demand corrects a drifted store.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { startN8n, type N8nServer } from '../harness/n8nServer';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { repoRoot } from '../harness/paths';
import type { WorkflowJson } from '../harness/workflowJson';
import { startCommerceSandboxes, type CommerceSandboxes } from '../support/inventoryStores';

jest.setTimeout(600_000);

const template = (name: string) => JSON.parse(readFileSync(path.join(repoRoot, 'workflows', name), 'utf8')) as WorkflowJson;
const secrets = { shopify: 'shpss_e2e_secret', woocommerce: 'woo_e2e_secret' };

let n8n: N8nServer;
let sandboxes: CommerceSandboxes;
let receivers: RunningSandbox;
let hubspot: RunningSandbox;
let orderWorkflowId: string;
let reconcileWorkflowId: string;

beforeAll(async () => {
	sandboxes = await startCommerceSandboxes();
	receivers = await startSandbox('receivers');
	hubspot = await startSandbox('hubspot');
	n8n = await startN8n();
	const [shopify, woocommerce, magento, bigcommerce] = sandboxes.stores;
	const ids = {
		integrationShopifyApi: await n8n.createCredential('integrationShopifyApi', 'Shopify Store', {
			accessToken: shopify.settings.accessToken,
			locationId: shopify.settings.locationId,
			baseUrl: shopify.baseUrl,
			webhookSecret: secrets.shopify,
		}),
		integrationWooCommerceApi: await n8n.createCredential('integrationWooCommerceApi', 'WooCommerce Store', {
			consumerKey: woocommerce.settings.consumerKey,
			consumerSecret: woocommerce.settings.consumerSecret,
			baseUrl: woocommerce.baseUrl,
			webhookSecret: secrets.woocommerce,
		}),
		integrationMagentoApi: await n8n.createCredential('integrationMagentoApi', 'Magento Store', { accessToken: magento.settings.accessToken, sourceCode: magento.settings.sourceCode, baseUrl: magento.baseUrl }),
		integrationBigCommerceApi: await n8n.createCredential('integrationBigCommerceApi', 'BigCommerce Store', { accessToken: bigcommerce.settings.accessToken, locationId: 1, baseUrl: bigcommerce.baseUrl }),
		integrationHubSpotApi: await n8n.createCredential('integrationHubSpotApi', 'HubSpot CRM', { accessToken: hubspot.credentials.accessToken, baseUrl: hubspot.baseUrl }),
		httpHeaderAuth: await n8n.createCredential('httpHeaderAuth', 'Fulfillment Receiver', { name: 'Authorization', value: `Bearer ${receivers.credentials.bearerToken}` }),
	};
	const orders = template('order-inventory-fanout.json');
	orders.nodes = orders.nodes.map((node) =>
		typeof node.parameters?.url === 'string' ? { ...node, parameters: { ...node.parameters, url: String(node.parameters.url).replace('https://receivers.example.com', receivers.baseUrl) } } : node,
	);
	orderWorkflowId = await n8n.importWorkflow(orders, { credentials: ids });
	await n8n.activate(orderWorkflowId);
	const reconcile = template('inventory-reconcile.json');
	reconcile.nodes = reconcile.nodes.map((node) => (node.name === 'Reconcile Stock' ? { ...node, parameters: { ...node.parameters, skus: 'E2E-1', baselineStore: 'shopify' } } : node));
	reconcileWorkflowId = await n8n.importWorkflow(reconcile, { credentials: ids });
	await sandboxes.seed(['E2E-1'], 100);
	await sandboxes.controls.shopify.registerWebhook(`${n8n.baseUrl}/webhook/inventory/shopify-orders`, secrets.shopify);
	await sandboxes.controls.woocommerce.registerWebhook(`${n8n.baseUrl}/webhook/inventory/woocommerce-orders`, secrets.woocommerce);
	await sandboxes.controls.shopify.updateSettings({ duplicateWebhooks: true });
	await sandboxes.controls.woocommerce.updateSettings({ duplicateWebhooks: true });
});

afterAll(async () => {
	await n8n?.stop();
	await sandboxes?.close();
	await receivers?.close();
	await hubspot?.close();
});

async function placeOrder(store: 'shopify' | 'woocommerce', sku: string, quantity: number, buyer?: { email: string; price: string }): Promise<void> {
	const { baseUrl, credentials } = sandboxes.sandboxes[store];
	const request =
		store === 'shopify'
			? { url: `${baseUrl}/admin/api/2025-01/orders.json`, headers: { 'X-Shopify-Access-Token': credentials.accessToken }, body: { order: { email: buyer?.email, line_items: [{ sku, quantity, price: buyer?.price }] } } }
			: { url: `${baseUrl}/wp-json/wc/v3/orders`, headers: { authorization: `Basic ${Buffer.from(`${credentials.consumerKey}:${credentials.consumerSecret}`).toString('base64')}` }, body: { line_items: [{ sku, quantity }] } };
	const response = await fetch(request.url, { method: 'POST', headers: { ...request.headers, 'content-type': 'application/json' }, body: JSON.stringify(request.body) });
	expect(response.status).toBe(201);
}

/** Waits until `count` executions of the order workflow have finished since `before`. */
async function settled(before: Set<string>, count: number) {
	const deadline = Date.now() + 120_000;
	for (;;) {
		const runs = (await n8n.executions(orderWorkflowId)).filter((run) => !before.has(run.id));
		if (runs.length >= count && runs.every((run) => run.finished || run.status === 'error')) return runs;
		if (Date.now() > deadline) throw new Error(`only ${runs.length} of ${count} executions finished`);
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
}

const earlierRuns = async () => new Set((await n8n.executions(orderWorkflowId)).map((run) => run.id));

test('an order on Shopify, delivered twice, takes stock off the other three stores once', async () => {
	const before = await earlierRuns();
	await placeOrder('shopify', 'E2E-1', 3, { email: 'buyer@example.com', price: '12.50' });
	const runs = await settled(before, 2);
	expect(runs.map((run) => run.status)).toEqual(['success', 'success']);
	const applied = runs.flatMap((run) => (run.outputs['Stock Updated']?.[0] ?? []).map((item) => item.json));
	expect(applied.filter((item) => item.status === 'applied').map((item) => item.store).sort()).toEqual(['bigcommerce', 'magento', 'woocommerce']);
	expect(applied.filter((item) => item.duplicateDelivery)).toHaveLength(1);
	// The Usage Meter records the order once per delivery run, keyed by order id, passing the order on unchanged.
	const metered = runs.flatMap((run) => (run.outputs['Meter Order']?.[0] ?? []).map((item) => item.json));
	expect(metered.map((order) => order.orderId)).toEqual([metered[0].orderId, metered[0].orderId]);
	const { deliveries } = await sandboxes.controls.shopify.webhooks();
	expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200]);
	expect(await sandboxes.quantities('E2E-1')).toEqual({ shopify: 97, woocommerce: 97, magento: 97, bigcommerce: 97 });
	// One fulfillment request and one sale entry per order: the second delivery repeats them with the same idempotency key.
	const received = await new SandboxControl(receivers.baseUrl).state<Array<{ receiver: string; idempotencyKey: string; requests: number; body: { lines: unknown[] } }>>('deliveries');
	const orderKey = (receiver: string) => received.filter((delivery) => delivery.receiver === receiver);
	expect(orderKey('fulfillment')).toHaveLength(1);
	expect(orderKey('fulfillment')[0]).toMatchObject({ idempotencyKey: expect.stringMatching(/^fulfillment:shopify:\d+$/), requests: 2, body: { lines: [{ sku: 'E2E-1', quantity: 3 }] } });
	expect(orderKey('accounting')).toHaveLength(1);
	expect(orderKey('accounting')[0].idempotencyKey).toMatch(/^sale:shopify:\d+$/);
	// The buyer's contact holds the order's total once, though both deliveries recorded the purchase.
	const customerUpdates = runs.flatMap((run) => (run.outputs['Update Customer in CRM']?.[0] ?? []).map((item) => item.json));
	expect(customerUpdates.map((update) => update.recorded).sort()).toEqual([false, true]);
	const contacts = await new SandboxControl(hubspot.baseUrl).state<Array<{ properties: Record<string, string> }>>('contacts');
	const buyer = contacts.filter((contact) => contact.properties.email === 'buyer@example.com');
	expect(buyer).toHaveLength(1);
	expect(Number(buyer[0].properties.total_revenue)).toBe(37.5);
});

test('an order on WooCommerce fans out to Shopify, Magento and BigCommerce', async () => {
	const before = await earlierRuns();
	await placeOrder('woocommerce', 'E2E-1', 2);
	await settled(before, 2);
	expect(await sandboxes.quantities('E2E-1')).toEqual({ shopify: 95, woocommerce: 95, magento: 95, bigcommerce: 95 });
});

test('a forged order webhook is refused with 401 and changes nothing', async () => {
	const body = { id: 999, line_items: [{ id: 1, sku: 'E2E-1', quantity: 50 }] };
	const reply = await n8n.callWebhook('inventory/shopify-orders', { body, headers: { 'X-Shopify-Hmac-Sha256': Buffer.from('forged').toString('base64'), 'X-Shopify-Webhook-Id': 'forged-1' } });
	expect(reply.status).toBe(401);
	expect(reply.body).toEqual({ error: 'signature does not match the body' });
	expect(await sandboxes.quantities('E2E-1')).toEqual({ shopify: 95, woocommerce: 95, magento: 95, bigcommerce: 95 });
});

test('the reconcile template brings a drifted store back to the expected quantity', async () => {
	await sandboxes.controls.magento.seed({ sourceItems: [{ sku: 'E2E-1', quantity: 60 }] });
	const run = await n8n.runManual(reconcileWorkflowId);
	expect(run.status).toBe('success');
	// Reconcile entries (they carry `actual`), beside the outcomes of the polled orders, which the webhooks already applied.
	const entries = (run.outputs['Stores In Step']?.[0] ?? []).map((item) => item.json).filter((item) => item.sku === 'E2E-1' && 'actual' in item);
	const polled = (run.outputs['Poll Store Orders']?.[0] ?? []).map((item) => item.json);
	expect(polled.length).toBeGreaterThan(0);
	expect(polled.every((outcome) => outcome.alreadyDone === true)).toBe(true);
	expect(entries.find((entry) => entry.store === 'magento')).toMatchObject({ status: 'corrected', actual: 60, expected: 95 });
	expect(await sandboxes.quantities('E2E-1')).toEqual({ shopify: 95, woocommerce: 95, magento: 95, bigcommerce: 95 });
});
