/**
 * Product images kept in step across the commerce sandboxes (Sync Products): each store downloads a copy and serves
 * it from its own URL, so images are matched by where they came from (their origin, through the ID map), never by URL.
 * A copy is made once; an image added, dropped, moved or given new alt text on one store reaches the others once, and
 * a quiet run writes nothing; an image a store cannot fetch fails that product there, naming the image's field.
 * Shopify processes the images it is given after answering (PROCESSING, then READY or FAILED, as its sandbox does).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import { openStore, type StateStore } from '../../lib/store';
import { openSync, type SyncSummary } from '../../lib/sync';
import { commerceAccount, startCommerceSandboxes, type CommerceSandboxes } from '../support/inventoryStores';

type Store = 'woocommerce' | 'bigcommerce' | 'magento' | 'shopify';
const stores: Store[] = ['woocommerce', 'bigcommerce', 'magento', 'shopify'];

let sandboxes: CommerceSandboxes;
let folder: string;
let store: StateStore;
let run = 0;

beforeAll(async () => {
	sandboxes = await startCommerceSandboxes({ rateLimits: false });
	folder = mkdtempSync(join(tmpdir(), 'products-images-'));
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

let runs = 0;
const sync = (): Promise<SyncSummary> =>
	openSync({ store, platforms: standalonePlatforms(sandboxes.stores.map(commerceAccount), { retry: { maxAttempts: 2, baseDelayMs: 1 } }) }).syncProducts([...stores], {
		integration: 'catalog',
		strategy: { kind: 'lastWriteWins' },
		runId: `images-${++runs}`,
	});

const account = (platform: Store) => sandboxes.stores.find((entry) => entry.platform === platform)!;
const api = (platform: Store, path: string, init: { method: string; body?: unknown }) => {
	const { baseUrl, settings } = account(platform);
	const auth = platform === 'woocommerce'
		? { authorization: `Basic ${Buffer.from(`${String(settings.consumerKey)}:${String(settings.consumerSecret)}`).toString('base64')}` }
		: platform === 'magento' ? { authorization: `Bearer ${String(settings.accessToken)}` } : platform === 'shopify' ? { 'x-shopify-access-token': String(settings.accessToken) } : { 'x-auth-token': String(settings.accessToken) };
	return fetch(`${baseUrl}${path}`, { method: init.method, headers: { ...auth, 'content-type': 'application/json' }, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
};

/** A merchant's productSet on Shopify (its Admin GraphQL API); the product's media ids and URLs as saved. */
async function shopifySet(input: Record<string, unknown>): Promise<Array<{ id: string; image: { url: string } | null }>> {
	const query = 'mutation Edit($input: ProductSetInput!) { productSet(input: $input, synchronous: true) { product { media(first: 10) { nodes { id ... on MediaImage { image { url } } } } } userErrors { code message } } }';
	const response = await api('shopify', '/graphql.json', { method: 'POST', body: { query, variables: { input } } });
	const body = (await response.json()) as { data: { productSet: { product: { media: { nodes: Array<{ id: string; image: { url: string } | null }> } }; userErrors: unknown[] } } };
	expect(body.data.productSet.userErrors).toEqual([]);
	return body.data.productSet.product.media.nodes;
}

interface ShopifyProduct {
	id: number;
	variants: Array<{ sku: string }>;
	media: Array<{ id: number; kind?: string; alt: string; status: string; path?: string }>;
}

const shopifyProduct = async (sku: string) => (await sandboxes.controls.shopify.state<ShopifyProduct[]>('products')).find((product) => product.variants[0]?.sku === sku);

/** Until Shopify has processed every image it was given (none PROCESSING), as a merchant waits to see them in the admin. */
async function processed(): Promise<void> {
	for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
		const products = await sandboxes.controls.shopify.state<ShopifyProduct[]>('products');
		if (products.every((product) => product.media.every((image) => image.status !== 'PROCESSING'))) return;
	}
	throw new Error('Shopify still processes images after 30 s');
}

interface Shown {
	alt: string;
	/** The image's bytes, read from the URL the store serves it at (the seeded name they carry). */
	content: string;
}

