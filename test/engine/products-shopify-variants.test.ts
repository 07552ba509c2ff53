/**
 * Products with several variants and options between two Shopify shops: above the bulk threshold they go as one bulk
 * mutation of productSet with their options and every variant, come back as no change, and an edit (a price, a variant
 * removed, a value added) reaches the other shop by bulk with each variant kept by its SKU; below it, a call each.
 */
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import { BULK_THRESHOLD } from '../../lib/platforms/shopify/products';
import { openSync, type StoreChoice, type SyncSummary } from '../../lib/sync';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { fixtureOf, inventoryFixtures } from '../sandbox/fixtures';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { sandboxAccount } from '../support/standalone';
import { commerceAccount, useCommerceSandboxSuite } from '../support/inventoryStores';

jest.setTimeout(120_000);

const COUNT = BULK_THRESHOLD + 10;
const SIZES = ['S', 'M', 'L'];
const COLORS = ['Red', 'Blue'];

interface ShopProduct {
	id: number;
	title: string;
	options: Array<{ name: string; values: string[] }>;
	variants: Array<{ id: number; sku: string; price: string; compareAtPrice: string | null; weight: number | null; selectedOptions: Array<{ name: string; value: string }> }>;
}

const suite = useCommerceSandboxSuite('products-variants');
let second: RunningSandbox;
let run = 0;
/** The second shop: a Shopify store under an id of its own. */
const secondShop: StoreChoice = { platform: 'shopify', id: 'shopify-2' };

beforeAll(async () => {
	second = await startSandbox('shopify', { rateLimits: { enabled: false } });
});
afterAll(async () => await second?.close());
beforeEach(async () => await new SandboxControl(second.baseUrl).reset());

const shops = () => ({ first: suite.sandboxes().controls.shopify, second: new SandboxControl(second.baseUrl) });

/** A tee in three sizes and two colours: six variants, each its own SKU and price. */
const tee = (index: number) => ({
	title: `Tee ${index}`,
	options: [
		{ name: 'Size', values: SIZES },
		{ name: 'Color', values: COLORS },
	],
	variants: SIZES.flatMap((size, sizeIndex) => COLORS.map((color) => ({ sku: `TEE-${index}-${size}-${color}`, price: `${20 + sizeIndex}.00`, weight: 0.2, options: { Size: size, Color: color } }))),
});

const sync = (stores: Array<string | StoreChoice>): Promise<SyncSummary> => {
	const accounts = [...suite.sandboxes().stores.map(commerceAccount), sandboxAccount('shopify', fixtureOf(inventoryFixtures, 'shopify', 'inventory').apiBase(second), second.credentials, 'shopify-2')];
	return openSync({ store: suite.store(), platforms: standalonePlatforms(accounts, { retry: { maxAttempts: 2, baseDelayMs: 1 } }) }).syncProducts(stores, {
		integration: 'catalog',
		strategy: { kind: 'lastWriteWins' },
		runId: `run-${++run}`,
	});
};

/** Each product as `title: sku=price[options] …`, variants in order, for comparing two shops. */
const shape = (products: ShopProduct[]) =>
	products
		.map((product) => `${product.title} (${product.options.map((option) => `${option.name}: ${option.values.join('/')}`).join('; ')}): ${product.variants.map((variant) => `${variant.sku}=${variant.price}@${variant.weight}[${variant.selectedOptions.map((selected) => selected.value).join('/')}]`).join(' ')}`)
		.sort();

/** The Shopify operations a run sent to a shop, by name, and the bulk operations it ran. */
async function calls(control: SandboxControl): Promise<{ names: string[]; bulk: number }> {
	const names = (await control.requests())
		.filter((entry) => entry.path.endsWith('/graphql.json'))
		.map((entry) => /^\s*(?:mutation|query) (\w+)/.exec(String((entry.body as { query?: string }).query))?.[1] ?? 'anonymous');
	return { names, bulk: (await control.state<unknown[]>('bulkOperations')).length };
}

/** A merchant's edit on a shop, through its GraphQL Admin API. */
async function productSet(shop: RunningSandbox, input: Record<string, unknown>): Promise<void> {
	const response = await fetch(`${shop.baseUrl}/admin/api/2025-01/graphql.json`, {
		method: 'POST',
		headers: { 'X-Shopify-Access-Token': shop.credentials.accessToken, 'content-type': 'application/json' },
		body: JSON.stringify({ query: 'mutation Edit($input: ProductSetInput!) { productSet(input: $input, synchronous: true) { product { id } userErrors { code message } } }', variables: { input } }),
	});
	const body = (await response.json()) as { data: { productSet: { userErrors: unknown[] } } };
	expect(body.data.productSet.userErrors).toEqual([]);
}

