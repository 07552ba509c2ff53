/** The commerce sandboxes of the catalog's inventory platforms as inventory stores, for tests, benchmarks and the demo. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { InventoryFanOut, openInventory, type StoreTarget } from '../../lib/inventory';
import { allMigrations } from '../../lib/migrations';
import { platformsServing } from '../../lib/platforms/catalog';
import { standalonePlatforms, type StandaloneAccount, type StandaloneOptions } from '../../lib/platforms/catalog/standalonePlatforms';
import { openStore, type StateStore } from '../../lib/store';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { fixtureOf, inventoryFixtures } from '../sandbox/fixtures';
import { startSandbox, type RunningSandbox, type SandboxName } from '../sandbox/registry';
import { sandboxAccount } from './standalone';

/** The stores of the catalog's inventory platforms, each one sandbox. */
export const commercePlatforms: readonly string[] = platformsServing('inventory').map((definition) => definition.id);
export type CommercePlatform = string;

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
	/** A sale on the store itself, taking the units off there as its own checkout does (see each sandbox's fixture). */
	sell(platform: CommercePlatform, sku: string, quantity: number): Promise<void>;
	/** Each store's quantity of a SKU, read through the control API. */
	quantities(sku: string): Promise<Record<CommercePlatform, number | undefined>>;
	reset(): Promise<void>;
	close(): Promise<void>;
}

const fixture = (platform: string) => fixtureOf(inventoryFixtures, platform, 'inventory');

export async function startCommerceSandboxes(options: { rateLimits?: boolean } = {}): Promise<CommerceSandboxes> {
	const started = await Promise.all(commercePlatforms.map((name) => startSandbox(name as SandboxName, { rateLimits: options.rateLimits === false ? { enabled: false } : undefined })));
	const sandboxes: Record<string, RunningSandbox> = Object.fromEntries(commercePlatforms.map((name, index) => [name, started[index]]));
	const controls: Record<string, SandboxControl> = Object.fromEntries(commercePlatforms.map((name) => [name, new SandboxControl(sandboxes[name].baseUrl)]));
	const stores: CommerceStore[] = commercePlatforms.map((name) => ({
		id: name,
		platform: name,
		baseUrl: fixture(name).apiBase(sandboxes[name]),
		settings: { ...sandboxes[name].credentials },
	}));
	return {
		stores,
		controls,
		sandboxes,
		async seed(skus, quantity) {
			await Promise.all(commercePlatforms.map((name) => fixture(name).seed(controls[name], skus, quantity)));
		},
		async sell(platform, sku, quantity) {
			const store = stores.find((entry) => entry.id === platform);
			if (!store) throw new Error(`No store ${platform}; the stores: ${commercePlatforms.join(', ')}`);
			await fixture(platform).sell({ sandbox: sandboxes[platform], control: controls[platform], apiBase: store.baseUrl }, sku, quantity);
		},
		async quantities(sku) {
			const read = await Promise.all(commercePlatforms.map((name) => fixture(name).quantity(controls[name], sku)));
			return Object.fromEntries(commercePlatforms.map((name, index) => [name, read[index]]));
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
 * The hooks of a suite over the four sandboxes (no rate limits, Shopify unthrottled): the sandboxes for the file, reset
 * before each test, and a fresh SQLite state store per test.
 */
export function useCommerceSandboxSuite(name: string): { sandboxes: () => CommerceSandboxes; store: () => StateStore } {
	let sandboxes: CommerceSandboxes;
	let folder: string;
	let store: StateStore;
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
	});
	afterEach(() => store.close());
	return { sandboxes: () => sandboxes, store: () => store };
}

/**
 * The hooks of an engine suite over the four sandboxes (see useCommerceSandboxSuite) and a fan-out engine over both
 * with the given retries.
 */
export function useCommerceEngineSuite(name: string, retry: NonNullable<StandaloneOptions['retry']>): { sandboxes: () => CommerceSandboxes; engine: () => InventoryFanOut } {
	const suite = useCommerceSandboxSuite(name);
	let targets: StoreTarget[];
	beforeEach(async () => {
		// The stores through the standalone resolver and the inventory entry, as the demo and benchmarks reach them.
		targets = await openInventory({ store: suite.store(), platforms: standalonePlatforms(suite.sandboxes().stores.map(commerceAccount), { retry }) }).stores(suite.sandboxes().stores);
	});
	return {
		sandboxes: suite.sandboxes,
		engine: () => new InventoryFanOut({ db: suite.store().db, stores: targets }),
	};
}