/** Each store's images of a product, in order, read from the sandboxes' own state and the URLs they serve. */
async function imagesOf(sku: string): Promise<Record<Store, Shown[]>> {
	const woo = (await sandboxes.controls.woocommerce.state<Array<{ sku: string; images?: Array<{ src: string; alt: string }> }>>('products')).find((product) => product.sku === sku);
	const bigProduct = (await sandboxes.controls.bigcommerce.state<Array<{ id: number; sku: string }>>('catalog')).find((product) => product.sku === sku);
	const big = bigProduct ? ((await (await api('bigcommerce', `/catalog/products/${bigProduct.id}/images`, { method: 'GET' })).json()) as { data: Array<{ url_zoom: string; description: string; sort_order: number; id: number }> }).data : [];
	const content = async (url: string) => {
		const response = await fetch(url);
		expect(response.status).toBe(200);
		return Buffer.from(await response.arrayBuffer()).subarray(8).toString();
	};
	const magento = (await sandboxes.controls.magento.state<Array<{ sku: string; media_gallery_entries?: Array<{ file: string; label: string | null; position: number }> }>>('products')).find((product) => product.sku === sku);
	const magentoMedia = `${new URL(account('magento').baseUrl).origin}/media/catalog/product`;
	const shopify = await shopifyProduct(sku);
	return {
		shopify: await Promise.all((shopify?.media ?? []).map(async (image) => ({ alt: image.alt, content: image.status === 'READY' && image.path ? await content(`${new URL(account('shopify').baseUrl).origin}${image.path}`) : image.status }))),
		magento: await Promise.all([...(magento?.media_gallery_entries ?? [])].sort((a, b) => a.position - b.position).map(async (image) => ({ alt: image.label ?? '', content: await content(`${magentoMedia}${image.file}`) }))),
		woocommerce: await Promise.all((woo?.images ?? []).map(async (image) => ({ alt: image.alt, content: await content(image.src) }))),
		bigcommerce: await Promise.all([...big].sort((a, b) => a.sort_order - b.sort_order || a.id - b.id).map(async (image) => ({ alt: image.description, content: await content(image.url_zoom) }))),
	};
}

/** Writes each store was sent (creates, updates, image calls; Shopify's GraphQL mutations by name), by store. */
async function writeCalls(): Promise<Record<Store, string[]>> {
	const calls = async (platform: Store) => (await sandboxes.controls[platform].requests()).filter((entry) => ['POST', 'PUT', 'DELETE'].includes(entry.method) && /products/.test(entry.path)).map((entry) => `${entry.method} ${entry.path.replace(/^.*?\/(products|catalog)/, '/$1')}`);
	const mutations = async () =>
		(await sandboxes.controls.shopify.requests())
			.filter((entry) => entry.path.endsWith('/graphql.json'))
			.flatMap((entry) => /^\s*mutation (\w+)/.exec(String((entry.body as { query?: string }).query))?.slice(1) ?? []);
	return { woocommerce: await calls('woocommerce'), bigcommerce: await calls('bigcommerce'), magento: await calls('magento'), shopify: await mutations() };
}

async function callsDuring(work: () => Promise<unknown>): Promise<Record<Store, string[]>> {
	await Promise.all(stores.map((platform) => sandboxes.controls[platform].clearRequests()));
	await work();
	return writeCalls();
}

const quiet = async () => {
	let summary: SyncSummary | undefined;
	const calls = await callsDuring(async () => (summary = await sync()));
	expect(summary?.failures).toEqual([]);
	expect(calls).toEqual({ woocommerce: [], bigcommerce: [], magento: [], shopify: [] });
	expect(Object.values(summary!.platforms).map((counts) => counts.pulled)).toEqual([0, 0, 0, 0]);
};

