/**
 * Sync Products (Inventory Fan-out) in the real n8n with this package installed, through the product template: a
 * product with options, variants and images made on Shopify reaches WooCommerce (a variable product and its
 * variations), Magento (a configurable product and its children) and BigCommerce (options and variants) once, with its
 * images copied to each store; an edit made on WooCommerce (a variant's price and an image added) reaches the other
 * three once, and the next run writes nothing anywhere (our own writes are no echo). Shopify processes the images it is
 * given after answering, as it does (PROCESSING, then READY).
 */
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { closeAllStores } from '../../lib/store';
import { packPackage, startN8n, type N8nServer } from '../harness/n8nServer';
import { repoRoot } from '../harness/paths';
import type { WorkflowJson } from '../harness/workflowJson';
import { pngBytes } from '../sandbox/framework/media';
import { startSmtpSink, type SmtpSink } from '../sandbox/smtp';
import { startCommerceSandboxes, type CommerceSandboxes } from '../support/inventoryStores';

jest.setTimeout(900_000);

const STORES = ['shopify', 'woocommerce', 'magento', 'bigcommerce'] as const;
type Store = (typeof STORES)[number];
/** How long a run of the workflow may take on a loaded machine. */
const RUN_WAIT_MS = 150_000;

let n8n: N8nServer;
let sandboxes: CommerceSandboxes;
let packageTarball: string;
let workflowId: string;
/** The template emails products a store refused: none here. */
let smtp: SmtpSink;
/** Where the merchant's new image comes from (a host of their own, as a URL pasted into WooCommerce). */
let imageHost: Server;
let imageOrigin: string;

const store = (platform: Store) => sandboxes.stores.find((entry) => entry.platform === platform)!;

beforeAll(async () => {
	imageHost = createServer((request, response) => {
		if (request.url === '/tee-side.png') response.writeHead(200, { 'content-type': 'image/png' }).end(pngBytes('tee-side.png'));
		else response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
	});
	await new Promise<void>((resolve) => imageHost.listen(0, '127.0.0.1', resolve));
	imageOrigin = `http://127.0.0.1:${(imageHost.address() as AddressInfo).port}`;
	sandboxes = await startCommerceSandboxes();
	packageTarball = await packPackage();
	n8n = await startN8n({ packageTarball });
	smtp = await startSmtpSink();
	const [shopify, woocommerce, magento, bigcommerce] = STORES.map(store);
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
	await sandboxes.controls.shopify.seed({
		products: [{
			title: 'Field tee',
			options: [{ name: 'Size', values: ['S', 'M', 'L'] }],
			variants: ['S', 'M', 'L'].map((size, index) => ({ sku: `E2E-TEE-${size}`, price: `${20 + index}.00`, weight: 0.2, options: { Size: size } })),
			images: [{ name: 'tee-front.png', alt: 'Front' }, { name: 'tee-back.png', alt: 'Back' }],
		}],
	});
});

afterAll(async () => {
	await closeAllStores();
	await n8n?.stop();
	if (packageTarball) rmSync(path.dirname(packageTarball), { recursive: true, force: true });
	await sandboxes?.close();
	await smtp?.close();
	await new Promise((resolve) => imageHost?.close(resolve));
});

/** Writes each store was sent (Shopify's GraphQL mutations; the others' POST, PUT and DELETE), counted from the sandboxes' logs. */
async function writes(): Promise<Record<Store, number>> {
	const isWrite = (entry: { method: string; path: string; body?: unknown }) =>
		entry.path.endsWith('/graphql.json') ? /^\s*mutation\b/.test(String((entry.body as { query?: string } | undefined)?.query)) : ['POST', 'PUT', 'DELETE'].includes(entry.method);
	return Object.fromEntries(await Promise.all(STORES.map(async (platform) => [platform, (await sandboxes.controls[platform].requests()).filter(isWrite).length] as const))) as Record<Store, number>;
}

const since = (before: Record<Store, number>, after: Record<Store, number>) => Object.fromEntries(STORES.map((platform) => [platform, after[platform] - before[platform]]));

/** A price as its number (stores keep 21, 21.0 or "21.00"). */
const price = (value: unknown) => String(Number(value));