test('products with options and variants reach the other shop by one bulk mutation, once, with no echo; an edit keeps each variant by its SKU', async () => {
	await shops().first.seed({ products: [...Array.from({ length: COUNT }, (_, index) => tee(index)), { sku: 'MUG-1', title: 'Mug', price: '8.00', weight: 0.3 }] });
	const first = await sync(['shopify', secondShop]);
	expect(first.failures).toEqual([]);
	expect(first.platforms['shopify-2'].created).toBe(COUNT + 1);
	const source = await shops().first.state<ShopProduct[]>('products');
	const copied = await shops().second.state<ShopProduct[]>('products');
	expect(shape(copied)).toEqual(shape(source));
	expect(copied.find((product) => product.title === 'Tee 0')?.variants).toHaveLength(6);
	expect((await calls(shops().second)).bulk).toBe(1);
	expect((await calls(shops().second)).names.filter((name) => name === 'Set')).toEqual([]);

	// Read back, the copies are our own writes: nothing written anywhere.
	await shops().second.clearRequests();
	const quiet = await sync(['shopify', secondShop]);
	expect(quiet.failures).toEqual([]);
	expect(Object.values(quiet.platforms).map((counts) => counts.created + counts.updated)).toEqual([0, 0]);
	expect((await calls(shops().second)).names.filter((name) => ['Set', 'Stage', 'Run'].includes(name))).toEqual([]);

	// On the first shop every tee gets an XL in red, loses S in blue, and M in red costs more.
	await new Promise((resolve) => setTimeout(resolve, 1100));
	for (const product of source.filter((candidate) => candidate.title.startsWith('Tee '))) {
		const index = product.title.slice('Tee '.length);
		const kept = product.variants.filter((variant) => !variant.sku.endsWith('-S-Blue'));
		await productSet(suite.sandboxes().sandboxes.shopify, {
			id: `gid://shopify/Product/${product.id}`,
			productOptions: [
				{ name: 'Size', values: [...SIZES, 'XL'].map((name) => ({ name })) },
				{ name: 'Color', values: COLORS.map((name) => ({ name })) },
			],
			variants: [
				...kept.map((variant) => ({
					id: `gid://shopify/ProductVariant/${variant.id}`,
					price: variant.sku.endsWith('-M-Red') ? '25.50' : variant.price,
					optionValues: variant.selectedOptions.map((selected) => ({ optionName: selected.name, name: selected.value })),
				})),
				{ price: '24.00', inventoryItem: { sku: `TEE-${index}-XL-Red`, measurement: { weight: { value: 0.25, unit: 'KILOGRAMS' } } }, optionValues: [{ optionName: 'Size', name: 'XL' }, { optionName: 'Color', name: 'Red' }] },
			],
		});
	}
	const edited = await sync(['shopify', secondShop]);
	expect(edited.failures).toEqual([]);
	expect(edited.platforms['shopify-2'].updated).toBe(COUNT);
	const after = await shops().second.state<ShopProduct[]>('products');
	expect(shape(after)).toEqual(shape(await shops().first.state<ShopProduct[]>('products')));
	// Each variant still on the second shop kept its id (matched by SKU); none was created twice.
	const idsBefore = new Map(copied.flatMap((product) => product.variants.map((variant) => [variant.sku, variant.id] as const)));
	const keptIds = after.flatMap((product) => product.variants.filter((variant) => idsBefore.has(variant.sku)).map((variant) => [variant.id, idsBefore.get(variant.sku)]));
	expect(keptIds.length).toBe(COUNT * 5 + 1);
	expect(keptIds.filter(([now, before]) => now !== before)).toEqual([]);
	expect(after.find((product) => product.title === 'Tee 7')?.variants.map((variant) => `${variant.sku}=${variant.price}`)).toEqual([
		'TEE-7-S-Red=20.00',
		'TEE-7-M-Red=25.50',
		'TEE-7-M-Blue=21.00',
		'TEE-7-L-Red=22.00',
		'TEE-7-L-Blue=22.00',
		'TEE-7-XL-Red=24.00',
	]);
	expect((await calls(shops().second)).bulk).toBe(2);
});

test('below the threshold each product goes by a productSet of its own', async () => {
	await shops().first.seed({ products: [tee(1), tee(2)] });
	const summary = await sync(['shopify', secondShop]);
	expect(summary.platforms['shopify-2'].created).toBe(2);
	expect(shape(await shops().second.state<ShopProduct[]>('products'))).toEqual(shape(await shops().first.state<ShopProduct[]>('products')));
	const secondCalls = await calls(shops().second);
	expect({ sets: secondCalls.names.filter((name) => name === 'Set').length, bulk: secondCalls.bulk }).toEqual({ sets: 2, bulk: 0 });
	expect(summary.failures).toEqual([]);
});