test('images are copied once to the other store, matched by origin: a re-sync writes nothing', async () => {
	await sandboxes.controls.woocommerce.seed({ products: [{ sku: 'TEE-1', name: 'Tee', regular_price: '20.00', images: [{ name: 'tee-front.png', alt: 'Front' }, { name: 'tee-back.png', alt: 'Back' }] }] });
	await sandboxes.controls.bigcommerce.seed({ catalog: [{ sku: 'CAP-1', name: 'Cap', price: 12, weight: 1, images: [{ name: 'cap.png', description: 'A cap' }] }] });
	let first: SyncSummary | undefined;
	const calls = await callsDuring(async () => (first = await sync()));
	expect(first?.failures).toEqual([]);
	const tee = [{ alt: 'Front', content: 'tee-front.png' }, { alt: 'Back', content: 'tee-back.png' }];
	expect(await imagesOf('TEE-1')).toEqual({ woocommerce: tee, bigcommerce: tee, magento: tee, shopify: tee });
	const cap = [{ alt: 'A cap', content: 'cap.png' }];
	expect(await imagesOf('CAP-1')).toEqual({ woocommerce: cap, bigcommerce: cap, magento: cap, shopify: cap });
	// BigCommerce's product create carries its images; their ids are read once after it.
	expect(calls.woocommerce).toEqual(['POST /products/batch']);
	expect(calls.bigcommerce.filter((call) => call.startsWith('POST'))).toEqual(['POST /catalog/products']);
	// Magento takes the images' bytes in its one bulk request (downloaded first: Magento fetches no URL).
	expect(calls.magento).toEqual(['POST /products']);
	// Shopify takes each product's images as productSet's files (it fetches each originalSource): one call a product.
	expect(calls.shopify).toEqual(['Set', 'Set']);
	// Each store's copies are served from its own URLs.
	const wooSrc = (await sandboxes.controls.woocommerce.state<Array<{ sku: string; images: Array<{ src: string }> }>>('products')).find((product) => product.sku === 'CAP-1')!.images[0].src;
	expect(wooSrc.startsWith(account('woocommerce').baseUrl.replace(/\/wp-json.*$/, ''))).toBe(true);
	await quiet();
});

test('an image added, dropped, moved or given new alt text on one store reaches the other once, with no echo', async () => {
	await sandboxes.controls.woocommerce.seed({ products: [{ sku: 'TEE-2', name: 'Tee', regular_price: '20.00', images: [{ name: 'front.png', alt: 'Front' }, { name: 'back.png', alt: 'Back' }, { name: 'side.png', alt: 'Side' }] }] });
	await sync();
	await quiet();
	// On BigCommerce: the back dropped, the side moved first with new alt text, an image added from another product's URL.
	await sandboxes.controls.bigcommerce.seed({ catalog: [{ sku: 'SOCK-1', name: 'Sock', price: 3, weight: 1, images: [{ name: 'sock.png', description: 'Sock' }] }] });
	await new Promise((resolve) => setTimeout(resolve, 1100));
	const big = (await sandboxes.controls.bigcommerce.state<Array<{ id: number; sku: string }>>('catalog')).find((product) => product.sku === 'TEE-2')!;
	const listed = ((await (await api('bigcommerce', `/catalog/products/${big.id}/images`, { method: 'GET' })).json()) as { data: Array<{ id: number; description: string }> }).data;
	const sock = (await sandboxes.controls.bigcommerce.state<Array<{ id: number; sku: string }>>('catalog')).find((product) => product.sku === 'SOCK-1')!;
	const sockUrl = ((await (await api('bigcommerce', `/catalog/products/${sock.id}/images`, { method: 'GET' })).json()) as { data: Array<{ url_zoom: string }> }).data[0].url_zoom;
	const byAlt = (alt: string) => listed.find((image) => image.description === alt)!.id;
	expect((await api('bigcommerce', `/catalog/products/${big.id}/images/${byAlt('Back')}`, { method: 'DELETE' })).status).toBe(204);
	expect((await api('bigcommerce', '/catalog/products', { method: 'PUT', body: [{ id: big.id, images: [{ id: byAlt('Side'), description: 'Side view', sort_order: -1 }] }] })).status).toBe(200);
	expect((await api('bigcommerce', `/catalog/products/${big.id}/images`, { method: 'POST', body: { image_url: sockUrl, description: 'With socks', sort_order: 9 } })).status).toBe(200);
	let edited: SyncSummary | undefined;
	const calls = await callsDuring(async () => (edited = await sync()));
	expect(edited?.failures).toEqual([]);
	const expected = [{ alt: 'Side view', content: 'side.png' }, { alt: 'Front', content: 'front.png' }, { alt: 'With socks', content: 'sock.png' }];
	expect(await imagesOf('TEE-2')).toEqual({ woocommerce: expected, bigcommerce: expected, magento: expected, shopify: expected });
	// One batch to WooCommerce and one bulk request to Magento carry the edit (and the new sock product), a productSet
	// each to Shopify; nothing goes back to BigCommerce.
	expect(calls).toEqual({ woocommerce: ['POST /products/batch'], bigcommerce: [], magento: ['POST /products'], shopify: ['Set', 'Set'] });
	expect(edited?.platforms.bigcommerce.pulled).toBe(2);
	await quiet();
	// Moved back on WooCommerce: BigCommerce takes the new order in its product batch, no image fetched or deleted.
	await new Promise((resolve) => setTimeout(resolve, 1100));
	const woo = (await sandboxes.controls.woocommerce.state<Array<{ id: number; sku: string; images: Array<{ id: number; alt: string }> }>>('products')).find((product) => product.sku === 'TEE-2')!;
	const [side, front, socks] = woo.images;
	expect((await api('woocommerce', `/products/${woo.id}`, { method: 'PUT', body: { images: [{ id: front.id }, { id: side.id, alt: 'Side' }, { id: socks.id }] } })).status).toBe(200);
	const moved = await callsDuring(async () => expect((await sync()).failures).toEqual([]));
	const order = [{ alt: 'Front', content: 'front.png' }, { alt: 'Side', content: 'side.png' }, { alt: 'With socks', content: 'sock.png' }];
	expect(await imagesOf('TEE-2')).toEqual({ woocommerce: order, bigcommerce: order, magento: order, shopify: order });
	expect(moved).toEqual({ woocommerce: [], bigcommerce: ['PUT /catalog/products'], magento: ['PUT /products/TEE-2'], shopify: ['Set'] });
	await quiet();
});

