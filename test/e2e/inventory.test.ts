/**
 * The Inventory Fan-out in the real n8n against the four commerce sandboxes: the order template published as webhooks
 * that the Shopify and WooCommerce sandboxes call with signed order events (each delivered twice). The order is
 * recorded before it is answered, so a repeated delivery is answered 200 and goes no further: stock changes once, the
 * fulfillment and accounting receivers are called once per order, the buyer's HubSpot contact gets the order total
 * once. A forged delivery is refused with 401, a signed order with an invalid line (-3, "2", 1.5, no SKU) with 422
 * naming the line and field, and nothing is recorded or moved. The reconcile template run on demand corrects a drifted store. Last, n8n killed (SIGKILL) after answering an
 * order: restarted, the order's remaining steps are each done once.
 */
import { createHmac } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { packPackage, startN8n, type N8nServer } from '../harness/n8nServer';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { repoRoot } from '../harness/paths';
import type { WorkflowJson } from '../harness/workflowJson';
import { startCommerceSandboxes, type CommerceSandboxes } from '../support/inventoryStores';

jest.setTimeout(600_000);

const template = (name: string) => JSON.parse(readFileSync(path.join(repoRoot, 'workflows', name), 'utf8')) as WorkflowJson;
const secrets = { shopify: 'shpss_e2e_secret', woocommerce: 'woo_e2e_secret' };
/** How long after recording an order a resume may take over its steps (300 s in the template). */
const resumeAfterSeconds = 15;

let n8n: N8nServer;
let sandboxes: CommerceSandboxes;
let receivers: RunningSandbox;
let hubspot: RunningSandbox;
let packageTarball: string;
let orderWorkflowId: string;
let reconcileWorkflowId: string;
/** The user folder of an n8n restarted by the crash test, which the harness does not remove itself. */
let keptUserFolder: string | undefined;

