/**
 * The two-shop stock template in the real n8n, imported as a user imports it, with the demo's credentials and stock: two
 * Shopify shops (a US and an EU shop, each a sandbox of its own) in ONE Shopify Stores credential (a list, `us` and
 * `eu`) and WooCommerce, Magento and BigCommerce, all in the template's one Inventory Fan-out node. n8n masks each listed
 * shop's token and keeps it through an edit as its editor sends it; publishing registers the template's ONE Order
 * Trigger (on the same list) on both shops; an order on either shop, delivered twice, reaches the stock node as from
 * that shop (the trigger's `sourceStore`) and takes its units off every other store once, the very first order included
 * (no group to join).
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

import { createCredentials, seedSandboxes } from '../../scripts/demo';
import { closeAllStores } from '../../lib/store';
import { packPackage, startN8n, type ExecutionSummary, type N8nServer } from '../harness/n8nServer';
import { repoRoot } from '../harness/paths';
import { startTemplateServices, type TemplateServices } from '../harness/templateServices';
import type { WorkflowJson } from '../harness/workflowJson';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { fixtureOf, inventoryFixtures } from '../sandbox/fixtures';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';

jest.setTimeout(900_000);

/** Executions wait for a busy worker in queue mode on a loaded machine: wait for them generously. */
const executionTimeoutMs = 150_000;
const platforms = ['woocommerce', 'magento', 'bigcommerce'] as const;

let n8n: N8nServer;
let services: TemplateServices;
let stores: RunningSandbox[];
let packageTarball: string;
let workflowId: string;
let listId: string;

const store = (name: string) => stores.find((candidate) => candidate.name === name)!;
const quantityOn = (name: string, sku: string) => {
	const platform = name.startsWith('shopify') ? 'shopify' : name;
	return fixtureOf(inventoryFixtures, platform, 'inventory').quantity(new SandboxControl(store(name).baseUrl), sku);
};
const quantities = async (sku: string) => Object.fromEntries(await Promise.all(stores.map(async (running) => [running.name, await quantityOn(running.name, sku)] as const)));

beforeAll(async () => {
	// The demo's extra shops: Shopify sandboxes named as the demo names them, so its credentials and stock apply.
	const shops = await Promise.all(['shopify-us', 'shopify-eu'].map(async (name) => ({ ...(await startSandbox('shopify')), name })));
	stores = [...shops, ...(await Promise.all(platforms.map((platform) => startSandbox(platform))))];
	packageTarball = await packPackage();
	n8n = await startN8n({ packageTarball });
	services = await startTemplateServices(n8n);
	const ids = { ...services.credentialIds, ...(await createCredentials(n8n, stores)) };
	listId = ids['integrationShopifyStoresApi:Shopify shops'];
	await seedSandboxes(stores);
	const template = JSON.parse(readFileSync(path.join(repoRoot, 'workflows', 'inventory-stock-group.json'), 'utf8')) as WorkflowJson;
	workflowId = await n8n.importWorkflow(template, { credentials: ids });
	await n8n.activate(workflowId);
});

afterAll(async () => {
	await closeAllStores();
	await n8n?.stop();
	await services?.close();
	if (packageTarball) rmSync(path.dirname(packageTarball), { recursive: true, force: true });
	await Promise.allSettled((stores ?? []).map((running) => running.close()));
});

