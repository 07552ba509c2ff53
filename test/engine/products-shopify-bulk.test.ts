/**
 * Product sync into Shopify above the bulk threshold: the products go as one bulk mutation of productSet (staged JSONL,
 * the run, polling, the result file) instead of a call each, are linked once, and come back as no change; an edit of
 * many goes by bulk too and keeps each product's variant; a bulk upload that fails fails the batch, which the next run
 * writes once, with no duplicate.
 */
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import { BULK_THRESHOLD } from '../../lib/platforms/shopify/products';
import { openSync, type SyncSummary } from '../../lib/sync';
import { commerceAccount, useCommerceSandboxSuite } from '../support/inventoryStores';

jest.setTimeout(90_000);

const COUNT = BULK_THRESHOLD + 30;

const suite = useCommerceSandboxSuite('products-bulk');
let run = 0;

beforeEach(async () => {
	await suite.sandboxes().controls.woocommerce.seed({
		products: Array.from({ length: COUNT }, (_, index) => ({ sku: `BLK-${String(index).padStart(3, '0')}`, name: `Bulk tee ${index}`, regular_price: '20.00', status: 'publish' })),
	});
});

const sync = (): Promise<SyncSummary> =>
	openSync({ store: suite.store(), platforms: standalonePlatforms(suite.sandboxes().stores.map(commerceAccount), { retry: { maxAttempts: 2, baseDelayMs: 1 } }) }).syncProducts(['woocommerce', 'shopify'], {
		integration: 'catalog',
		strategy: { kind: 'lastWriteWins' },
		runId: `run-${++run}`,
	});

const shopifyProducts = () => suite.sandboxes().controls.shopify.state<Array<{ id: number; title: string; variants: Array<{ id: number; sku: string }> }>>('products');
/** The Shopify operations a run sent, by name (`Set` is a productSet of its own), and the bulk operations it ran. */
async function shopifyCalls(): Promise<{ names: string[]; bulk: number }> {
	const log = await suite.sandboxes().controls.shopify.requests();
	const names = log.filter((entry) => entry.path.endsWith('/graphql.json')).map((entry) => /^\s*(?:mutation|query) (\w+)/.exec(String((entry.body as { query?: string }).query))?.[1] ?? 'anonymous');
	return { names, bulk: (await suite.sandboxes().controls.shopify.state<unknown[]>('bulkOperations')).length };
}

test('an initial sync of more products than the threshold creates them on Shopify by one bulk mutation, once, with no echo', async () => {
	const first = await sync();
	expect(first.failures).toEqual([]);
	expect(first.platforms.shopify.created).toBe(COUNT);
	const created = await shopifyProducts();
	expect(created.map((product) => product.variants[0].sku).sort()).toEqual(Array.from({ length: COUNT }, (_, index) => `BLK-${String(index).padStart(3, '0')}`));
	const calls = await shopifyCalls();
	expect(calls.bulk).toBe(1);
	expect(calls.names.filter((name) => name === 'Set')).toEqual([]);
	expect(calls.names.filter((name) => ['Stage', 'Run'].includes(name))).toEqual(['Stage', 'Run']);

	// The next run reads the products back as our own writes: nothing written anywhere.
	await suite.sandboxes().controls.shopify.clearRequests();
	const quiet = await sync();
	expect(Object.values(quiet.platforms).every((counts) => counts.created === 0 && counts.updated === 0)).toBe(true);
	expect((await shopifyCalls()).names.filter((name) => ['Set', 'Stage', 'Run'].includes(name))).toEqual([]);

	// Every product renamed on WooCommerce: one bulk update on Shopify, each product keeping its variant.
	await new Promise((resolve) => setTimeout(resolve, 1100));
	const woo = await suite.sandboxes().controls.woocommerce.state<Array<{ id: number }>>('products');
	for (const product of woo) await fetchWoo(`/products/${product.id}`, { name: `Renamed ${product.id}` });
	const renamed = await sync();
	expect(renamed.failures).toEqual([]);
	expect(renamed.platforms.shopify.updated).toBe(COUNT);
	const after = await shopifyProducts();
	expect(after.map((product) => `${product.id}:${product.variants[0].id}`)).toEqual(created.map((product) => `${product.id}:${product.variants[0].id}`));
	expect(after.every((product) => product.title.startsWith('Renamed '))).toBe(true);
	expect((await shopifyCalls()).bulk).toBe(2);
});

test('a bulk upload that fails fails the batch; the next run creates each product once', async () => {
	await suite.sandboxes().controls.shopify.fault({ kind: 'error', status: 503, times: 2, match: { method: 'POST', path: '/staged-uploads' } });
	const failed = await sync();
	expect(failed.platforms.shopify.created).toBe(0);
	expect(failed.failures.filter((failure) => failure.platform === 'shopify')).toHaveLength(COUNT);
	expect(await shopifyProducts()).toEqual([]);

	const retried = await sync();
	expect(retried.failures).toEqual([]);
	expect(retried.platforms.shopify.created).toBe(COUNT);
	expect(new Set((await shopifyProducts()).map((product) => product.variants[0].sku)).size).toBe(COUNT);
	expect(await shopifyProducts()).toHaveLength(COUNT);
});

test('a bulk operation whose result file is lost: the products it created are matched by SKU on the next run, never created twice', async () => {
	await suite.sandboxes().controls.shopify.fault({ kind: 'error', status: 503, times: 2, match: { method: 'GET', path: '/bulk-results' } });
	const lost = await sync();
	expect(lost.platforms.shopify.created).toBe(0);
	expect(await shopifyProducts()).toHaveLength(COUNT);

	const next = await sync();
	expect(next.failures).toEqual([]);
	expect(next.platforms.shopify.created).toBe(0);
	expect(await shopifyProducts()).toHaveLength(COUNT);
	expect((await shopifyCalls()).bulk).toBe(1);
});

/** A product update through WooCommerce's REST API, as a merchant's edit. */
async function fetchWoo(path: string, body: Record<string, unknown>): Promise<void> {
	const woo = suite.sandboxes().stores.find((entry) => entry.platform === 'woocommerce')!;
	const auth = Buffer.from(`${String(woo.settings.consumerKey)}:${String(woo.settings.consumerSecret)}`).toString('base64');
	const response = await fetch(`${woo.baseUrl}${path}`, { method: 'PUT', headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
	if (response.status !== 200) throw new Error(`WooCommerce refused the edit: ${response.status} ${await response.text()}`);
}