/** Each store's tee as `SKU=price [option value]`, variants by SKU: the same on every store when in step. */
async function variantsOf(): Promise<Record<Store, string[]>> {
	const shopify = (await sandboxes.controls.shopify.state<Array<{ variants: Array<{ sku: string; price: string; selectedOptions: Array<{ value: string }> }> }>>('products')).find((product) => product.variants.length > 1);
	const woo = await sandboxes.controls.woocommerce.state<Array<{ id: number; parent_id?: number; type: string; sku: string; regular_price: string; sale_price: string; attributes: Array<{ name: string; option?: string }> }>>('products');
	const wooParent = woo.find((entry) => entry.type === 'variable');
	type MagentoProduct = { id: number; sku: string; type_id: string; price: number; custom_attributes: Array<{ attribute_code: string; value: unknown }>; extension_attributes?: { configurable_product_links?: number[] } };
	const magento = await sandboxes.controls.magento.state<MagentoProduct[]>('products');
	const attributes = await sandboxes.controls.magento.state<Array<{ attribute_code: string; options: Array<{ label: string; value: string }> }>>('attributes');
	const magentoParent = magento.find((product) => product.type_id === 'configurable');
	const sizeLabel = (child: MagentoProduct) => {
		const size = attributes.find((attribute) => attribute.attribute_code.toLowerCase() === 'size');
		return size?.options.find((option) => option.value === String(child.custom_attributes.find((custom) => custom.attribute_code === size.attribute_code)?.value))?.label ?? '?';
	};
	const big = (await sandboxes.controls.bigcommerce.state<Array<{ options: unknown[]; variants: Array<{ sku: string; price: number | null; option_values: Array<{ label: string }> }> }>>('catalog')).find((product) => product.options.length > 0);
	const sorted = (lines: string[]) => [...lines].sort();
	return {
		shopify: sorted((shopify?.variants ?? []).map((variant) => `${variant.sku}=${price(variant.price)} [${variant.selectedOptions.map((selected) => selected.value).join('/')}]`)),
		woocommerce: sorted(woo.filter((entry) => wooParent && entry.parent_id === wooParent.id).map((entry) => `${entry.sku}=${price(entry.sale_price || entry.regular_price)} [${entry.attributes.map((attribute) => attribute.option).join('/')}]`)),
		magento: sorted((magentoParent?.extension_attributes?.configurable_product_links ?? []).map((id) => magento.find((product) => product.id === id)!).map((child) => `${child.sku}=${price(child.price)} [${sizeLabel(child)}]`)),
		bigcommerce: sorted((big?.variants ?? []).map((variant) => `${variant.sku}=${price(variant.price)} [${variant.option_values.map((value) => value.label).join('/')}]`)),
	};
}

/** Each store's images of the tee in order, as `alt: <the file the bytes came from>`, read from the URL each store serves. */
async function imagesOf(): Promise<Record<Store, string[]>> {
	const content = async (url: string) => {
		const response = await fetch(url);
		expect(response.status).toBe(200);
		return Buffer.from(await response.arrayBuffer()).subarray(8).toString();
	};
	const shown = (images: Array<{ alt: string; url: string | undefined }>) => Promise.all(images.map(async (image) => `${image.alt}: ${image.url ? await content(image.url) : 'no picture yet'}`));
	const shopifyOrigin = new URL(store('shopify').baseUrl).origin;
	const shopify = (await sandboxes.controls.shopify.state<Array<{ variants: unknown[]; media: Array<{ alt: string; status: string; path?: string }> }>>('products')).find((product) => product.variants.length > 1);
	const woo = (await sandboxes.controls.woocommerce.state<Array<{ type: string; images?: Array<{ src: string; alt: string }> }>>('products')).find((entry) => entry.type === 'variable');
	const magento = (await sandboxes.controls.magento.state<Array<{ type_id: string; media_gallery_entries?: Array<{ file: string; label: string | null; position: number }> }>>('products')).find((product) => product.type_id === 'configurable');
	const magentoMedia = `${new URL(store('magento').baseUrl).origin}/media/catalog/product`;
	const bigProduct = (await sandboxes.controls.bigcommerce.state<Array<{ id: number; options: unknown[] }>>('catalog')).find((product) => product.options.length > 0);
	const big = store('bigcommerce');
	const bigImages = bigProduct
		? ((await (await fetch(`${big.baseUrl}/catalog/products/${bigProduct.id}/images`, { headers: { 'X-Auth-Token': String(big.settings.accessToken) } })).json()) as { data: Array<{ id: number; url_zoom: string; description: string; sort_order: number }> }).data
		: [];
	return {
		shopify: await shown((shopify?.media ?? []).map((image) => ({ alt: image.alt, url: image.status === 'READY' && image.path ? `${shopifyOrigin}${image.path}` : undefined }))),
		woocommerce: await shown((woo?.images ?? []).map((image) => ({ alt: image.alt, url: image.src }))),
		magento: await shown([...(magento?.media_gallery_entries ?? [])].sort((a, b) => a.position - b.position).map((image) => ({ alt: image.label ?? '', url: `${magentoMedia}${image.file}` }))),
		bigcommerce: await shown([...bigImages].sort((a, b) => a.sort_order - b.sort_order || a.id - b.id).map((image) => ({ alt: image.description, url: image.url_zoom }))),
	};
}

