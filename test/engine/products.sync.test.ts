/**
 * The product catalogue kept in step across the commerce sandboxes through the sync capability (entity `products`):
 * an initial sync matches products by SKU and creates the missing ones (never twice); a product edited on one store
 * reaches the others once, and our own writes coming back are no change (no echo); writes go in each vendor's batches.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import { decimalText } from '../../lib/platforms/products';
import { openStore, type StateStore } from '../../lib/store';
import { openSync, type SyncSummary } from '../../lib/sync';
import { commerceAccount, startCommerceSandboxes, type CommerceSandboxes } from '../support/inventoryStores';

const stores = ['woocommerce', 'magento', 'bigcommerce'] as const;

let sandboxes: CommerceSandboxes;
let folder: string;
let store: StateStore;
let run = 0;

beforeAll(async () => {
	sandboxes = await startCommerceSandboxes({ rateLimits: false });
	folder = mkdtempSync(join(tmpdir(), 'products-sync-'));
});
afterAll(async () => {
	await sandboxes.close();
	rmSync(folder, { recursive: true, force: true });
});
beforeEach(async () => {
	await sandboxes.reset();
	store = await openStore({ kind: 'sqlite', file: join(folder, `state-${++run}.sqlite`) }, allMigrations);
});
afterEach(() => store.close());

/** Run ids from a counter: two runs within one millisecond would share a clock-based one. */
let runs = 0;
const sync = (): Promise<SyncSummary> =>
	openSync({ store, platforms: standalonePlatforms(sandboxes.stores.map(commerceAccount), { retry: { maxAttempts: 2, baseDelayMs: 1 } }) }).syncProducts([...stores], {
		integration: 'catalog',
		strategy: { kind: 'lastWriteWins' },
		runId: `run-${++runs}`,
	});

interface Seen {
	sku: string;
	title: string;
	price: string | null;
	compareAtPrice: string | null;
	status: string;
	weight: number | null;
}

/** Each store's products in the neutral fields, read from the sandboxes' own state. */
async function catalogs(): Promise<Record<(typeof stores)[number], Seen[]>> {
	const woo = await sandboxes.controls.woocommerce.state<Array<{ sku: string; name: string; regular_price: string; sale_price: string; status: string; weight: string; type: string }>>('products');
	const magento = await sandboxes.controls.magento.state<Array<{ sku: string; name: string; price: number; status: number; visibility: number; weight?: number; custom_attributes: Array<{ attribute_code: string; value: unknown }> }>>('products');
	const big = await sandboxes.controls.bigcommerce.state<Array<{ sku: string; name: string; price: number; retail_price: number; is_visible: boolean; availability: string; weight: number }>>('catalog');
	const bySku = (a: Seen, b: Seen) => a.sku.localeCompare(b.sku);
	return {
		woocommerce: woo.filter((product) => product.type === 'simple').map((product) => ({
			sku: product.sku, title: product.name, price: decimalText(product.sale_price || product.regular_price, 'price'), compareAtPrice: product.sale_price ? decimalText(product.regular_price, 'regular_price') : null,
			status: { publish: 'active', draft: 'draft', private: 'archived' }[product.status] ?? product.status, weight: product.weight ? Number(product.weight) : null,
		})).sort(bySku),
		magento: magento.map((product) => ({
			sku: product.sku, title: product.name, price: String(product.price), compareAtPrice: (product.custom_attributes.find((entry) => entry.attribute_code === 'msrp')?.value as string) || null,
			status: product.status === 1 ? 'active' : product.visibility === 1 ? 'archived' : 'draft', weight: product.weight || null,
		})).sort(bySku),
		bigcommerce: big.map((product) => ({
			sku: product.sku, title: product.name, price: String(product.price), compareAtPrice: product.retail_price ? String(product.retail_price) : null,
			status: product.is_visible ? 'active' : product.availability === 'disabled' ? 'archived' : 'draft', weight: product.weight || null,
		})).sort(bySku),
	};
}

const writes = async (platform: (typeof stores)[number]) =>
	(await sandboxes.controls[platform].requests()).filter((entry) => ['POST', 'PUT'].includes(entry.method) && /products/.test(entry.path));

