/** The four commerce sandboxes as inventory stores, for tests, benchmarks and the demo. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { InventoryFanOut, openInventory, type StoreTarget } from '../../lib/inventory';
import { allMigrations } from '../../lib/migrations';
import { standalonePlatforms, type StandaloneAccount, type StandaloneOptions } from '../../lib/platforms/catalog/standalonePlatforms';
import { openStore, type StateStore } from '../../lib/store';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { bigCommerceStoreHash } from '../sandbox/bigcommerce';
import { shopifyApiVersion } from '../sandbox/shopify';
import { inventoryConnector, sandboxAccount } from './standalone';

export const commercePlatforms = ['shopify', 'woocommerce', 'magento', 'bigcommerce'] as const;
export type CommercePlatform = (typeof commercePlatforms)[number];

/** One store of a sandbox: its platform, id, API base and credential fields (location included). */
export interface CommerceStore {
	id: string;
	platform: string;
	baseUrl: string;
	settings: Record<string, unknown>;
}

/** A store as an account of the standalone platform resolver. */
export function commerceAccount(store: CommerceStore): StandaloneAccount {
	return sandboxAccount(store.platform, store.baseUrl, store.settings, store.id);
}

export interface CommerceSandboxes {
	/** One store per platform, id = platform name. */
	stores: CommerceStore[];
	controls: Record<CommercePlatform, SandboxControl>;
	sandboxes: Record<CommercePlatform, RunningSandbox>;
	/** Puts `quantity` of each SKU on every store. */
	seed(skus: string[], quantity: number): Promise<void>;
	/**
	 * A sale on the store itself, taking the units off there as its own checkout does: Shopify's and WooCommerce's order
	 * create, a Magento order, a BigCommerce relative adjustment.
	 */
	sell(platform: CommercePlatform, sku: string, quantity: number): Promise<void>;
	/** Each store's quantity of a SKU, read through the control API. */
	quantities(sku: string): Promise<Record<CommercePlatform, number | undefined>>;
	reset(): Promise<void>;
	close(): Promise<void>;
}

const apiBase: Record<CommercePlatform, (sandbox: RunningSandbox) => string> = {
	shopify: (sandbox) => `${sandbox.baseUrl}/admin/api/${shopifyApiVersion}`,
	woocommerce: (sandbox) => `${sandbox.baseUrl}/wp-json/wc/v3`,
	magento: (sandbox) => `${sandbox.baseUrl}/rest/default`,
	bigcommerce: (sandbox) => `${sandbox.baseUrl}/stores/${bigCommerceStoreHash}/v3`,
};

