/**
 * Sync Products (Inventory Fan-out) in the real n8n, through the product template, against the Shopify, WooCommerce,
 * Magento and BigCommerce sandboxes: the first run matches products by SKU and creates the missing ones once; a product
 * edited on one store reaches the other three once, and the next run writes nothing (our own writes are no echo); a product
 * a store refuses is emailed and created there by a later run.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

import { closeAllStores } from '../../lib/store';
import { packPackage, startN8n, type N8nServer } from '../harness/n8nServer';
import { repoRoot } from '../harness/paths';
import { meteredUsage, usageWorkflow } from '../harness/usage';
import type { WorkflowJson } from '../harness/workflowJson';
import { startSmtpSink, type SmtpSink } from '../sandbox/smtp';
import { startCommerceSandboxes, type CommerceSandboxes } from '../support/inventoryStores';

jest.setTimeout(600_000);

let n8n: N8nServer;
let sandboxes: CommerceSandboxes;
let packageTarball: string;
let workflowId: string;
let usageWorkflowId: string;
let smtp: SmtpSink;

const store = (platform: string) => sandboxes.stores.find((entry) => entry.platform === platform)!;

beforeAll(async () => {
	sandboxes = await startCommerceSandboxes();
	packageTarball = await packPackage();
	n8n = await startN8n({ packageTarball });
	smtp = await startSmtpSink();
	const [shopify, woocommerce, magento, bigcommerce] = ['shopify', 'woocommerce', 'magento', 'bigcommerce'].map(store);
	await sandboxes.controls.shopify.updateSettings({ throttleEnabled: false });
	const ids = {
		integrationShopifyApi: await n8n.createCredential('integrationShopifyApi', 'Shopify Store', { accessToken: shopify.settings.accessToken, locationId: shopify.settings.locationId, baseUrl: shopify.baseUrl }),
		integrationWooCommerceApi: await n8n.createCredential('integrationWooCommerceApi', 'WooCommerce Store', { consumerKey: woocommerce.settings.consumerKey, consumerSecret: woocommerce.settings.consumerSecret, baseUrl: woocommerce.baseUrl }),
		integrationMagentoApi: await n8n.createCredential('integrationMagentoApi', 'Magento Store', { accessToken: magento.settings.accessToken, sourceCode: magento.settings.sourceCode, baseUrl: magento.baseUrl }),
		integrationBigCommerceApi: await n8n.createCredential('integrationBigCommerceApi', 'BigCommerce Store', { accessToken: bigcommerce.settings.accessToken, locationId: 1, baseUrl: bigcommerce.baseUrl }),
		smtp: await n8n.createCredential('smtp', 'SMTP sink', { host: smtp.host, port: smtp.port, secure: false, disableStartTls: true, user: '', password: '' }),
	};
	const template = JSON.parse(readFileSync(path.join(repoRoot, 'workflows', 'product-sync.json'), 'utf8')) as WorkflowJson;
	workflowId = await n8n.importWorkflow(template, { credentials: ids });
	usageWorkflowId = await n8n.importWorkflow(usageWorkflow('demo', 'demo', 'ecommerce_starter'));
	await sandboxes.controls.woocommerce.seed({ products: [{ sku: 'E2E-P1', name: 'Linen shirt', regular_price: '40.00', sale_price: '32.00', status: 'publish', weight: '0.4' }] });
	await sandboxes.controls.bigcommerce.seed({ catalog: [{ sku: 'E2E-P2', name: 'Canvas bag', price: 18, is_visible: true, weight: 0.6 }] });
});

afterAll(async () => {
	await closeAllStores();
	await n8n?.stop();
	if (packageTarball) rmSync(path.dirname(packageTarball), { recursive: true, force: true });
	await sandboxes?.close();
	await smtp?.close();
});

/** Product writes each store received: REST POST/PUT on products, Shopify's productSet mutations. */
const writes = async () =>
	Object.fromEntries(
		await Promise.all(
			['shopify', 'woocommerce', 'magento', 'bigcommerce'].map(async (platform) => [
				platform,
				(await sandboxes.controls[platform].requests()).filter((entry) => (platform === 'shopify' ? JSON.stringify(entry.body ?? '').includes('productSet(') : ['POST', 'PUT'].includes(entry.method) && /products/.test(entry.path))).length,
			]),
		),
	) as Record<string, number>;

const titles = async () => ({
	shopify: (await sandboxes.controls.shopify.state<Array<{ title: string; variants: Array<{ sku: string; price: string }> }>>('products')).map((product) => `${product.variants[0].sku} ${product.title} ${product.variants[0].price}`).sort(),
	woocommerce: (await sandboxes.controls.woocommerce.state<Array<{ sku: string; name: string; regular_price: string }>>('products')).map((product) => `${product.sku} ${product.name} ${product.regular_price}`).sort(),
	magento: (await sandboxes.controls.magento.state<Array<{ sku: string; name: string; price: number }>>('products')).map((product) => `${product.sku} ${product.name} ${product.price}`).sort(),
	bigcommerce: (await sandboxes.controls.bigcommerce.state<Array<{ sku: string; name: string; price: number }>>('catalog')).map((product) => `${product.sku} ${product.name} ${product.price}`).sort(),
});