test('an initial sync matches products by SKU, creates the missing ones once, and a second run writes nothing (no echo)', async () => {
	await sandboxes.controls.woocommerce.seed({ products: [{ sku: 'TEE-1', name: 'Tee', regular_price: '20.00', sale_price: '15.50', status: 'publish', weight: '0.3' }] });
	await sandboxes.controls.magento.seed({ products: [{ sku: 'MUG-1', name: 'Mug', price: 9, status: 1, visibility: 4, weight: 0.5 }] });
	await sandboxes.controls.bigcommerce.seed({ catalog: [{ sku: 'CAP-1', name: 'Cap', price: 12, retail_price: 0, is_visible: false, availability: 'disabled', weight: 0.2 }] });
	const first = await sync();
	expect(first.failures).toEqual([]);
	const expected: Seen[] = [
		{ sku: 'CAP-1', title: 'Cap', price: '12', compareAtPrice: null, status: 'archived', weight: 0.2 },
		{ sku: 'MUG-1', title: 'Mug', price: '9', compareAtPrice: null, status: 'active', weight: 0.5 },
		{ sku: 'TEE-1', title: 'Tee', price: '15.5', compareAtPrice: '20', status: 'active', weight: 0.3 },
	];
	const after = await catalogs();
	for (const platform of stores) expect(after[platform]).toEqual(expected);
	expect(Object.fromEntries(stores.map((platform) => [platform, first.platforms[platform].created]))).toEqual({ woocommerce: 2, magento: 2, bigcommerce: 2 });
	const before = Object.fromEntries(await Promise.all(stores.map(async (platform) => [platform, (await writes(platform)).length])));
	const second = await sync();
	expect(second.failures).toEqual([]);
	expect(Object.fromEntries(await Promise.all(stores.map(async (platform) => [platform, (await writes(platform)).length])))).toEqual(before);
	expect(Object.values(second.platforms).every((counts) => counts.created === 0 && counts.updated === 0)).toBe(true);
});

test('a product edited on one store reaches the other stores once; its echoes are no change', async () => {
	await sandboxes.controls.woocommerce.seed({ products: [{ sku: 'TEE-2', name: 'Tee', regular_price: '20.00', status: 'publish' }] });
	await sync();
	const beforeEdit = Object.fromEntries(await Promise.all(stores.map(async (platform) => [platform, (await writes(platform)).length])));
	// Edited on Magento, as a merchant would (a second later, so its time is newer than the copies').
	await new Promise((resolve) => setTimeout(resolve, 1100));
	const magento = sandboxes.stores.find((entry) => entry.platform === 'magento')!;
	const edited = await fetch(`${magento.baseUrl}/V1/products/TEE-2`, {
		method: 'PUT',
		headers: { authorization: `Bearer ${String(magento.settings.accessToken)}`, 'content-type': 'application/json' },
		body: JSON.stringify({ product: { name: 'Tee (organic)', price: 22.5, custom_attributes: [{ attribute_code: 'msrp', value: '25' }] } }),
	});
	expect(edited.status).toBe(200);
	const summary = await sync();
	expect(summary.failures).toEqual([]);
	expect(summary.platforms.magento.pulled).toBe(1);
	expect({ woocommerce: summary.platforms.woocommerce.updated, bigcommerce: summary.platforms.bigcommerce.updated, magento: summary.platforms.magento.updated }).toEqual({ woocommerce: 1, bigcommerce: 1, magento: 0 });
	const after = await catalogs();
	for (const platform of stores) expect(after[platform]).toEqual([{ sku: 'TEE-2', title: 'Tee (organic)', price: '22.5', compareAtPrice: '25', status: 'active', weight: null }]);
	// One write per other store for the edit; the next run sees only our own writes come back and writes nothing.
	const afterEdit = Object.fromEntries(await Promise.all(stores.map(async (platform) => [platform, (await writes(platform)).length - beforeEdit[platform]])));
	expect(afterEdit).toEqual({ woocommerce: 1, magento: 1, bigcommerce: 1 });
	const quiet = await sync();
	expect(Object.values(quiet.platforms).every((counts) => counts.updated === 0 && counts.created === 0)).toBe(true);
	expect(Object.values(quiet.platforms).reduce((sum, counts) => sum + counts.pulled, 0)).toBe(0);
});

