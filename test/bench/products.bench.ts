/**
 * Product catalogue benchmark (`npx tsx test/bench/products.bench.ts`, issue 17): an initial sync of
 * PRODUCTS_BENCH_COUNT (5,000) products from a WooCommerce catalogue into empty Shopify, Magento and BigCommerce stores
 * at the vendors' real limits, then a second run that must write nothing (no echo).
 *
 * The limits (checked against the vendors' docs):
 * - BigCommerce: 150 requests per 30 s on Standard and Plus, 450 on Pro (PRODUCTS_BENCH_BIGCOMMERCE_PER_30S); a product
 *   is created one a call ("Only one product can be created at a time"; batches of 10 are for updates only).
 * - Shopify: the GraphQL cost bucket of a Standard plan, 100 points a second (1,000 deep in the sandbox); a productSet
 *   costs 10 points, a query 4.
 * - WooCommerce (the source: 100 a page) and Magento: self-hosted, no API rate limit.
 * The bound is the longest any one store's window needs to admit the calls the run sent it (the stores are written at
 * once); WooCommerce's and Magento's calls need no wait.
 *
 * Shopify's products go as bulk mutations above the connector's threshold (lib/platforms/shopify/bulk.ts): its calls are
 * listed by kind (staged uploads, file uploads, bulk runs, status polls, result files, productSet calls of their own).
 * PRODUCTS_BENCH_STORES (comma list, WooCommerce first) runs a subset, e.g. `woocommerce,shopify` to count Shopify's
 * calls without waiting out BigCommerce's window.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { bigCommerceProfile } from '../../lib/platforms/bigcommerce';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import { closeAllStores, openStore } from '../../lib/store';
import { openSync, type SyncSummary } from '../../lib/sync';
import type { HttpRequest } from '../../lib/transport/types';
import { commerceAccount, startCommerceSandboxes } from '../support/inventoryStores';
import { figureLine, loadAverage } from './report';

const PRODUCTS = Number(process.env.PRODUCTS_BENCH_COUNT ?? 5000);
const BIGCOMMERCE_PER_30S = Number(process.env.PRODUCTS_BENCH_BIGCOMMERCE_PER_30S ?? 150);
const SHOPIFY_BUCKET = 1000;
const SHOPIFY_RESTORE_PER_S = 100;
const SHOPIFY_MUTATION_POINTS = 10;
const SHOPIFY_QUERY_POINTS = 4;
const STORES = (process.env.PRODUCTS_BENCH_STORES ?? 'woocommerce,shopify,magento,bigcommerce').split(',').map((name) => name.trim());
const SEED_CHUNK = 1000;

interface Sent {
	platform: string;
	method: string;
	url: string;
	mutation: boolean;
	/** The GraphQL operation's name (Shopify), e.g. `Stage`, `Run`, `Poll`, `Set`. */
	operation?: string;
}

