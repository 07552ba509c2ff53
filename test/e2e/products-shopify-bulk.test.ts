/**
 * Shopify's bulk product writes in the real n8n: Sync Products from WooCommerce into Shopify with more products than the
 * bulk threshold goes as one bulk mutation through n8n's HTTP helpers (the staged JSONL uploaded as a form, the result
 * file read back), the staged upload and the result file receiving no Shopify token, and a second run writes nothing.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';

import { BULK_THRESHOLD } from '../../lib/platforms/shopify/products';
import { closeAllStores } from '../../lib/store';
import { packPackage, startN8n, type N8nServer } from '../harness/n8nServer';
import { startCommerceSandboxes, type CommerceSandboxes } from '../support/inventoryStores';

jest.setTimeout(600_000);

const COUNT = BULK_THRESHOLD + 10;

let n8n: N8nServer;
let sandboxes: CommerceSandboxes;
let packageTarball: string;
let workflowId: string;

beforeAll(async () => {
	sandboxes = await startCommerceSandboxes();
	packageTarball = await packPackage();
	n8n = await startN8n({ packageTarball });
	const [shopify, woocommerce] = ['shopify', 'woocommerce'].map((platform) => sandboxes.stores.find((entry) => entry.platform === platform)!);
	const ids = {
		integrationShopifyApi: await n8n.createCredential('integrationShopifyApi', 'Shopify Store', { accessToken: shopify.settings.accessToken, locationId: shopify.settings.locationId, baseUrl: shopify.baseUrl }),
		integrationWooCommerceApi: await n8n.createCredential('integrationWooCommerceApi', 'WooCommerce Store', { consumerKey: woocommerce.settings.consumerKey, consumerSecret: woocommerce.settings.consumerSecret, baseUrl: woocommerce.baseUrl }),
	};
	workflowId = await n8n.importWorkflow(
		{
			name: 'Bulk products',
			nodes: [
				{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					name: 'Sync Products',
					type: 'n8n-nodes-integration-automation.inventoryFanOut',
					typeVersion: 1,
					position: [260, 0],
					parameters: { operation: 'syncProducts', productStores: ['woocommerce', 'shopify'], sourceOfTruth: '', catalogue: 'bulk-catalogue' },
					credentials: { integrationShopifyApi: { id: '', name: 'Shopify Store' }, integrationWooCommerceApi: { id: '', name: 'WooCommerce Store' } },
				},
			],
			connections: { Start: { main: [[{ node: 'Sync Products', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		},
		{ credentials: ids },
	);
	await sandboxes.controls.woocommerce.seed({
		products: Array.from({ length: COUNT }, (_, index) => ({ sku: `E2E-BULK-${String(index).padStart(3, '0')}`, name: `Bulk shirt ${index}`, regular_price: '30.00', status: 'publish' })),
	});
});

afterAll(async () => {
	await closeAllStores();
	await n8n?.stop();
	if (packageTarball) rmSync(path.dirname(packageTarball), { recursive: true, force: true });
	await sandboxes?.close();
});

test('more products than the threshold reach Shopify by one bulk mutation, with no token sent off Shopify, and a second run writes nothing', async () => {
	const first = await n8n.runManual(workflowId, 'Start');
	expect(first.status).toBe('success');
	expect(first.outputs['Sync Products']?.[1] ?? []).toEqual([]);
	expect(Object.fromEntries((first.outputs['Sync Products']?.[0] ?? []).map((item) => [item.json.store, item.json.created]))).toEqual({ woocommerce: 0, shopify: COUNT });
	const products = await sandboxes.controls.shopify.state<Array<{ variants: Array<{ sku: string }> }>>('products');
	expect(new Set(products.map((product) => product.variants[0].sku)).size).toBe(COUNT);
	expect(await sandboxes.controls.shopify.state<Array<{ status: string; objectCount: number }>>('bulkOperations')).toEqual([expect.objectContaining({ status: 'COMPLETED', objectCount: COUNT })]);
	expect((await sandboxes.controls.shopify.state<Array<{ tokenPresented: boolean; bytes: number }>>('stagedUploads')).map((upload) => upload.tokenPresented)).toEqual([false]);
	const log = await sandboxes.controls.shopify.requests();
	expect(log.filter((entry) => /^\/bulk-results\//.test(entry.path)).map((entry) => entry.status)).toEqual([200]);
	expect(log.filter((entry) => /^\s*mutation Set\(/.test(String((entry.body as { query?: string } | undefined)?.query ?? '')))).toEqual([]);

	const second = await n8n.runManual(workflowId, 'Start');
	expect(second.status).toBe('success');
	expect((second.outputs['Sync Products']?.[0] ?? []).every((item) => item.json.created === 0 && item.json.updated === 0)).toBe(true);
	expect(await sandboxes.controls.shopify.state<unknown[]>('bulkOperations')).toHaveLength(1);
});