const everyStore = <T>(value: T) => Object.fromEntries(STORES.map((platform) => [platform, value]));

async function syncNow(): Promise<Record<Store, { created: number; updated: number; pulled: number }>> {
	const run = await n8n.runManual(workflowId, 'Sync Now', RUN_WAIT_MS);
	expect({ status: run.status, error: run.error }).toEqual({ status: 'success', error: undefined });
	expect(run.outputs['Sync Products']?.[1] ?? []).toEqual([]);
	return Object.fromEntries((run.outputs['Sync Products']?.[0] ?? []).map((item) => [item.json.store, item.json])) as Record<Store, { created: number; updated: number; pulled: number }>;
}

/** A run after our own writes: every store reads them back as no change, and nothing is written anywhere. */
async function quietRun(): Promise<void> {
	const before = await writes();
	const stores = await syncNow();
	expect(Object.fromEntries(STORES.map((platform) => [platform, [stores[platform].created, stores[platform].updated, stores[platform].pulled]]))).toEqual(everyStore([0, 0, 0]));
	expect(since(before, await writes())).toEqual(everyStore(0));
}

test('a product with options, variants and images made on Shopify reaches the other three stores once, its images copied; a re-sync writes nothing', async () => {
	const stores = await syncNow();
	expect(Object.fromEntries(STORES.map((platform) => [platform, stores[platform].created]))).toEqual({ shopify: 0, woocommerce: 1, magento: 1, bigcommerce: 1 });
	expect(await variantsOf()).toEqual(everyStore(['E2E-TEE-L=22 [L]', 'E2E-TEE-M=21 [M]', 'E2E-TEE-S=20 [S]']));
	expect(await imagesOf()).toEqual(everyStore(['Front: tee-front.png', 'Back: tee-back.png']));
	await quietRun();
});

test('a variant price and an image added on WooCommerce reach the other three once; the next run writes nothing', async () => {
	// Edited a second after the copies were written, as a merchant would: M repriced, a side view added from their own host.
	await new Promise((resolve) => setTimeout(resolve, 1100));
	const woocommerce = store('woocommerce');
	const api = async (method: string, route: string, body: unknown) => {
		const response = await fetch(`${woocommerce.baseUrl}${route}`, {
			method,
			headers: { authorization: `Basic ${Buffer.from(`${String(woocommerce.settings.consumerKey)}:${String(woocommerce.settings.consumerSecret)}`).toString('base64')}`, 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		expect(response.status).toBe(200);
	};
	const entries = await sandboxes.controls.woocommerce.state<Array<{ id: number; type: string; sku: string; images?: Array<{ id: number }> }>>('products');
	const parent = entries.find((entry) => entry.type === 'variable')!;
	await api('POST', `/products/${parent.id}/variations/batch`, { update: [{ id: entries.find((entry) => entry.sku === 'E2E-TEE-M')!.id, regular_price: '25.50' }] });
	await api('PUT', `/products/${parent.id}`, { images: [...parent.images!.map((image) => ({ id: image.id })), { src: `${imageOrigin}/tee-side.png`, alt: 'Side' }] });

	const before = await writes();
	const stores = await syncNow();
	expect(Object.fromEntries(STORES.map((platform) => [platform, [stores[platform].pulled, stores[platform].updated]]))).toEqual({ shopify: [0, 1], woocommerce: [1, 0], magento: [0, 1], bigcommerce: [0, 1] });
	const written = since(before, await writes());
	expect(written.woocommerce).toBe(0);
	for (const platform of ['shopify', 'magento', 'bigcommerce'] as const) expect({ platform, wrote: written[platform] > 0 }).toEqual({ platform, wrote: true });
	expect(await variantsOf()).toEqual(everyStore(['E2E-TEE-L=22 [L]', 'E2E-TEE-M=25.5 [M]', 'E2E-TEE-S=20 [S]']));
	expect(await imagesOf()).toEqual(everyStore(['Front: tee-front.png', 'Back: tee-back.png', 'Side: tee-side.png']));
	await quietRun();
});
