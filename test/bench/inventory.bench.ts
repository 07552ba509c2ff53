/**
 * Inventory Fan-out benchmark (`npx tsx test/bench/inventory.bench.ts`):
 * 1. One order fanned out to four stores, each sandbox given its own latency: the fan-out takes about the slowest
 *    store's time, not the sum of all four.
 * 2. INVENTORY_BENCH_ORDERS (1,000) orders over 50 SKUs into the four sandboxes at their real rate limits (Shopify's
 *    cost bucket, BigCommerce's 30-second window; INVENTORY_BENCH_BIGCOMMERCE_PER_30S, 450 = Pro, or 150 = Standard):
 *    API calls per store and wall time next to the bound the limits allow, and every store exact at the end.
 * 3. The engine alone (ledger, locks, SQLite) with in-memory stores and no limits: overhead per order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { InventoryFanOut, openInventory, type StockMovement, type StoreTarget } from '../../lib/inventory';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import { allMigrations } from '../../lib/migrations';
import { bigCommerceProfile } from '../../lib/platforms/bigcommerce';
import type { InventoryConnector, StockChange } from '../../lib/platforms/inventory';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { commerceAccount, commercePlatforms, startCommerceSandboxes, type CommercePlatform, type CommerceSandboxes } from '../support/inventoryStores';
import { figureLine } from './report';

const ORDERS = Number(process.env.INVENTORY_BENCH_ORDERS ?? 1000);
const SKUS = 50;
const BIGCOMMERCE_PER_30S = Number(process.env.INVENTORY_BENCH_BIGCOMMERCE_PER_30S ?? 450);

async function freshStore(): Promise<{ store: StateStore; dispose: () => Promise<void> }> {
	const dir = mkdtempSync(join(tmpdir(), 'inventory-bench-'));
	const store = await openStore({ kind: 'sqlite', file: join(dir, 'state.sqlite') }, allMigrations);
	return { store, dispose: async () => { await closeAllStores(); rmSync(dir, { recursive: true, force: true }); } };
}

const ms = (value: number) => `${value.toFixed(0)} ms`;

async function fanOutLatency(sandboxes: CommerceSandboxes): Promise<void> {
	const latency: Record<CommercePlatform, number> = { shopify: 60, woocommerce: 40, magento: 90, bigcommerce: 120 };
	await sandboxes.reset();
	await sandboxes.seed(['LAT-1'], 1000);
	for (const platform of commercePlatforms) await sandboxes.controls[platform].fault({ kind: 'latency', ms: latency[platform], times: -1, match: { path: '^/(admin|wp-json|rest|stores)/' } });
	const { store, dispose } = await freshStore();
	try {
		const targets = await openInventory({ store, platforms: standalonePlatforms(sandboxes.stores.map(commerceAccount)) }).stores(sandboxes.stores);
		const single: Record<string, number> = {};
		for (const target of targets) {
			// Warm the connector (the SKU lookup) so both runs make the same calls.
			await target.connector.getQuantity('LAT-1');
			const alone = new InventoryFanOut({ db: store.db, stores: [target] });
			const started = performance.now();
			await alone.apply([{ orderId: `alone-${target.id}`, lineId: '1', sku: 'LAT-1', quantity: 1, kind: 'restock' }]);
			single[target.id] = performance.now() - started;
		}
		const all = new InventoryFanOut({ db: store.db, stores: targets });
		const started = performance.now();
		const result = await all.apply([{ orderId: 'all-four', lineId: '1', sku: 'LAT-1', quantity: 1, kind: 'restock' }]);
		const together = performance.now() - started;
		const sum = Object.values(single).reduce((total, value) => total + value, 0);
		const slowest = Math.max(...Object.values(single));
		console.log('\n1. One order fanned out to four stores (sandbox latency per request: ' + commercePlatforms.map((p) => `${p} ${latency[p]} ms`).join(', ') + ')');
		console.log('   each store alone: ' + Object.entries(single).map(([id, value]) => `${id} ${ms(value)}`).join(', '));
		console.log(`   all four at once: ${ms(together)} (slowest alone ${ms(slowest)}, sum ${ms(sum)}); ${result.outcomes.filter((o) => o.status === 'applied').length}/4 applied`);
		console.log(figureLine('inventory fan-out of one order to four stores', together, 'ms', slowest, 'slowest store alone'));
	} finally {
		await Promise.all(commercePlatforms.map((platform) => sandboxes.controls[platform].clearFaults()));
		await dispose();
	}
}

async function ordersAtRealLimits(sandboxes: CommerceSandboxes): Promise<void> {
	await sandboxes.reset();
	await sandboxes.controls.bigcommerce.setRateLimits({ windows: [{ name: 'store', limit: BIGCOMMERCE_PER_30S, intervalMs: 30_000 }] });
	const skus = Array.from({ length: SKUS }, (_, index) => `BENCH-${index}`);
	await sandboxes.seed(skus, 10_000);
	const { store, dispose } = await freshStore();
	try {
		const platforms = standalonePlatforms(sandboxes.stores.map(commerceAccount), {
			rateBuckets: store.rateBuckets,
			profile: (account) => (account.platform === 'bigcommerce' ? bigCommerceProfile({ requestsPer30s: BIGCOMMERCE_PER_30S }) : undefined),
		});
		const targets = await openInventory({ store, platforms }).stores(sandboxes.stores);
		const fanOut = new InventoryFanOut({ db: store.db, stores: targets });
		const orders: StockMovement[] = Array.from({ length: ORDERS }, (_, index) => ({
			orderId: `bench-${index}`,
			lineId: '1',
			sku: skus[index % SKUS],
			quantity: 1 + (index % 3),
			sourceStore: commercePlatforms[(index * 7) % 4],
		}));
		await Promise.all(commercePlatforms.map((platform) => sandboxes.controls[platform].clearRequests()));
		const started = Date.now();
		const results = await Promise.all(orders.map((order) => fanOut.apply([order])));
		const wall = (Date.now() - started) / 1000;
		const outcomes = results.flatMap((result) => result.outcomes);
		const calls: Record<string, { calls: number; throttled: number }> = {};
		for (const platform of commercePlatforms) {
			const log = await sandboxes.controls[platform].requests();
			calls[platform] = { calls: log.length, throttled: log.filter((entry) => entry.status === 429).length };
		}
		const shopifyLog = calls.shopify.calls;
		// Shopify: 10 points per adjust and 4 per read, one read per change (its quantity is the intent recorded before
		// the write, so that a crash is resolved without a second adjust); 1,000 in the bucket, 100 restored per second.
		const shopifyPoints = outcomes.filter((o) => o.store === 'shopify').length * (10 + 4);
		const bounds = {
			shopify: Math.max(0, shopifyPoints - 1000) / 100,
			bigcommerce: Math.max(0, Math.ceil(calls.bigcommerce.calls / BIGCOMMERCE_PER_30S) - 1) * 30,
		};
		let exact = 0;
		for (const sku of skus) {
			const sold = orders.filter((order) => order.sku === sku);
			const quantities = await sandboxes.quantities(sku);
			exact += commercePlatforms.filter((platform) => quantities[platform] === 10_000 - sold.filter((order) => order.sourceStore !== platform).reduce((sum, order) => sum + order.quantity, 0)).length;
		}
		console.log(`\n2. ${ORDERS} orders over ${SKUS} SKUs into four sandboxes at real limits (BigCommerce ${BIGCOMMERCE_PER_30S}/30 s, Shopify 1,000-point bucket restoring 100/s)`);
		console.log(`   wall time ${wall.toFixed(1)} s; ${outcomes.filter((o) => o.status === 'applied').length}/${outcomes.length} store changes applied; ${exact}/${SKUS * 4} store-SKU quantities exact`);
		for (const platform of commercePlatforms) {
			const changes = outcomes.filter((o) => o.store === platform).length;
			console.log(`   ${platform.padEnd(12)} ${String(calls[platform].calls).padStart(5)} calls for ${changes} changes (${(calls[platform].calls / Math.max(1, changes)).toFixed(2)}/change), ${calls[platform].throttled} refused with 429`);
		}
		console.log(`   rate-limit bound: Shopify ≥ ${bounds.shopify.toFixed(0)} s (${shopifyPoints} points, ${shopifyLog} requests), BigCommerce ≥ ${bounds.bigcommerce.toFixed(0)} s (${calls.bigcommerce.calls} calls in ${BIGCOMMERCE_PER_30S}-request windows); wall time / bound = ${(wall / Math.max(1, ...Object.values(bounds))).toFixed(2)}`);
	} finally {
		await dispose();
	}
}

/** An in-memory store with no latency: what is left is the engine. */
class InstantStore implements InventoryConnector {
	readonly adjustPrimitive = 'relative' as const;
	readonly compareAndSet = true;
	private readonly quantities = new Map<string, number>();
	constructor(readonly platform: string) {}
	async getQuantity(sku: string): Promise<number> {
		return this.quantities.get(sku) ?? 1_000_000;
	}
	async adjust(sku: string, delta: number): Promise<StockChange> {
		const previous = await this.getQuantity(sku);
		this.quantities.set(sku, previous + delta);
		return { previous, next: previous + delta };
	}
	async set(sku: string, quantity: number): Promise<StockChange> {
		const previous = await this.getQuantity(sku);
		this.quantities.set(sku, quantity);
		return { previous, next: quantity };
	}
}