test('an image a store cannot fetch fails that product there, naming the image; it is copied once it can be fetched', async () => {
	await sandboxes.controls.woocommerce.seed({ products: [{ sku: 'MUG-1', name: 'Mug', regular_price: '9.00', images: [{ name: 'mug.png', alt: 'Mug' }, { name: 'mug-side.png', alt: 'Side' }] }, { sku: 'BOWL-1', name: 'Bowl', regular_price: '7.00' }] });
	const woo = await sandboxes.controls.woocommerce.state<Array<{ sku: string; images: Array<{ src: string }> }>>('products');
	const unreachable = new URL(woo.find((product) => product.sku === 'MUG-1')!.images[1].src).pathname;
	await sandboxes.controls.woocommerce.fault({ kind: 'error', status: 404, times: -1, match: { method: 'GET', path: unreachable } });
	const summary = await sync();
	expect(summary.failures.map((failure) => [failure.platform, failure.error?.code, failure.error?.message])).toEqual([
		['bigcommerce', 'IMAGE_NOT_FETCHED', expect.stringMatching(/^images\[1\]\.src: the image http:\/\/\S+mug-side\.png could not be fetched: /)],
		['magento', 'IMAGE_NOT_FETCHED', expect.stringMatching(/^images\[1\]\.src: the image http:\/\/\S+mug-side\.png could not be fetched: HTTP 404/)],
		['shopify', 'IMAGE_NOT_FETCHED', expect.stringMatching(/^images\[1\]\.src: the image http:\/\/\S+mug-side\.png could not be fetched: HTTP 404/)],
	]);
	// The other product went through.
	expect((await imagesOf('BOWL-1')).bigcommerce).toEqual([]);
	expect((await sandboxes.controls.bigcommerce.state<Array<{ sku: string }>>('catalog')).map((product) => product.sku)).toEqual(['BOWL-1']);
	expect((await sandboxes.controls.magento.state<Array<{ sku: string }>>('products')).map((product) => product.sku)).toEqual(['BOWL-1']);
	expect((await sandboxes.controls.shopify.state<ShopifyProduct[]>('products')).map((product) => product.variants[0].sku)).toEqual(['BOWL-1']);
	await sandboxes.controls.woocommerce.clearFaults();
	const retried = await sync();
	expect(retried.failures).toEqual([]);
	const mug = [{ alt: 'Mug', content: 'mug.png' }, { alt: 'Side', content: 'mug-side.png' }];
	expect(await imagesOf('MUG-1')).toEqual({ woocommerce: mug, bigcommerce: mug, magento: mug, shopify: mug });
	await quiet();
});

