/**
 * Product images kept in step across the commerce sandboxes (Sync Products): each store downloads a copy and serves
 * it from its own URL, so images are matched by where they came from (their origin, through the ID map), never by URL.
 * A copy is made once; an image added, dropped, moved or given new alt text on one store reaches the others once, and
 * a quiet run writes nothing; an image a store cannot fetch fails that product there, naming the image's field.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import { openStore, type StateStore } from '../../lib/store';
import { openSync, type SyncSummary } from '../../lib/sync';
import { commerceAccount, startCommerceSandboxes, type CommerceSandboxes } from '../support/inventoryStores';

type Store = 'woocommerce' | 'bigcommerce' | 'magento';
const stores: Store[] = ['woocommerce', 'bigcommerce', 'magento'];

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
		: platform === 'magento' ? { authorization: `Bearer ${String(settings.accessToken)}` } : { 'x-auth-token': String(settings.accessToken) };
	return fetch(`${baseUrl}${path}`, { method: init.method, headers: { ...auth, 'content-type': 'application/json' }, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
};

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
	return {
		magento: await Promise.all([...(magento?.media_gallery_entries ?? [])].sort((a, b) => a.position - b.position).map(async (image) => ({ alt: image.label ?? '', content: await content(`${magentoMedia}${image.file}`) }))),
		woocommerce: await Promise.all((woo?.images ?? []).map(async (image) => ({ alt: image.alt, content: await content(image.src) }))),
		bigcommerce: await Promise.all([...big].sort((a, b) => a.sort_order - b.sort_order || a.id - b.id).map(async (image) => ({ alt: image.description, content: await content(image.url_zoom) }))),
	};
}

/** Writes each store was sent (creates, updates, image calls), by store. */
async function writeCalls(): Promise<Record<Store, string[]>> {
	const calls = async (platform: Store) => (await sandboxes.controls[platform].requests()).filter((entry) => ['POST', 'PUT', 'DELETE'].includes(entry.method) && /products/.test(entry.path)).map((entry) => `${entry.method} ${entry.path.replace(/^.*?\/(products|catalog)/, '/$1')}`);
	return { woocommerce: await calls('woocommerce'), bigcommerce: await calls('bigcommerce'), magento: await calls('magento') };
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
	expect(calls).toEqual({ woocommerce: [], bigcommerce: [], magento: [] });
	expect(Object.values(summary!.platforms).map((counts) => counts.pulled)).toEqual([0, 0, 0]);
};

test('images are copied once to the other store, matched by origin: a re-sync writes nothing', async () => {
	await sandboxes.controls.woocommerce.seed({ products: [{ sku: 'TEE-1', name: 'Tee', regular_price: '20.00', images: [{ name: 'tee-front.png', alt: 'Front' }, { name: 'tee-back.png', alt: 'Back' }] }] });
	await sandboxes.controls.bigcommerce.seed({ catalog: [{ sku: 'CAP-1', name: 'Cap', price: 12, weight: 1, images: [{ name: 'cap.png', description: 'A cap' }] }] });
	let first: SyncSummary | undefined;
	const calls = await callsDuring(async () => (first = await sync()));
	expect(first?.failures).toEqual([]);
	const tee = [{ alt: 'Front', content: 'tee-front.png' }, { alt: 'Back', content: 'tee-back.png' }];
	expect(await imagesOf('TEE-1')).toEqual({ woocommerce: tee, bigcommerce: tee, magento: tee });
	const cap = [{ alt: 'A cap', content: 'cap.png' }];
	expect(await imagesOf('CAP-1')).toEqual({ woocommerce: cap, bigcommerce: cap, magento: cap });
	// BigCommerce's product create carries its images; their ids are read once after it.
	expect(calls.woocommerce).toEqual(['POST /products/batch']);
	expect(calls.bigcommerce.filter((call) => call.startsWith('POST'))).toEqual(['POST /catalog/products']);
	// Magento takes the images' bytes in its one bulk request (downloaded first: Magento fetches no URL).
	expect(calls.magento).toEqual(['POST /products']);
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
	expect(await imagesOf('TEE-2')).toEqual({ woocommerce: expected, bigcommerce: expected, magento: expected });
	// One batch to WooCommerce and one bulk request to Magento carry the edit (and the new sock product); nothing goes back to BigCommerce.
	expect(calls).toEqual({ woocommerce: ['POST /products/batch'], bigcommerce: [], magento: ['POST /products'] });
	expect(edited?.platforms.bigcommerce.pulled).toBe(2);
	await quiet();
	// Moved back on WooCommerce: BigCommerce takes the new order in its product batch, no image fetched or deleted.
	await new Promise((resolve) => setTimeout(resolve, 1100));
	const woo = (await sandboxes.controls.woocommerce.state<Array<{ id: number; sku: string; images: Array<{ id: number; alt: string }> }>>('products')).find((product) => product.sku === 'TEE-2')!;
	const [side, front, socks] = woo.images;
	expect((await api('woocommerce', `/products/${woo.id}`, { method: 'PUT', body: { images: [{ id: front.id }, { id: side.id, alt: 'Side' }, { id: socks.id }] } })).status).toBe(200);
	const moved = await callsDuring(async () => expect((await sync()).failures).toEqual([]));
	const order = [{ alt: 'Front', content: 'front.png' }, { alt: 'Side', content: 'side.png' }, { alt: 'With socks', content: 'sock.png' }];
	expect(await imagesOf('TEE-2')).toEqual({ woocommerce: order, bigcommerce: order, magento: order });
	expect(moved).toEqual({ woocommerce: [], bigcommerce: ['PUT /catalog/products'], magento: ['PUT /products/TEE-2'] });
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
	]);
	// The other product went through.
	expect((await imagesOf('BOWL-1')).bigcommerce).toEqual([]);
	expect((await sandboxes.controls.bigcommerce.state<Array<{ sku: string }>>('catalog')).map((product) => product.sku)).toEqual(['BOWL-1']);
	expect((await sandboxes.controls.magento.state<Array<{ sku: string }>>('products')).map((product) => product.sku)).toEqual(['BOWL-1']);
	await sandboxes.controls.woocommerce.clearFaults();
	const retried = await sync();
	expect(retried.failures).toEqual([]);
	const mug = [{ alt: 'Mug', content: 'mug.png' }, { alt: 'Side', content: 'mug-side.png' }];
	expect(await imagesOf('MUG-1')).toEqual({ woocommerce: mug, bigcommerce: mug, magento: mug });
	await quiet();
});