async function engineOverhead(): Promise<void> {
	const { store, dispose } = await freshStore();
	try {
		const stores: StoreTarget[] = commercePlatforms.map((id) => ({ id, connector: new InstantStore(id) }));
		const fanOut = new InventoryFanOut({ db: store.db, stores });
		const order = (index: number): StockMovement => ({ orderId: `o-${index}`, lineId: '1', sku: `SKU-${index % SKUS}`, quantity: 1, sourceStore: commercePlatforms[index % 4] });
		for (let index = 0; index < 200; index++) await fanOut.apply([order(-1 - index)]);
		const count = 5000;
		let started = performance.now();
		for (let index = 0; index < count; index++) await fanOut.apply([order(index)]);
		const sequential = (performance.now() - started) / count;
		started = performance.now();
		await Promise.all(Array.from({ length: count }, (_, index) => fanOut.apply([order(count + index)])));
		const concurrent = (performance.now() - started) / count;
		console.log(`\n3. Engine overhead with limits lifted (in-memory stores, SQLite ledger): ${sequential.toFixed(3)} ms per order one at a time, ${concurrent.toFixed(3)} ms per order with ${count} in flight (3 store changes each)`);
	} finally {
		await dispose();
	}
}

async function main(): Promise<void> {
	await engineOverhead();
	const latencySandboxes = await startCommerceSandboxes({ rateLimits: false });
	try {
		await latencySandboxes.controls.shopify.updateSettings({ throttleEnabled: false });
		await fanOutLatency(latencySandboxes);
	} finally {
		await latencySandboxes.close();
	}
	if (ORDERS > 0) {
		const limited = await startCommerceSandboxes();
		try {
			await ordersAtRealLimits(limited);
		} finally {
			await limited.close();
		}
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
