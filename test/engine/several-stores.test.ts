/**
 * Two stores of one platform (two BigCommerce stores, `bigcommerce-eu` and `bigcommerce-us`, each its own sandbox and
 * account) beside WooCommerce, through the capabilities' entries: each store is its own target with its own channel
 * rules and its own links in the ID map, so a sale, a product and a customer reach both stores once each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openInventory } from '../../lib/inventory';
import { allMigrations } from '../../lib/migrations';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import type { PlatformResolver } from '../../lib/platforms/resolver';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { openSync } from '../../lib/sync';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { fixtureOf, inventoryFixtures } from '../sandbox/fixtures';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { commerceAccount, startCommerceSandboxes, type CommerceSandboxes } from '../support/inventoryStores';

jest.setTimeout(60_000);

const bigCommerceFixture = fixtureOf(inventoryFixtures, 'bigcommerce', 'inventory');

let sandboxes: CommerceSandboxes;
let second: RunningSandbox;
let us: SandboxControl;
let folder: string;
let store: StateStore;
let platforms: PlatformResolver;
let run = 0;

beforeAll(async () => {
	sandboxes = await startCommerceSandboxes({ rateLimits: false });
	second = await startSandbox('bigcommerce', { rateLimits: { enabled: false } });
	us = new SandboxControl(second.baseUrl);
	folder = mkdtempSync(join(tmpdir(), 'several-stores-'));
});
afterAll(async () => {
	await sandboxes.close();
	await second.close();
	rmSync(folder, { recursive: true, force: true });
});
beforeEach(async () => {
	await sandboxes.reset();
	await us.reset();
	store = await openStore({ kind: 'sqlite', file: join(folder, `state-${++run}.sqlite`) }, allMigrations);
	const eu = sandboxes.stores.find((entry) => entry.platform === 'bigcommerce')!;
	platforms = standalonePlatforms(
		[
			...sandboxes.stores.filter((entry) => entry.platform === 'woocommerce').map(commerceAccount),
			commerceAccount({ ...eu, id: 'bigcommerce-eu' }),
			commerceAccount({ id: 'bigcommerce-us', platform: 'bigcommerce', baseUrl: bigCommerceFixture.apiBase(second), settings: { ...second.credentials } }),
		],
		{ retry: { maxAttempts: 2, baseDelayMs: 1 } },
	);
});
afterEach(() => closeAllStores());

const bigCommerceStores = [
	{ platform: 'bigcommerce', id: 'bigcommerce-eu' },
	{ platform: 'bigcommerce', id: 'bigcommerce-us' },
];
const euControl = () => sandboxes.controls.bigcommerce;

test('a sale on WooCommerce changes both BigCommerce stores once, each under its own channel rules', async () => {
	await sandboxes.controls.woocommerce.seed({ products: [{ sku: 'MUG', stock_quantity: 20 }] });
	await bigCommerceFixture.seed(euControl(), ['MUG'], 20);
	await bigCommerceFixture.seed(us, ['MUG'], 20);
	const fanOut = await openInventory({ store, platforms }).fanOut([
		{ platform: 'woocommerce' },
		{ ...bigCommerceStores[0] },
		{ ...bigCommerceStores[1], rules: { maxListed: 5 } },
	]);
	await fanOut.reconcile(['MUG'], { baselineFrom: 'woocommerce' });
	const order = [{ orderId: 'w-1', lineId: '1', sku: 'MUG', quantity: 2, sourceStore: 'woocommerce' }];
	const first = await fanOut.apply(order);
	expect(first.outcomes.map((outcome) => `${outcome.store} ${outcome.status} ${outcome.newQuantity}`).sort()).toEqual(['bigcommerce-eu applied 18', 'bigcommerce-us applied 5']);
	// The same order again changes neither store a second time.
	const again = await fanOut.apply(order);
	expect(again.outcomes.every((outcome) => outcome.alreadyDone)).toBe(true);
	expect(await bigCommerceFixture.quantity(euControl(), 'MUG')).toBe(18);
	expect(await bigCommerceFixture.quantity(us, 'MUG')).toBe(5);
});

test('a product and a customer of one BigCommerce store reach the other BigCommerce store and WooCommerce once each', async () => {
	await euControl().seed({ catalog: [{ sku: 'BAG', name: 'Canvas bag', price: 18, weight: 0.6 }], customers: [{ email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace', accepts_product_review_abandoned_cart_emails: true }] });
	const sync = openSync({ store, platforms });
	const options = { strategy: { kind: 'lastWriteWins' as const }, runId: `run-${run}` };
	const products = await sync.syncProducts(['woocommerce', ...bigCommerceStores], { ...options, integration: 'catalog' });
	const customers = await sync.syncCustomers([{ platform: 'woocommerce' }, ...bigCommerceStores], { ...options, integration: 'customers' });
	expect([...products.failures, ...customers.failures]).toEqual([]);
	expect(Object.fromEntries(Object.entries(products.platforms).map(([id, counts]) => [id, counts.created]))).toEqual({ woocommerce: 1, 'bigcommerce-eu': 0, 'bigcommerce-us': 1 });
	expect(Object.fromEntries(Object.entries(customers.platforms).map(([id, counts]) => [id, counts.created]))).toEqual({ woocommerce: 1, 'bigcommerce-eu': 0, 'bigcommerce-us': 1 });
	expect((await us.state<Array<{ sku: string; name: string }>>('catalog')).map((product) => `${product.sku} ${product.name}`)).toEqual(['BAG Canvas bag']);
	expect((await us.state<Array<{ email: string; accepts_product_review_abandoned_cart_emails: boolean }>>('customers')).map((customer) => `${customer.email} ${customer.accepts_product_review_abandoned_cart_emails}`)).toEqual(['ada@example.com true']);
	// The next runs find each copy linked to its own store: nothing is created again.
	const quiet = await sync.syncProducts(['woocommerce', ...bigCommerceStores], { ...options, runId: 'again', integration: 'catalog' });
	expect(Object.values(quiet.platforms).every((counts) => counts.created === 0 && counts.updated === 0)).toBe(true);
});

test('the same store id twice is refused before anything is read', async () => {
	await expect(openSync({ store, platforms }).syncCustomers([{ platform: 'bigcommerce', id: 'bigcommerce-eu' }, { platform: 'bigcommerce', id: 'bigcommerce-eu' }], { integration: 'x', strategy: { kind: 'lastWriteWins' }, runId: 'r' })).rejects.toThrow('Store "bigcommerce-eu" is chosen twice');
});