test('an image added, dropped or moved on Shopify reaches the other three once; unchanged images are kept by id, with no echo', async () => {
	await sandboxes.controls.shopify.seed({ products: [{ sku: 'HAT-1', title: 'Hat', price: '15.00', weight: 0.2, images: [{ name: 'hat.png', alt: 'Hat' }, { name: 'hat-top.png', alt: 'Top' }] }] });
	await sandboxes.controls.woocommerce.seed({ products: [{ sku: 'SCARF-1', name: 'Scarf', regular_price: '11.00', images: [{ name: 'scarf.png', alt: 'Scarf' }] }] });
	const first = await sync();
	expect(first.failures).toEqual([]);
	const hat = [{ alt: 'Hat', content: 'hat.png' }, { alt: 'Top', content: 'hat-top.png' }];
	expect(await imagesOf('HAT-1')).toEqual({ woocommerce: hat, bigcommerce: hat, magento: hat, shopify: hat });
	await quiet();
	// On Shopify: the top dropped, an image added from the scarf's URL on WooCommerce, put first with its alt text.
	await new Promise((resolve) => setTimeout(resolve, 1100));
	const product = (await shopifyProduct('HAT-1'))!;
	const [front] = product.media;
	const scarfUrl = (await sandboxes.controls.woocommerce.state<Array<{ sku: string; images: Array<{ src: string }> }>>('products')).find((entry) => entry.sku === 'SCARF-1')!.images[0].src;
	// While Shopify still processes the new image (no URL of its own yet), a run reads nothing of the product: no image
	// is taken as removed or replaced anywhere.
	await sandboxes.controls.shopify.updateSettings({ holdMediaProcessing: true });
	const saved = await shopifySet({ id: `gid://shopify/Product/${product.id}`, files: [{ originalSource: scarfUrl, alt: 'With scarf', contentType: 'IMAGE' }, { id: `gid://shopify/MediaImage/${front.id}`, alt: 'Hat' }] });
	expect(saved.map((media) => media.image === null)).toEqual([true, false]);
	await quiet();
	expect(await imagesOf('HAT-1')).toEqual({ woocommerce: hat, bigcommerce: hat, magento: hat, shopify: [{ alt: 'With scarf', content: 'PROCESSING' }, { alt: 'Hat', content: 'hat.png' }] });
	await sandboxes.controls.shopify.updateSettings({ holdMediaProcessing: false });
	await processed();
	let edited: SyncSummary | undefined;
	const calls = await callsDuring(async () => (edited = await sync()));
	expect(edited?.failures).toEqual([]);
	const expected = [{ alt: 'With scarf', content: 'scarf.png' }, { alt: 'Hat', content: 'hat.png' }];
	expect(await imagesOf('HAT-1')).toEqual({ woocommerce: expected, bigcommerce: expected, magento: expected, shopify: expected });
	expect(edited?.platforms.shopify.pulled).toBe(1);
	// BigCommerce: the product's batch update, the top image deleted and the scarf added, a call each; nothing back to Shopify.
	expect(calls).toEqual({
		woocommerce: ['POST /products/batch'],
		bigcommerce: ['PUT /catalog/products', expect.stringMatching(/^DELETE \/catalog\/products\/\d+\/images\/\d+$/), expect.stringMatching(/^POST \/catalog\/products\/\d+\/images$/)],
		magento: ['PUT /products/HAT-1'],
		shopify: [],
	});
	await quiet();
	// Moved on Shopify (the hat first again): the others take the new order, and Shopify's media are not fetched again.
	await new Promise((resolve) => setTimeout(resolve, 1100));
	const media = (await shopifyProduct('HAT-1'))!.media;
	const paths = media.map((image) => image.path);
	await shopifySet({ id: `gid://shopify/Product/${product.id}`, files: [{ id: `gid://shopify/MediaImage/${media[1].id}` }, { id: `gid://shopify/MediaImage/${media[0].id}` }] });
	await processed();
	expect((await sync()).failures).toEqual([]);
	const moved = [{ alt: 'Hat', content: 'hat.png' }, { alt: 'With scarf', content: 'scarf.png' }];
	expect(await imagesOf('HAT-1')).toEqual({ woocommerce: moved, bigcommerce: moved, magento: moved, shopify: moved });
	expect((await shopifyProduct('HAT-1'))!.media.map((image) => image.path)).toEqual([paths[1], paths[0]]);
	await quiet();
	// Moved back on WooCommerce: Shopify takes the order by its media ids, nothing fetched again.
	await new Promise((resolve) => setTimeout(resolve, 1100));
	const woo = (await sandboxes.controls.woocommerce.state<Array<{ id: number; sku: string; images: Array<{ id: number }> }>>('products')).find((entry) => entry.sku === 'HAT-1')!;
	expect((await api('woocommerce', `/products/${woo.id}`, { method: 'PUT', body: { images: [{ id: woo.images[1].id }, { id: woo.images[0].id }] } })).status).toBe(200);
	const back = await callsDuring(async () => expect((await sync()).failures).toEqual([]));
	expect(await imagesOf('HAT-1')).toEqual({ woocommerce: expected, bigcommerce: expected, magento: expected, shopify: expected });
	expect(back.shopify).toEqual(['Set']);
	expect((await shopifyProduct('HAT-1'))!.media.map((image) => image.path)).toEqual(paths);
	await quiet();
});