/** Shopify's calls by kind: the bulk import's steps and the productSet calls sent one a product. */
function shopifyBreakdown(sent: Sent[]): string {
	const shopify = sent.filter((entry) => entry.platform === 'shopify');
	const named = (name: string) => shopify.filter((entry) => entry.operation === name).length;
	const uploads = shopify.filter((entry) => /\/staged-uploads/.test(entry.url)).length;
	const results = shopify.filter((entry) => /\/bulk-results\//.test(entry.url)).length;
	return `staged ${named('Stage')}, uploads ${uploads}, bulk runs ${named('Run')}, polls ${named('Poll')}, result files ${results}, variant reads ${named('Variants')}, product reads ${named('Products')}, productSet one a call ${named('Set')}`;
}

/** The least time `calls` take through a fixed window of `capacity` per `windowS`: a window's worth at once, then one a window. */
const windowBoundS = (calls: number, capacity: number, windowS: number) => Math.max(0, Math.ceil(calls / capacity) - 1) * windowS;

function shopifyPoints(sent: Sent[]): number {
	// The staged upload and the result file go to other hosts: they cost no points.
	return sent.filter((entry) => entry.platform === 'shopify' && entry.url.endsWith('/graphql.json')).reduce((points, entry) => points + (entry.mutation ? SHOPIFY_MUTATION_POINTS : SHOPIFY_QUERY_POINTS), 0);
}

function operationName(request: HttpRequest): string | undefined {
	const query = (request.body as { query?: unknown } | undefined)?.query;
	return typeof query === 'string' ? /^\s*(?:mutation|query)\s+(\w+)/.exec(query)?.[1] : undefined;
}

function isMutation(request: HttpRequest): boolean {
	const query = (request.body as { query?: unknown } | undefined)?.query;
	return typeof query === 'string' && /^\s*mutation\b/.test(query);
}

async function main(): Promise<void> {
	const sandboxes = await startCommerceSandboxes();
	const dir = mkdtempSync(join(tmpdir(), 'products-bench-'));
	const store = await openStore({ kind: 'sqlite', file: join(dir, 'state.db') }, allMigrations);
	try {
		await sandboxes.controls.bigcommerce.setRateLimits({ windows: [{ name: 'store', limit: BIGCOMMERCE_PER_30S, intervalMs: 30_000 }] });
		await sandboxes.controls.shopify.updateSettings({ throttleEnabled: true, maximumAvailable: SHOPIFY_BUCKET, restoreRate: SHOPIFY_RESTORE_PER_S });
		for (let start = 0; start < PRODUCTS; start += SEED_CHUNK) {
			const products = Array.from({ length: Math.min(SEED_CHUNK, PRODUCTS - start) }, (_, offset) => {
				const index = start + offset;
				return {
					sku: `CAT-${String(index).padStart(5, '0')}`,
					name: `Catalogue product ${index}`,
					description: `<p>Product ${index}</p>`,
					regular_price: `${10 + (index % 90)}.${String(index % 100).padStart(2, '0')}`,
					...(index % 4 === 0 ? { sale_price: `${9 + (index % 90)}.50` } : {}),
					status: index % 10 === 0 ? 'draft' : 'publish',
					weight: index % 3 === 0 ? '' : `${(index % 7) + 1}.25`,
				};
			});
			await sandboxes.controls.woocommerce.seed({ products });
		}
		// Every call the transports send, counted here: the sandboxes' request logs keep only the last 5,000.
		const sent: Sent[] = [];
		const platforms = standalonePlatforms(sandboxes.stores.map(commerceAccount), {
			rateBuckets: store.rateBuckets,
			profile: (account) => (account.platform === 'bigcommerce' ? bigCommerceProfile({ requestsPer30s: BIGCOMMERCE_PER_30S }) : undefined),
			client: (inner, account) => ({
				send: (request) => {
					sent.push({ platform: account.platform, method: request.method, url: request.url, mutation: isMutation(request), operation: operationName(request) });
					return inner.send(request);
				},
			}),
		});
		const sync = (runId: string): Promise<SyncSummary> =>
			openSync({ store, platforms }).syncProducts(STORES, { integration: 'bench-catalogue', strategy: { kind: 'lastWriteWins' }, runId });

		const loadBefore = loadAverage();
		const started = Date.now();
		const first = await sync('products-initial');
		const wallS = (Date.now() - started) / 1000;
		const loadAfter = loadAverage();
		const initialSent = [...sent];

		const calls = (platform: string, list = initialSent) => list.filter((entry) => entry.platform === platform).length;
		const bigCommerceBoundS = windowBoundS(calls('bigcommerce'), BIGCOMMERCE_PER_30S, 30);
		const shopifyBoundS = Math.max(0, shopifyPoints(initialSent) - SHOPIFY_BUCKET) / SHOPIFY_RESTORE_PER_S;
		const boundS = Math.max(bigCommerceBoundS, shopifyBoundS);

		const counts = await Promise.all(STORES.map(async (platform) => {
			const skus = await catalogueSkus(sandboxes.controls[platform], platform);
			return { platform, products: skus.length, distinct: new Set(skus).size };
		}));
		const throttled = await Promise.all(STORES.map(async (platform) => (await sandboxes.controls[platform].requests()).filter((entry) => entry.status === 429).length));

		sent.length = 0;
		const secondStarted = Date.now();
		const second = await sync('products-quiet');
		const secondS = (Date.now() - secondStarted) / 1000;
		const secondWrites = sent.filter((entry) => entry.mutation || (entry.method !== 'GET' && entry.platform !== 'shopify')).length;

		console.log(`\nproducts: ${PRODUCTS} from WooCommerce into ${STORES.slice(1).join(', ')} (BigCommerce ${BIGCOMMERCE_PER_30S}/30 s, Shopify ${SHOPIFY_RESTORE_PER_S} points/s, ${SHOPIFY_BUCKET} deep)`);
		console.log(`   load before ${loadBefore}, after ${loadAfter}`);
		console.log(`   wall time ${wallS.toFixed(1)} s; failures ${first.failures.length}; created ${STORES.map((platform) => `${platform} ${first.platforms[platform].created}`).join(', ')}`);
		for (const [position, platform] of STORES.entries()) {
			const list = initialSent.filter((entry) => entry.platform === platform);
			const writes = list.filter((entry) => entry.mutation || (entry.method !== 'GET' && platform !== 'shopify')).length;
			console.log(`   ${platform.padEnd(12)} ${String(list.length).padStart(5)} calls (${writes} writes, ${list.length - writes} reads), ${throttled[position]} answered 429 among the sandbox's last 5,000; holds ${counts[position].products} products, ${counts[position].distinct} distinct SKUs`);
		}
		if (STORES.includes('shopify')) console.log(`   shopify calls: ${shopifyBreakdown(initialSent)}`);
		console.log(`   bound: BigCommerce ${calls('bigcommerce')} calls in ${BIGCOMMERCE_PER_30S}-request windows ≥ ${bigCommerceBoundS} s; Shopify ${shopifyPoints(initialSent)} points ≥ ${shopifyBoundS.toFixed(0)} s`);
		console.log(`   second run: ${secondS.toFixed(1)} s, ${secondWrites} writes, ${Object.values(second.platforms).reduce((sum, entry) => sum + entry.created + entry.updated, 0)} records written, echoes ${STORES.map((platform) => `${platform} ${second.platforms[platform].echoes}`).join(', ')}`);
		console.log(figureLine(`products initial sync of ${PRODUCTS} into ${STORES.length - 1} stores (BigCommerce ${BIGCOMMERCE_PER_30S}/30 s)`, wallS, 's', boundS, 'rate-limit bound'));
	} finally {
		await closeAllStores();
		await sandboxes.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

/** Each store's product SKUs, read from the sandbox's own state. */
async function catalogueSkus(control: { state<T>(collection: string): Promise<T> }, platform: string): Promise<string[]> {
	if (platform === 'bigcommerce') return (await control.state<Array<{ sku: string }>>('catalog')).map((product) => product.sku);
	if (platform === 'shopify') return (await control.state<Array<{ variants: Array<{ sku: string }> }>>('products')).flatMap((product) => product.variants.map((variant) => variant.sku));
	return (await control.state<Array<{ sku: string }>>('products')).map((product) => product.sku);
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