export async function startCommerceSandboxes(options: { rateLimits?: boolean } = {}): Promise<CommerceSandboxes> {
	const started = await Promise.all(commercePlatforms.map((name) => startSandbox(name, { rateLimits: options.rateLimits === false ? { enabled: false } : undefined })));
	const sandboxes = Object.fromEntries(commercePlatforms.map((name, index) => [name, started[index]])) as Record<CommercePlatform, RunningSandbox>;
	const controls = Object.fromEntries(commercePlatforms.map((name) => [name, new SandboxControl(sandboxes[name].baseUrl)])) as Record<CommercePlatform, SandboxControl>;
	const stores: CommerceStore[] = commercePlatforms.map((name) => ({
		id: name,
		platform: name,
		baseUrl: apiBase[name](sandboxes[name]),
		settings: { ...sandboxes[name].credentials },
	}));
	return {
		stores,
		controls,
		sandboxes,
		async seed(skus, quantity) {
			await Promise.all([
				controls.shopify.seed({ inventory: skus.map((sku) => ({ sku, available: quantity })) }),
				controls.woocommerce.seed({ products: skus.map((sku) => ({ sku, stock_quantity: quantity })) }),
				controls.magento.seed({ sourceItems: skus.map((sku) => ({ sku, quantity })) }),
				controls.bigcommerce.seed({ items: skus.map((sku) => ({ sku, quantity })) }),
			]);
		},
		async sell(platform, sku, quantity) {
			if (platform === 'magento') {
				await controls.magento.seed({ orders: [{ items: [{ sku, qty: quantity }] }] });
				return;
			}
			if (platform === 'bigcommerce') {
				const connector = await inventoryConnector(commerceAccount(stores.find((entry) => entry.id === platform)!));
				await connector.adjust(sku, -quantity, { reason: 'sale', reference: `test://sale/${sku}` });
				return;
			}
			const { baseUrl, credentials } = sandboxes[platform];
			const [path, headers, body] =
				platform === 'shopify'
					? [`/admin/api/${shopifyApiVersion}/orders.json`, { 'X-Shopify-Access-Token': credentials.accessToken }, { order: { line_items: [{ sku, quantity }] } }]
					: ['/wp-json/wc/v3/orders', { authorization: `Basic ${Buffer.from(`${credentials.consumerKey}:${credentials.consumerSecret}`).toString('base64')}` }, { line_items: [{ sku, quantity }] }];
			const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
			if (response.status !== 201) throw new Error(`${platform} refused the sale: ${response.status} ${await response.text()}`);
		},
		async quantities(sku) {
			const [shopify, woocommerce, magento, bigcommerce] = await Promise.all([
				controls.shopify.state<Array<{ sku: string; available: number }>>('inventory'),
				controls.woocommerce.state<Array<{ sku: string; stock_quantity: number }>>('products'),
				controls.magento.state<Array<{ sku: string; quantity: number }>>('sourceItems'),
				controls.bigcommerce.state<Array<{ sku: string; quantity: number }>>('items'),
			]);
			return {
				shopify: shopify.find((entry) => entry.sku === sku)?.available,
				woocommerce: woocommerce.find((entry) => entry.sku === sku)?.stock_quantity,
				magento: magento.find((entry) => entry.sku === sku)?.quantity,
				bigcommerce: bigcommerce.find((entry) => entry.sku === sku)?.quantity,
			};
		},
		async reset() {
			await Promise.all(commercePlatforms.map((name) => controls[name].reset()));
		},
		async close() {
			await Promise.all(started.map((sandbox) => sandbox.close()));
		},
	};
}

/**
 * The hooks of an engine suite over the four sandboxes (no rate limits, Shopify unthrottled): the sandboxes for the
 * file, a fresh SQLite state store per test, and a fan-out engine over both with the given retries.
 */
export function useCommerceEngineSuite(name: string, retry: NonNullable<StandaloneOptions['retry']>): { sandboxes: () => CommerceSandboxes; engine: () => InventoryFanOut } {
	let sandboxes: CommerceSandboxes;
	let folder: string;
	let store: StateStore;
	let targets: StoreTarget[];
	let storeNumber = 0;
	beforeAll(async () => {
		sandboxes = await startCommerceSandboxes({ rateLimits: false });
		folder = mkdtempSync(join(tmpdir(), `${name}-`));
	});
	afterAll(async () => {
		await sandboxes.close();
		rmSync(folder, { recursive: true, force: true });
	});
	beforeEach(async () => {
		await sandboxes.reset();
		await sandboxes.controls.shopify.updateSettings({ throttleEnabled: false });
		store = await openStore({ kind: 'sqlite', file: join(folder, `state-${++storeNumber}.sqlite`) }, allMigrations);
		// The stores through the standalone resolver and the inventory entry, as the demo and benchmarks reach them.
		targets = await openInventory({ store, platforms: standalonePlatforms(sandboxes.stores.map(commerceAccount), { retry }) }).stores(sandboxes.stores);
	});
	afterEach(() => store.close());
	return {
		sandboxes: () => sandboxes,
		engine: () => new InventoryFanOut({ db: store.db, stores: targets }),
	};
}