test('50 or more products reach Shopify with their images in one bulk mutation; an alt text changed on all of them keeps each image by id', async () => {
	const count = 50;
	await sandboxes.controls.woocommerce.seed({ products: Array.from({ length: count }, (_, index) => ({ sku: `BULK-${index}`, name: `Bulk ${index}`, regular_price: '5.00', images: [{ name: `bulk-${index}.png`, alt: 'Front' }] })) });
	let first: SyncSummary | undefined;
	const calls = await callsDuring(async () => (first = await sync()));
	expect(first?.failures).toEqual([]);
	expect(calls.shopify.filter((name) => name !== 'Poll')).toEqual(['Stage', 'Run']);
	const shown = await imagesOf('BULK-7');
	expect(shown.shopify).toEqual([{ alt: 'Front', content: 'bulk-7.png' }]);
	const paths = (await sandboxes.controls.shopify.state<ShopifyProduct[]>('products')).map((product) => product.media.map((image) => image.path));
	expect(paths.every((held) => held.length === 1)).toBe(true);
	await quiet();
	// Every product's alt text changed on WooCommerce: one bulk mutation again, each image kept by its id (not fetched again).
	await new Promise((resolve) => setTimeout(resolve, 1100));
	const woo = await sandboxes.controls.woocommerce.state<Array<{ id: number; images: Array<{ id: number }> }>>('products');
	for (const product of woo) expect((await api('woocommerce', `/products/${product.id}`, { method: 'PUT', body: { images: [{ id: product.images[0].id, alt: 'Front view' }] } })).status).toBe(200);
	const edited = await callsDuring(async () => expect((await sync()).failures).toEqual([]));
	expect(edited.shopify.filter((name) => name !== 'Poll')).toEqual(['Stage', 'Run']);
	expect((await imagesOf('BULK-7')).shopify).toEqual([{ alt: 'Front view', content: 'bulk-7.png' }]);
	expect((await sandboxes.controls.shopify.state<ShopifyProduct[]>('products')).map((product) => product.media.map((image) => image.path))).toEqual(paths);
	await quiet();
});

test("a Shopify product's videos are kept when its images are written, one a call or in a bulk mutation", async () => {
	const count = 50;
	await sandboxes.controls.shopify.seed({ products: Array.from({ length: count }, (_, index) => ({ sku: `VID-${index}`, title: `Video ${index}`, price: '9.00', weight: 0.1, images: [{ name: `vid-${index}.png`, alt: 'Still' }], videos: [{ alt: 'Clip' }] })) });
	expect((await sync()).failures).toEqual([]);
	expect((await imagesOf('VID-3')).woocommerce).toEqual([{ alt: 'Still', content: 'vid-3.png' }]);
	await quiet();
	const kinds = async () => (await sandboxes.controls.shopify.state<ShopifyProduct[]>('products')).map((product) => product.media.map((entry) => `${entry.kind ?? 'IMAGE'} ${entry.alt}`));
	const woo = await sandboxes.controls.woocommerce.state<Array<{ id: number; sku: string; images: Array<{ id: number }> }>>('products');
	const altered = (alt: string) => async (product: { id: number; images: Array<{ id: number }> }) =>
		expect((await api('woocommerce', `/products/${product.id}`, { method: 'PUT', body: { images: [{ id: product.images[0].id, alt }] } })).status).toBe(200);
	// One product's alt text changed: one productSet, its video sent back by id.
	await new Promise((resolve) => setTimeout(resolve, 1100));
	await altered('Still one')(woo.find((product) => product.sku === 'VID-3')!);
	const one = await callsDuring(async () => expect((await sync()).failures).toEqual([]));
	expect(one.shopify).toEqual(['Set']);
	expect((await kinds()).filter((media) => media[0] === 'IMAGE Still one')).toEqual([['IMAGE Still one', 'VIDEO Clip']]);
	await quiet();
	// Every product's: one bulk mutation, every video kept.
	await new Promise((resolve) => setTimeout(resolve, 1100));
	for (const product of woo) await altered('Still all')(product);
	const all = await callsDuring(async () => expect((await sync()).failures).toEqual([]));
	expect(all.shopify.filter((name) => name !== 'Poll')).toEqual(['Stage', 'Run']);
	expect(await kinds()).toEqual(Array.from({ length: count }, () => ['IMAGE Still all', 'VIDEO Clip']));
	await quiet();
});