test('writes go in each vendor\'s batches: WooCommerce 100 a call, BigCommerce 10 updates a call, Magento one asynchronous bulk request', async () => {
	const products = Array.from({ length: 120 }, (_, index) => ({ sku: `BULK-${String(index).padStart(3, '0')}`, name: `Bulk ${index}`, regular_price: '5.00', status: 'publish' }));
	await sandboxes.controls.woocommerce.seed({ products });
	await sync();
	const woo = await writes('woocommerce');
	const big = await writes('bigcommerce');
	const magento = await writes('magento');
	expect(woo).toEqual([]);
	// Magento: the 120 saves in one bulk request, its operations polled until Magento's consumer ran them (open, then complete).
	expect(magento.map((entry) => `${entry.method} ${entry.path}`)).toEqual(['POST /rest/default/async/bulk/V1/products']);
	expect((await sandboxes.controls.magento.requests()).filter((entry) => /detailed-status/.test(entry.path))).toHaveLength(2);
	expect((await catalogs()).magento).toHaveLength(120);
	expect(big.filter((entry) => entry.method === 'POST')).toHaveLength(120);
	// Edited on WooCommerce: updates to BigCommerce go 10 a call (12 calls), to Magento in one bulk request.
	await new Promise((resolve) => setTimeout(resolve, 1100));
	const woocommerce = sandboxes.stores.find((entry) => entry.platform === 'woocommerce')!;
	const ids = (await sandboxes.controls.woocommerce.state<Array<{ id: number; sku: string }>>('products')).filter((product) => product.sku.startsWith('BULK-')).map((product) => product.id);
	const auth = `Basic ${Buffer.from(`${String(woocommerce.settings.consumerKey)}:${String(woocommerce.settings.consumerSecret)}`).toString('base64')}`;
	for (let start = 0; start < ids.length; start += 100) {
		const response = await fetch(`${woocommerce.baseUrl}/products/batch`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ update: ids.slice(start, start + 100).map((id) => ({ id, regular_price: '6.00' })) }) });
		expect(response.status).toBe(200);
	}
	const beforeBig = (await writes('bigcommerce')).length;
	const beforeMagento = (await writes('magento')).length;
	const summary = await sync();
	expect(summary.failures).toEqual([]);
	expect((await writes('bigcommerce')).length - beforeBig).toBe(12);
	expect((await writes('magento')).length - beforeMagento).toBe(1);
	expect((await catalogs()).bigcommerce.every((product) => product.price === '6')).toBe(true);
	expect((await catalogs()).magento.every((product) => product.price === '6')).toBe(true);
});

test('a product without SKU is left alone; a refused write is reported for its product only', async () => {
	await sandboxes.controls.woocommerce.seed({ products: [{ sku: 'OK-1', name: 'Fine', regular_price: '3.00' }, { sku: 'DUP-NAME', name: 'Taken', regular_price: '4.00' }] });
	// BigCommerce refuses a second product of the same name (409): the other products still go through.
	await sandboxes.controls.bigcommerce.seed({ catalog: [{ sku: 'OTHER', name: 'Taken', price: 1 }] });
	const summary = await sync();
	expect(summary.failures.map((failure) => [failure.platform, failure.error?.message])).toEqual([['bigcommerce', expect.stringMatching(/name is a duplicate/)]]);
	expect((await catalogs()).bigcommerce.map((product) => product.sku)).toEqual(['OK-1', 'OTHER']);
	expect((await catalogs()).magento.map((product) => product.sku)).toEqual(['DUP-NAME', 'OK-1', 'OTHER']);
});

test('Shopify: a single-variant product there reaches WooCommerce once, an edit there comes back by productSet once, and a quiet run writes nothing', async () => {
	await sandboxes.controls.shopify.updateSettings({ throttleEnabled: false });
	await sandboxes.controls.shopify.seed({ products: [{ sku: 'SHOP-1', title: 'Wool hat', price: '30.00', compareAtPrice: '35.00', status: 'ACTIVE', weight: 0.2 }] });
	const shopifySync = () =>
		openSync({ store, platforms: standalonePlatforms(sandboxes.stores.map(commerceAccount), { retry: { maxAttempts: 2, baseDelayMs: 1 } }) }).syncProducts(['shopify', 'woocommerce'], {
			integration: 'shopify-catalog',
			strategy: { kind: 'lastWriteWins' },
			runId: `run-${++runs}`,
		});
	const first = await shopifySync();
	expect(first.failures).toEqual([]);
	expect((await catalogs()).woocommerce).toEqual([{ sku: 'SHOP-1', title: 'Wool hat', price: '30', compareAtPrice: '35', status: 'active', weight: 0.2 }]);
	await new Promise((resolve) => setTimeout(resolve, 1100));
	const woocommerce = sandboxes.stores.find((entry) => entry.platform === 'woocommerce')!;
	const [hat] = (await sandboxes.controls.woocommerce.state<Array<{ id: number; sku: string }>>('products')).filter((product) => product.sku === 'SHOP-1');
	const auth = `Basic ${Buffer.from(`${String(woocommerce.settings.consumerKey)}:${String(woocommerce.settings.consumerSecret)}`).toString('base64')}`;
	await fetch(`${woocommerce.baseUrl}/products/batch`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ update: [{ id: hat.id, name: 'Wool hat (grey)', status: 'draft' }] }) });
	const edited = await shopifySync();
	expect(edited.failures).toEqual([]);
	expect(edited.platforms.shopify.updated).toBe(1);
	const products = await sandboxes.controls.shopify.state<Array<{ title: string; status: string; variants: Array<{ sku: string; price: string; compareAtPrice: string | null; weight: number | null }> }>>('products');
	expect(products).toEqual([expect.objectContaining({ title: 'Wool hat (grey)', status: 'DRAFT', variants: [expect.objectContaining({ sku: 'SHOP-1', price: '30.00', compareAtPrice: '35.00', weight: 0.2 })] })]);
	const quiet = await shopifySync();
	expect(Object.values(quiet.platforms).every((counts) => counts.updated === 0 && counts.created === 0 && counts.pulled === 0)).toBe(true);
});