/** Waits for `count` webhook executions started since `before` to finish. */
async function webhookRuns(before: Set<string>, count: number): Promise<ExecutionSummary[]> {
	const deadline = Date.now() + executionTimeoutMs;
	for (;;) {
		const runs = (await n8n.executions(workflowId)).filter((run) => !before.has(run.id) && run.mode === 'webhook');
		if (runs.length >= count && runs.every((run) => run.finished || run.status === 'error')) return runs;
		if (Date.now() > deadline) throw new Error(`only ${runs.length} of ${count} order executions finished: ${JSON.stringify(runs.map((run) => [run.status, run.lastNodeExecuted]))}\n${n8n.logTail()}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

/** An order on a shop, which the shop delivers twice to every order webhook. */
async function orderOn(shop: string, sku: string, quantity: number): Promise<ExecutionSummary[]> {
	const { baseUrl, credentials } = store(shop);
	await new SandboxControl(baseUrl).updateSettings({ duplicateWebhooks: true });
	const before = new Set((await n8n.executions(workflowId)).map((run) => run.id));
	const response = await fetch(`${baseUrl}/admin/api/2025-01/orders.json`, {
		method: 'POST',
		headers: { 'X-Shopify-Access-Token': credentials.accessToken, 'content-type': 'application/json' },
		body: JSON.stringify({ order: { email: 'buyer@example.com', line_items: [{ sku, quantity, price: '10.00' }] } }),
	});
	expect(response.status).toBe(201);
	return await webhookRuns(before, 2);
}

const credentialRest = async (method: string, id: string, body?: unknown) => {
	const response = await fetch(`${n8n.baseUrl}/rest/credentials/${id}${method === 'GET' ? '?includeData=true' : ''}`, {
		method,
		headers: { cookie: n8n.cookie, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	expect(response.status).toBe(200);
	return ((await response.json()) as { data: { name: string; type: string; data: { stores: { store: Array<Record<string, unknown>> } } } }).data;
};

test("the editor gets each listed shop's token masked, and an edit sent back as the editor sends it keeps the tokens", async () => {
	const shown = await credentialRest('GET', listId);
	const tokens = ['shopify-us', 'shopify-eu'].map((name) => store(name).credentials.accessToken);
	expect(shown.data.stores.store.map((entry) => [entry.label, tokens.includes(String(entry.accessToken)), String(entry.baseUrl).startsWith(store(`shopify-${entry.label}`).baseUrl)])).toEqual([
		['us', false, true],
		['eu', false, true],
	]);
	expect(JSON.stringify(shown)).not.toContain(tokens[0]);
	// The editor saves the form as it shows it (masked tokens included); n8n restores each entry's own token.
	await credentialRest('PATCH', listId, { name: shown.name, type: shown.type, data: shown.data });
});

test("publishing registers the one trigger's URL as both shops' order webhook", async () => {
	const addresses = new Set<string>();
	for (const shop of ['shopify-us', 'shopify-eu']) {
		const hooks = (await new SandboxControl(store(shop).baseUrl).state<Array<{ topic: string; address: string }>>('webhooks')).filter((hook) => hook.address.startsWith(n8n.webhookBaseUrl));
		expect(hooks.map((hook) => hook.topic)).toEqual(['orders/create']);
		addresses.add(hooks[0].address);
	}
	expect(addresses.size).toBe(1);
});

const triggerNode = 'Shops Order Created';

const stockNode = 'Stock: Both Shops and Other Stores';

test('an order on the US shop, delivered twice, takes its units off the EU shop and every other store once', async () => {
	const runs = await orderOn('shopify-us', 'SKU-1', 3);
	expect(runs.map((run) => run.status)).toEqual(['success', 'success']);
	expect(runs.map((run) => run.outputs[triggerNode]?.[0]?.[0]?.json.sourceStore)).toEqual(['shopify@us', 'shopify@us']);
	const changed = runs.flatMap((run) => run.outputs[stockNode]?.[0] ?? []).filter((item) => item.json.store !== undefined && !item.json.alreadyDone);
	expect(changed.map((item) => `${item.json.store} ${item.json.newQuantity}`).sort()).toEqual(['bigcommerce 97', 'magento 97', 'shopify@eu 97', 'woocommerce 97']);
	expect(await quantities('SKU-1')).toEqual({ 'shopify-us': 97, 'shopify-eu': 97, woocommerce: 97, magento: 97, bigcommerce: 97 });
});

test('an order on the EU shop, delivered twice, takes its units off the US shop and every other store once', async () => {
	const runs = await orderOn('shopify-eu', 'SKU-2', 5);
	expect(runs.map((run) => run.status)).toEqual(['success', 'success']);
	expect(runs.map((run) => run.outputs[triggerNode]?.[0]?.[0]?.json.sourceStore)).toEqual(['shopify@eu', 'shopify@eu']);
	const changed = runs.flatMap((run) => run.outputs[stockNode]?.[0] ?? []).filter((item) => item.json.store !== undefined && !item.json.alreadyDone);
	expect(changed.map((item) => `${item.json.store} ${item.json.newQuantity}`).sort()).toEqual(['bigcommerce 35', 'magento 35', 'shopify@us 35', 'woocommerce 35']);
	expect(await quantities('SKU-2')).toEqual({ 'shopify-us': 35, 'shopify-eu': 35, woocommerce: 35, magento: 35, bigcommerce: 35 });
	expect(await quantities('SKU-1')).toEqual({ 'shopify-us': 97, 'shopify-eu': 97, woocommerce: 97, magento: 97, bigcommerce: 97 });
});