beforeAll(async () => {
	sandboxes = await startCommerceSandboxes();
	receivers = await startSandbox('receivers');
	hubspot = await startSandbox('hubspot');
	packageTarball = await packPackage();
	n8n = await startN8n({ packageTarball });
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
	orders.nodes = orders.nodes.map((node) => {
		const parameters = node.parameters ?? {};
		if (typeof parameters.url === 'string') return { ...node, parameters: { ...parameters, url: parameters.url.replace('https://receivers.example.com', receivers.baseUrl) } };
		if (['recordOrder', 'resumeOrders'].includes(String(parameters.operation))) return { ...node, parameters: { ...parameters, resumeAfter: resumeAfterSeconds } };
		return node;
	});
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
	if (keptUserFolder) rmSync(keptUserFolder, { recursive: true, force: true });
	if (packageTarball) rmSync(path.dirname(packageTarball), { recursive: true, force: true });
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

/** An order delivered to a store's order webhook, signed as that store signs it (base64 HMAC-SHA256 of the body). */
async function signedOrder(store: 'shopify' | 'woocommerce', order: object, deliveryId: string) {
	const body = JSON.stringify(order);
	const signature = createHmac('sha256', secrets[store]).update(body).digest('base64');
	const headers: Record<string, string> =
		store === 'shopify'
			? { 'X-Shopify-Hmac-Sha256': signature, 'X-Shopify-Webhook-Id': deliveryId }
			: { 'X-WC-Webhook-Signature': signature, 'X-WC-Webhook-Delivery-ID': deliveryId };
	return await n8n.callWebhook(`inventory/${store}-orders`, { body, headers: { 'content-type': 'application/json', ...headers } });
}

/** Waits until `count` webhook executions of the order workflow have finished since `before` (the resume schedule's are left out), oldest first. */
async function settled(before: Set<string>, count: number) {
	const deadline = Date.now() + 120_000;
	for (;;) {
		const runs = (await n8n.executions(orderWorkflowId)).filter((run) => !before.has(run.id) && run.mode === 'webhook').reverse();
		if (runs.length >= count && runs.every((run) => run.finished || run.status === 'error')) return runs;
		if (Date.now() > deadline) throw new Error(`only ${runs.length} of ${count} executions finished`);
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
}

const earlierRuns = async () => new Set((await n8n.executions(orderWorkflowId)).map((run) => run.id));

/** The package's state store in n8n's user folder, read beside the running (or killed) n8n. */
function stateQuery<T>(sql: string, ...params: string[]): T[] {
	const db = new DatabaseSync(path.join(n8n.userFolder, '.n8n', 'integration-automation', 'state.sqlite'), { readOnly: true });
	try {
		return db.prepare(sql).all(...params) as T[];
	} finally {
		db.close();
	}
}

/** The steps of a recorded order still open; undefined when the order was never recorded. */
function openSteps(orderKey: string): string[] | undefined {
	const steps = stateQuery<{ step: string; status: string }>('SELECT step, status FROM outbox_steps WHERE entry_key = ? ORDER BY position', orderKey);
	return steps.length === 0 ? undefined : steps.filter((step) => step.status === 'pending').map((step) => step.step);
}

const outboxEntry = (orderKey: string) => stateQuery<{ attempts: number; created_at: string }>('SELECT attempts, created_at FROM outbox_entries WHERE entry_key = ?', orderKey)[0];

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

type ReceivedDelivery = { receiver: string; idempotencyKey: string; requests: number; body: { lines: unknown[] } };
const receiverDeliveries = async (orderKey?: string) =>
	(await new SandboxControl(receivers.baseUrl).state<ReceivedDelivery[]>('deliveries')).filter((delivery) => !orderKey || delivery.idempotencyKey.endsWith(`:${orderKey}`));
const revenueOf = async (email: string) =>
	(await new SandboxControl(hubspot.baseUrl).state<Array<{ properties: Record<string, string> }>>('contacts'))
		.filter((contact) => contact.properties.email === email)
		.map((contact) => Number(contact.properties.total_revenue));
const stepNodes = ['Stock Recorded', 'Fulfillment Requested', 'Sale Recorded', 'Customer Updated'];

test('an order on Shopify, delivered twice, is recorded once: stock, fulfillment, accounting and CRM each once', async () => {
	const before = await earlierRuns();
	await placeOrder('shopify', 'E2E-1', 3, { email: 'buyer@example.com', price: '12.50' });
	const runs = await settled(before, 2);
	expect(runs.map((run) => run.status)).toEqual(['success', 'success']);
	const { deliveries } = await sandboxes.controls.shopify.webhooks();
	expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200]);
	// Whichever delivery is recorded first goes on; the other is answered as already recorded and stops there.
	const recorded = runs.flatMap((run) => (run.outputs['Record Order']?.[0] ?? []).map((item) => item.json));
	const repeated = runs.flatMap((run) => (run.outputs['Record Order']?.[1] ?? []).map((item) => item.json));
	expect(recorded).toMatchObject([{ orderKey: expect.stringMatching(/^shopify:\d+$/), pendingSteps: ['stock', 'fulfillment', 'accounting', 'crm'] }]);
	const orderKey = recorded[0].orderKey as string;
	expect(repeated).toMatchObject([{ orderKey, duplicate: true }]);
	const applied = runs.flatMap((run) => (run.outputs['Fan Out Stock']?.[0] ?? []).map((item) => item.json));
	expect(applied.map((item) => item.store).sort()).toEqual(['bigcommerce', 'magento', 'woocommerce']);
	expect(await sandboxes.quantities('E2E-1')).toEqual({ shopify: 97, woocommerce: 97, magento: 97, bigcommerce: 97 });
	// One fulfillment request and one sale entry per order, each sent once (before: once per delivery).
	const received = await receiverDeliveries(orderKey);
	expect(received.filter((delivery) => delivery.receiver === 'fulfillment')).toMatchObject([{ idempotencyKey: `fulfillment:${orderKey}`, requests: 1, body: { lines: [{ sku: 'E2E-1', quantity: 3 }] } }]);
	expect(received.filter((delivery) => delivery.receiver === 'accounting')).toMatchObject([{ idempotencyKey: `sale:${orderKey}`, requests: 1 }]);
	// Every step of the order marked done, each once.
	const completed = runs.flatMap((run) => stepNodes.flatMap((name) => (run.outputs[name]?.[0] ?? []).map((item) => item.json)));
	expect(completed.filter((step) => step.completed).map((step) => step.step).sort()).toEqual(['accounting', 'crm', 'fulfillment', 'stock']);
	expect(openSteps(orderKey)).toEqual([]);
	expect(await revenueOf('buyer@example.com')).toEqual([37.5]);
});

test('an order on WooCommerce fans out to Shopify, Magento and BigCommerce; without a buyer email the CRM step is done with nothing to update', async () => {
	const before = await earlierRuns();
	await placeOrder('woocommerce', 'E2E-1', 2);
	const runs = await settled(before, 2);
	expect(runs.map((run) => run.status)).toEqual(['success', 'success']);
	expect(await sandboxes.quantities('E2E-1')).toEqual({ shopify: 95, woocommerce: 95, magento: 95, bigcommerce: 95 });
	const [recorded] = runs.flatMap((run) => (run.outputs['Record Order']?.[0] ?? []).map((item) => item.json));
	expect(openSteps(recorded.orderKey as string)).toEqual([]);
	expect(runs.flatMap((run) => run.outputs['Update Customer in CRM']?.[0] ?? [])).toEqual([]);
});

test('a forged order webhook is refused with 401 and changes nothing', async () => {
	const body = { id: 999, line_items: [{ id: 1, sku: 'E2E-1', quantity: 50 }] };
	const reply = await n8n.callWebhook('inventory/shopify-orders', { body, headers: { 'X-Shopify-Hmac-Sha256': Buffer.from('forged').toString('base64'), 'X-Shopify-Webhook-Id': 'forged-1' } });
	expect(reply.status).toBe(401);
	expect(reply.body).toEqual({ error: 'signature does not match the body' });
	expect(openSteps('shopify:999')).toBeUndefined();
	expect(await sandboxes.quantities('E2E-1')).toEqual({ shopify: 95, woocommerce: 95, magento: 95, bigcommerce: 95 });
});

let invalidOrders = 0;

test.each([
	['shopify', 'a quantity of -3', { quantity: -3 }, 'lines[1].quantity must be a whole number of at least 1, got the number -3', 'lines[1].quantity'],
	['shopify', 'a quantity given as text', { quantity: '2' }, 'lines[1].quantity must be a whole number of at least 1, got the string "2"', 'lines[1].quantity'],
	['shopify', 'a fractional quantity', { quantity: 1.5 }, 'lines[1].quantity must be a whole number of at least 1, got the number 1.5', 'lines[1].quantity'],
	['shopify', 'a line without SKU', { sku: null }, 'lines[1].sku must be a non-empty string, got null', 'lines[1].sku'],
	['woocommerce', 'a quantity given as text', { quantity: '2' }, 'lines[1].quantity must be a whole number of at least 1, got the string "2"', 'lines[1].quantity'],
] as const)('a signed %s order with %s is refused whole with 422 naming the line; nothing is recorded or moved', async (store, _case, change, error, field) => {
	const orderId = 77_100 + ++invalidOrders;
	const order = { id: orderId, email: 'bad@example.com', total_price: '5.00', line_items: [{ id: 1, sku: 'E2E-1', quantity: 1 }, { id: 2, sku: 'E2E-1', quantity: 1, ...change }] };
	const reply = await signedOrder(store, order, `bad-line-${orderId}`);
	expect(reply).toEqual({ status: 422, body: { error: error, fields: [field] } });
	expect(openSteps(`${store}:${orderId}`)).toBeUndefined();
	expect(await sandboxes.quantities('E2E-1')).toEqual({ shopify: 95, woocommerce: 95, magento: 95, bigcommerce: 95 });
	expect(await receiverDeliveries(`${store}:${orderId}`)).toEqual([]);
	expect(await revenueOf('bad@example.com')).toEqual([]);
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

test("n8n killed after answering an order: restarted, the order's remaining steps are each done once", async () => {
	// The fulfillment call hangs (longer than this test), so n8n dies with the stock step done and the others not.
	await new SandboxControl(receivers.baseUrl).fault({ kind: 'latency', ms: 300_000, match: { path: '/fulfillment/' } });
	const order = { id: 77002, email: 'crash@example.com', total_price: '4.00', created_at: '2026-01-02T03:04:05Z', line_items: [{ id: 1, sku: 'E2E-1', quantity: 2 }] };
	expect(await signedOrder('shopify', order, 'crash-1')).toEqual({ status: 200, body: { accepted: true, orderKey: 'shopify:77002' } });
	await until(() => openSteps('shopify:77002')?.includes('stock') === false, 'the stock step');
	expect(openSteps('shopify:77002')).toEqual(['fulfillment', 'accounting', 'crm']);
	await n8n.kill();

	keptUserFolder = n8n.userFolder;
	n8n = await startN8n({ packageTarball, userFolder: keptUserFolder });
	// The schedule resumes the order once its hold has run out; the manual trigger does the same at once.
	await until(
		async () => {
			if (openSteps('shopify:77002')?.length !== 0 && Date.now() > Date.parse(outboxEntry('shopify:77002').created_at) + resumeAfterSeconds * 1000) {
				await n8n.runManual(orderWorkflowId);
			}
			return openSteps('shopify:77002')?.length === 0;
		},
		'the resumed steps',
		180_000,
	);
	expect(Number(outboxEntry('shopify:77002').attempts)).toBe(2);
	expect(await sandboxes.quantities('E2E-1')).toEqual({ shopify: 95, woocommerce: 93, magento: 93, bigcommerce: 93 });
	const received = (await receiverDeliveries('shopify:77002')).map(({ receiver, requests }) => ({ receiver, requests }));
	expect(received.sort((a, b) => a.receiver.localeCompare(b.receiver))).toEqual([
		{ receiver: 'accounting', requests: 1 },
		{ receiver: 'fulfillment', requests: 1 },
	]);
	expect(await revenueOf('crash@example.com')).toEqual([4]);
	// Done: a later resume hands out nothing.
	const later = await n8n.runManual(orderWorkflowId);
	expect(later.outputs['Resume Pending Orders']?.[0] ?? []).toEqual([]);
});
