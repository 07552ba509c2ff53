/**
 * A store group larger than one node holds: three BigCommerce stores, WooCommerce and Magento, split over two runs that
 * share one catalogue name and one state store (two Inventory Fan-out nodes, each with the credentials of its stores:
 * n8n gives a node one credential of each type). A product edited on a store of one run reaches the other run's stores
 * once, through the hub both agree on, and no store's copy comes back as a change (no echo).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import type { PlatformResolver } from '../../lib/platforms/resolver';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { openSync, type StoreChoice, type SyncSummary } from '../../lib/sync';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { fixtureOf, inventoryFixtures } from '../sandbox/fixtures';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { commerceAccount, startCommerceSandboxes, type CommerceSandboxes } from '../support/inventoryStores';

jest.setTimeout(60_000);

const bigCommerceFixture = fixtureOf(inventoryFixtures, 'bigcommerce', 'inventory');

let sandboxes: CommerceSandboxes;
let extra: RunningSandbox[];
let folder: string;
let store: StateStore;
let platforms: PlatformResolver;
let run = 0;

beforeAll(async () => {
	sandboxes = await startCommerceSandboxes({ rateLimits: false });
	extra = await Promise.all([startSandbox('bigcommerce', { rateLimits: { enabled: false } }), startSandbox('bigcommerce', { rateLimits: { enabled: false } })]);
	folder = mkdtempSync(join(tmpdir(), 'store-group-'));
});
afterAll(async () => {
	await sandboxes.close();
	await Promise.all(extra.map((sandbox) => sandbox.close()));
	rmSync(folder, { recursive: true, force: true });
});
beforeEach(async () => {
	await sandboxes.reset();
	await Promise.all(extra.map((sandbox) => new SandboxControl(sandbox.baseUrl).reset()));
	store = await openStore({ kind: 'sqlite', file: join(folder, `state-${++run}.sqlite`) }, allMigrations);
	const first = sandboxes.stores.find((entry) => entry.platform === 'bigcommerce')!;
	platforms = standalonePlatforms(
		[
			...sandboxes.stores.filter((entry) => ['woocommerce', 'magento'].includes(entry.platform)).map(commerceAccount),
			commerceAccount({ ...first, id: 'bigcommerce-1' }),
			...extra.map((sandbox, index) => commerceAccount({ id: `bigcommerce-${index + 2}`, platform: 'bigcommerce', baseUrl: bigCommerceFixture.apiBase(sandbox), settings: { ...sandbox.credentials } })),
		],
		{ retry: { maxAttempts: 2, baseDelayMs: 1 } },
	);
});
afterEach(() => closeAllStores());

const big = (id: number): StoreChoice => ({ platform: 'bigcommerce', id: `bigcommerce-${id}` });
/** Node A holds WooCommerce and two BigCommerce stores; node B the third BigCommerce store and Magento. */
const nodeA: StoreChoice[] = [{ platform: 'woocommerce' }, big(1), big(2)];
const nodeB: StoreChoice[] = [big(3), { platform: 'magento' }];
const syncOn = (stores: StoreChoice[]): Promise<SyncSummary> =>
	openSync({ store, platforms }).syncProducts(stores, { integration: 'catalogue', strategy: { kind: 'lastWriteWins' }, runId: `run-${++run}` });

const control = (id: number) => (id === 1 ? sandboxes.controls.bigcommerce : new SandboxControl(extra[id - 2].baseUrl));
const titles = async () => ({
	woocommerce: (await sandboxes.controls.woocommerce.state<Array<{ sku: string; name: string }>>('products')).map((product) => `${product.sku} ${product.name}`),
	magento: (await sandboxes.controls.magento.state<Array<{ sku: string; name: string }>>('products')).map((product) => `${product.sku} ${product.name}`),
	...Object.fromEntries(await Promise.all([1, 2, 3].map(async (id) => [`bigcommerce-${id}`, (await control(id).state<Array<{ sku: string; name: string }>>('catalog')).map((product) => `${product.sku} ${product.name}`)]))),
});
const writes = async () => {
	const counted = async (log: Promise<Array<{ method: string; path: string }>>) => (await log).filter((entry) => ['POST', 'PUT'].includes(entry.method) && /products/.test(entry.path)).length;
	return {
		woocommerce: await counted(sandboxes.controls.woocommerce.requests()),
		magento: await counted(sandboxes.controls.magento.requests()),
		...Object.fromEntries(await Promise.all([1, 2, 3].map(async (id) => [`bigcommerce-${id}`, await counted(control(id).requests())]))),
	} as Record<string, number>;
};
const difference = (after: Record<string, number>, before: Record<string, number>) => Object.fromEntries(Object.entries(after).map(([name, count]) => [name, count - before[name]]));

test('a product edited on a store one node holds reaches the stores the other node holds once, with no echo', async () => {
	await sandboxes.controls.woocommerce.seed({ products: [{ sku: 'TEE', name: 'Tee', regular_price: '20.00', status: 'publish' }] });
	// Node A's first run brings the tee to its BigCommerce stores; node B's first run joins the catalogue and gets it too.
	expect((await syncOn(nodeA)).failures).toEqual([]);
	expect((await syncOn(nodeB)).failures).toEqual([]);
	const everywhere = (name: string) => ({ woocommerce: [name], magento: [name], 'bigcommerce-1': [name], 'bigcommerce-2': [name], 'bigcommerce-3': [name] });
	expect(await titles()).toEqual(everywhere('TEE Tee'));

	// Edited on the third BigCommerce store (node B's), a second later so its time is newer than the copies'.
	await new Promise((resolve) => setTimeout(resolve, 1100));
	const [tee] = await control(3).state<Array<{ id: number }>>('catalog');
	const edited = await fetch(`${bigCommerceFixture.apiBase(extra[1])}/catalog/products`, {
		method: 'PUT',
		headers: { 'X-Auth-Token': String(extra[1].credentials.accessToken), 'content-type': 'application/json' },
		body: JSON.stringify([{ id: tee.id, name: 'Tee (organic)' }]),
	});
	expect(edited.status).toBe(200);
	const beforeEdit = await writes();
	const b = await syncOn(nodeB);
	expect(b.platforms['bigcommerce-3'].pulled).toBe(1);
	const a = await syncOn(nodeA);
	expect([...b.failures, ...a.failures]).toEqual([]);
	expect(await titles()).toEqual(everywhere('TEE Tee (organic)'));
	// One write per store that did not have the edit; nothing pulled back as a change in node A's run.
	expect(difference(await writes(), beforeEdit)).toEqual({ woocommerce: 1, magento: 1, 'bigcommerce-1': 1, 'bigcommerce-2': 1, 'bigcommerce-3': 0 });
	expect(Object.values(a.platforms).reduce((sum, counts) => sum + counts.pulled, 0)).toBe(0);

	// Quiet runs of both nodes: every copy read back is our own write, and nothing is written anywhere.
	const beforeQuiet = await writes();
	const quiet = [await syncOn(nodeB), await syncOn(nodeA), await syncOn(nodeB)];
	expect(quiet.flatMap((summary) => Object.values(summary.platforms)).every((counts) => counts.pulled === 0 && counts.created === 0 && counts.updated === 0)).toBe(true);
	expect(difference(await writes(), beforeQuiet)).toEqual({ woocommerce: 0, magento: 0, 'bigcommerce-1': 0, 'bigcommerce-2': 0, 'bigcommerce-3': 0 });
});