async function syncNow() {
	const run = await n8n.runManual(workflowId, 'Sync Now');
	expect(run.status).toBe('success');
	expect(run.outputs['Sync Products']?.[1] ?? []).toEqual([]);
	return (run.outputs['Sync Products']?.[0] ?? []).map((item) => item.json);
}

test('the first run brings every product to every store once, matched by SKU', async () => {
	const stores = await syncNow();
	expect(Object.fromEntries(stores.map((entry) => [entry.store, entry.created]))).toEqual({ shopify: 2, woocommerce: 1, magento: 2, bigcommerce: 1 });
	// Metered as the e-commerce plans count: the stores kept in step (a gauge).
	expect((await meteredUsage(n8n, usageWorkflowId)).stores).toEqual(expect.objectContaining({ maxQuantity: 4 }));
	expect(await titles()).toEqual({
		shopify: ['E2E-P1 Linen shirt 32.00', 'E2E-P2 Canvas bag 18.00'],
		woocommerce: ['E2E-P1 Linen shirt 40.00', 'E2E-P2 Canvas bag 18'],
		magento: ['E2E-P1 Linen shirt 32', 'E2E-P2 Canvas bag 18'],
		bigcommerce: ['E2E-P1 Linen shirt 32', 'E2E-P2 Canvas bag 18'],
	});
});

test('a product edited on one store reaches the other three once; the next run writes nothing', async () => {
	// Edited on BigCommerce a second after the copies were written, as a merchant would.
	await new Promise((resolve) => setTimeout(resolve, 1100));
	const bigcommerce = store('bigcommerce');
	const [bag] = (await sandboxes.controls.bigcommerce.state<Array<{ id: number; sku: string }>>('catalog')).filter((product) => product.sku === 'E2E-P2');
	const edited = await fetch(`${bigcommerce.baseUrl}/catalog/products`, {
		method: 'PUT',
		headers: { 'X-Auth-Token': String(bigcommerce.settings.accessToken), 'content-type': 'application/json' },
		body: JSON.stringify([{ id: bag.id, name: 'Canvas tote', price: 21.5 }]),
	});
	expect(edited.status).toBe(200);
	const before = await writes();
	const stores = await syncNow();
	expect(Object.fromEntries(stores.map((entry) => [entry.store, [entry.pulled, entry.updated]]))).toEqual({ shopify: [0, 1], woocommerce: [0, 1], magento: [0, 1], bigcommerce: [1, 0] });
	const after = await writes();
	expect(Object.fromEntries(Object.keys(after).map((platform) => [platform, after[platform] - before[platform]]))).toEqual({ shopify: 1, woocommerce: 1, magento: 1, bigcommerce: 0 });
	expect(await titles()).toEqual({
		shopify: ['E2E-P1 Linen shirt 32.00', 'E2E-P2 Canvas tote 21.50'],
		woocommerce: ['E2E-P1 Linen shirt 40.00', 'E2E-P2 Canvas tote 21.5'],
		magento: ['E2E-P1 Linen shirt 32', 'E2E-P2 Canvas tote 21.5'],
		bigcommerce: ['E2E-P1 Linen shirt 32', 'E2E-P2 Canvas tote 21.5'],
	});
	// Our own writes come back on the next run: recognised, nothing copied again.
	const quiet = await syncNow();
	expect(quiet.every((entry) => entry.updated === 0 && entry.created === 0 && entry.pulled === 0)).toBe(true);
	expect(await writes()).toEqual(after);
	// Quiet runs keep the same four stores in step: the gauge (priced by its largest report) stays at four.
	expect((await meteredUsage(n8n, usageWorkflowId)).stores).toEqual(expect.objectContaining({ maxQuantity: 4 }));
});

test("a product a store refuses is emailed with the store's reason, and created there by a later run once the store takes it", async () => {
	await sandboxes.controls.bigcommerce.seed({ catalog: [{ sku: 'E2E-P3', name: 'Wool scarf', price: 25, is_visible: true, weight: 0.2 }] });
	await sandboxes.controls.woocommerce.fault({ kind: 'error', status: 400, times: -1, match: { method: 'POST', path: '/wp-json/wc/v3/products' } });
	const run = await n8n.runManual(workflowId, 'Sync Now').finally(async () => await sandboxes.controls.woocommerce.clearFaults());
	expect(run.status).toBe('success');
	const refused = (run.outputs['Sync Products']?.[1] ?? []).map((item) => item.json as { platform: string; status: string });
	expect(refused.map((entry) => [entry.platform, entry.status])).toEqual([['woocommerce', 'failed']]);
	const email = await smtp.waitFor((message) => message.subject.endsWith('not synced to woocommerce'));
	expect(email.to).toEqual(['commerce@example.com']);
	expect(email.text).toContain('A store refused this product');
	expect((await titles()).woocommerce).not.toContain('E2E-P3 Wool scarf 25');
	await syncNow();
	expect((await titles()).woocommerce).toContain('E2E-P3 Wool scarf 25');
});