test('an image Shopify cannot process (FAILED after its productSet) fails the product there, naming the image; no store loses it, and it is copied once replaced', async () => {
	// A server whose "image" answers as image/png but is no image: every store keeps it; Shopify's processing fails it.
	const files: Record<string, Buffer> = { '/good.png': Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('good.png')]), '/broken.png': Buffer.from('this is no image at all') };
	files['/better.png'] = Buffer.concat([files['/good.png'].subarray(0, 8), Buffer.from('better.png')]);
	const server: Server = createServer((request, response) => {
		const body = files[request.url ?? ''];
		response.writeHead(body ? 200 : 404, { 'content-type': body ? 'image/png' : 'text/plain' }).end(body ?? 'Not Found');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		const created = await api('woocommerce', '/products/batch', { method: 'POST', body: { create: [{ name: 'Vase', sku: 'VASE-1', regular_price: '30.00', images: [{ src: `${origin}/good.png`, alt: 'Vase' }, { src: `${origin}/broken.png`, alt: 'Broken' }] }] } });
		expect(created.status).toBe(200);
		const [vase] = ((await created.json()) as { create: Array<{ id: number; images: Array<{ id: number }> }> }).create;
		const failure = [['shopify', 'IMAGE_NOT_FETCHED', expect.stringMatching(/^images\[1\]\.src: the image http:\/\/\S+broken\.png could not be fetched: Shopify could not process it \(media status FAILED, IMAGE_PROCESSING_FAILURE: /)]];
		const first = await sync();
		expect(first.failures.map((entry) => [entry.platform, entry.error?.code, entry.error?.message])).toEqual(failure);
		const alts = async () => Object.fromEntries(Object.entries(await imagesOf('VASE-1')).map(([store, images]) => [store, images.map((image) => image.alt)]));
		const both = ['Vase', 'Broken'];
		expect(await alts()).toEqual({ woocommerce: both, bigcommerce: both, magento: both, shopify: both });
		expect((await shopifyProduct('VASE-1'))!.media.map((image) => image.status)).toEqual(['READY', 'FAILED']);
		// Tried again: Shopify fails it again; its product is not read as one that lost the image, so no store loses it.
		const again = await callsDuring(async () => expect((await sync()).failures.map((entry) => [entry.platform, entry.error?.code, entry.error?.message])).toEqual(failure));
		expect(again).toEqual({ woocommerce: [], bigcommerce: [], magento: [], shopify: ['Set'] });
		expect(await alts()).toEqual({ woocommerce: both, bigcommerce: both, magento: both, shopify: both });
		// Replaced on WooCommerce by an image that opens: it reaches every store, Shopify's failed one is gone.
		await new Promise((resolve) => setTimeout(resolve, 1100));
		expect((await api('woocommerce', `/products/${vase.id}`, { method: 'PUT', body: { images: [{ id: vase.images[0].id }, { src: `${origin}/better.png`, alt: 'Better' }] } })).status).toBe(200);
		expect((await sync()).failures).toEqual([]);
		const better = [{ alt: 'Vase', content: 'good.png' }, { alt: 'Better', content: 'better.png' }];
		expect(await imagesOf('VASE-1')).toEqual({ woocommerce: better, bigcommerce: better, magento: better, shopify: better });
		await quiet();
	} finally {
		await new Promise((resolve) => server.close(resolve));
	}
});
