/**
 * The Shopify sandbox answers as Shopify's published Admin GraphQL schema (2025-01) says, for every operation the
 * Shopify inventory connector sends and every root field the sandbox serves: the query validates, the response
 * holds only the selected fields, each of its schema type, and arguments are read inline or from variables alike.
 */
import { readFileSync } from 'node:fs';

import { StaleQuantityError } from '../../../lib/platforms/inventory';
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';
import { GraphqlConformance } from '../support/graphqlConformance';
import { servedSubset, subsetFile, vendorSchema } from '../support/graphqlSchemas';
import { callApi } from '../support/http';
import { openSync } from '../../../lib/sync';
import { standalonePlatforms } from '../../../lib/platforms/catalog/standalonePlatforms';
import { inventoryConnector, sandboxAccount, scratchStore } from '../../support/standalone';
import { shopifyLocationId } from '.';
import { servedFields } from './schema';

const schema = vendorSchema('shopify');
const conformance = new GraphqlConformance(schema, /\/graphql\.json$/);
let sandbox: RunningSandbox;
let control: SandboxControl;
let api: string;

beforeAll(async () => {
	sandbox = await startSandbox('shopify', { onExchange: conformance.record });
	control = new SandboxControl(sandbox.baseUrl);
	api = `${sandbox.baseUrl}/admin/api/2025-01`;
});
afterAll(() => sandbox.close());
beforeEach(async () => {
	await control.reset();
	await control.seed({ inventory: [{ sku: 'TEE-M', available: 10 }, { sku: 'MUG', available: 3 }] });
	conformance.clear();
});

async function graphql(query: string, variables?: Record<string, unknown>) {
	const reply = await callApi(api, '/graphql.json', { method: 'POST', body: { query, ...(variables ? { variables } : {}) }, headers: { 'X-Shopify-Access-Token': sandbox.credentials.accessToken } });
	return reply.body as { data?: any; errors?: Array<{ message: string }> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const context = { reason: 'correction' as const, reference: 'test://shopify/spec' };

test('the served schema is exactly the published schema cut to the fields the sandbox serves', () => {
	expect(readFileSync(subsetFile('shopify'), 'utf8')).toBe(servedSubset(schema, servedFields));
});

test('the connector reads, adjusts, sets and pulls orders with answers that match the schema', async () => {
	const connector = await inventoryConnector(sandboxAccount('shopify', api, sandbox.credentials));
	await callApi(api, '/orders.json', { method: 'POST', body: { order: { email: 'ada@example.com', line_items: [{ sku: 'MUG', quantity: 1, price: '4.00' }] } }, headers: { 'X-Shopify-Access-Token': sandbox.credentials.accessToken } });
	expect(await connector.getQuantity('TEE-M')).toBe(10);
	expect(await connector.adjust('TEE-M', -3, context)).toEqual({ previous: 10, next: 7 });
	await expect(connector.set('TEE-M', 5, { ...context, compareQuantity: 9 })).rejects.toBeInstanceOf(StaleQuantityError);
	expect(await connector.set('TEE-M', 5, { ...context, compareQuantity: 7 })).toEqual({ previous: 7, next: 5 });
	expect(await connector.pullOrders!(undefined)).toEqual([expect.objectContaining({ lines: [expect.objectContaining({ sku: 'MUG', quantity: 1 })] })]);

	expect(conformance.problems()).toEqual([]);
	expect(conformance.covered()).toEqual(['mutation inventoryAdjustQuantities', 'mutation inventorySetQuantities', 'query inventoryItems', 'query orders']);
});

test('the customer connector pulls, creates, updates and changes consent with operations and answers that match the schema', async () => {
	await control.seed({ customers: [{ email: 'seeded@example.com', firstName: 'Seed', lastName: 'Ed', marketingState: 'SUBSCRIBED' }] });
	const sync = openSync({ store: await scratchStore(), platforms: standalonePlatforms([sandboxAccount('shopify', api, sandbox.credentials)]) });
	const customers = await sync.customerConnector({ platform: 'shopify' });
	const pulled = await customers.pullChanges('contacts', undefined);
	expect(pulled.records.map((record) => record.fields)).toEqual([{ email: 'seeded@example.com', firstName: 'Seed', lastName: 'Ed', phone: '', acceptsMarketing: true }]);
	const [created, taken] = await customers.write('contacts', [
		{ fields: { email: 'new@example.com', firstName: 'New', lastName: 'One', phone: '+442071838750', acceptsMarketing: true } },
		{ fields: { email: 'SEEDED@example.com', firstName: 'Again', lastName: 'Twice' } },
	]);
	expect(created).toMatchObject({ ok: true, created: true, fields: { email: 'new@example.com', acceptsMarketing: true, phone: '+442071838750' } });
	expect(taken).toEqual({ ok: false, error: { message: 'email: Email has already been taken', code: 'USER_ERROR' } });
	const [withdrawn] = await customers.write('contacts', [{ externalId: (created as { externalId: string }).externalId, fields: { email: 'new@example.com', firstName: 'Newer', lastName: 'One', phone: '', acceptsMarketing: false } }]);
	expect(withdrawn).toMatchObject({ ok: true, created: false, fields: { firstName: 'Newer', phone: '', acceptsMarketing: false } });
	const [bad] = await customers.write('contacts', [{ fields: { email: 'phone@example.com', firstName: 'Bad', lastName: 'Phone', phone: '12' } }]);
	expect(bad).toEqual({ ok: false, error: { message: 'phone: Phone is invalid', code: 'USER_ERROR' } });

	expect(conformance.problems()).toEqual([]);
	expect(conformance.covered()).toEqual(['mutation customerCreate', 'mutation customerEmailMarketingConsentUpdate', 'mutation customerUpdate', 'query customers']);
});

test('a response holds exactly the selected fields: aliases, fragments, __typename, nothing more', async () => {
	const reply = await graphql(`query Pick($sku: String) {
		first: inventoryItems(first: 1, query: $sku) { nodes { sku ...Level } }
		all: inventoryItems(first: 5) { nodes { __typename id } pageInfo { hasNextPage } }
	}
	fragment Level on InventoryItem { inventoryLevel(locationId: "${shopifyLocationId}") { quantities(names: ["available"]) { quantity } } }`, { sku: 'sku:TEE-M' });
	expect(reply.errors).toBeUndefined();
	expect(reply.data).toEqual({
		first: { nodes: [{ sku: 'TEE-M', inventoryLevel: { quantities: [{ quantity: 10 }] } }] },
		all: { nodes: [{ __typename: 'InventoryItem', id: expect.stringMatching(/^gid:\/\/shopify\/InventoryItem\//) }, { __typename: 'InventoryItem', id: expect.any(String) }], pageInfo: { hasNextPage: false } },
	});
	expect(conformance.problems()).toEqual([]);
});

test('arguments are read the same inline and from variables, in queries and mutations', async () => {
	const inline = await graphql(`{ inventoryItems(first: 1, query: "sku:MUG") { nodes { sku inventoryLevel(locationId: "${shopifyLocationId}") { quantities(names: ["available"]) { quantity } } } } }`);
	const byVariables = await graphql('query Find($q: String, $loc: ID!) { inventoryItems(first: 1, query: $q) { nodes { sku inventoryLevel(locationId: $loc) { quantities(names: ["available"]) { quantity } } } } }', { q: 'sku:MUG', loc: shopifyLocationId });
	expect(inline.data).toEqual({ inventoryItems: { nodes: [{ sku: 'MUG', inventoryLevel: { quantities: [{ quantity: 3 }] } }] } });
	expect(byVariables.data).toEqual(inline.data);

	const item = inline.data.inventoryItems.nodes[0] as { sku: string };
	const { data: found } = await graphql('{ inventoryItems(first: 1, query: "sku:MUG") { nodes { id } } }');
	const itemId = found.inventoryItems.nodes[0].id as string;
	const inlineAdjust = await graphql(`mutation { inventoryAdjustQuantities(input: { reason: "correction", name: "available", changes: [{ delta: -1, inventoryItemId: "${itemId}", locationId: "${shopifyLocationId}" }] }) { inventoryAdjustmentGroup { changes { quantityAfterChange } } userErrors { code } } }`);
	const variableAdjust = await graphql('mutation Adjust($input: InventoryAdjustQuantitiesInput!) { inventoryAdjustQuantities(input: $input) { inventoryAdjustmentGroup { changes { quantityAfterChange } } userErrors { code } } }', {
		input: { reason: 'correction', name: 'available', changes: [{ delta: -1, inventoryItemId: itemId, locationId: shopifyLocationId }] },
	});
	expect(item.sku).toBe('MUG');
	expect(inlineAdjust.data.inventoryAdjustQuantities).toEqual({ inventoryAdjustmentGroup: { changes: [{ quantityAfterChange: 2 }] }, userErrors: [] });
	expect(variableAdjust.data.inventoryAdjustQuantities).toEqual({ inventoryAdjustmentGroup: { changes: [{ quantityAfterChange: 1 }] }, userErrors: [] });
	expect(conformance.problems()).toEqual([]);
});

test('a query off the schema is refused with errors and no data, as Shopify does', async () => {
	const unknownField = await graphql('{ inventoryItems(first: 1) { nodes { colour } } }');
	const undeclared = await graphql('query { inventoryItems(first: 1, query: $q) { nodes { id } } }');
	expect(unknownField).toEqual({ errors: [expect.objectContaining({ message: expect.stringContaining('colour') })] });
	expect(undeclared).toEqual({ errors: [expect.objectContaining({ message: expect.stringContaining('$q') })] });
});

test('the check fails on a response with a field the query did not select, or of the wrong type', async () => {
	const drifted = new GraphqlConformance(schema, /graphql/);
	const requestBody = { query: '{ inventoryItems(first: 1) { nodes { id } } }' };
	drifted.record({ method: 'POST', path: '/graphql.json', query: new URLSearchParams(), requestBody, status: 200, body: { data: { inventoryItems: { nodes: [{ id: 'gid://x', sku: 'TEE-M' }] } } } });
	drifted.record({ method: 'POST', path: '/graphql.json', query: new URLSearchParams(), requestBody, status: 200, body: { data: { inventoryItems: { nodes: [{ id: 7 }] } } } });
	drifted.record({ method: 'POST', path: '/graphql.json', query: new URLSearchParams(), requestBody: { query: 'mutation { inventorySetQuantities(input: $input) { userErrors { code } } }' }, status: 200, body: { data: {} } });
	expect(drifted.problems()).toEqual([
		expect.stringContaining('data.inventoryItems.nodes[0].sku was not selected'),
		expect.stringContaining('data.inventoryItems.nodes[0].id 7 is not a ID'),
		expect.stringContaining('the query does not validate: Variable "$input" is not defined'),
	]);
	drifted.clear();
	drifted.record({ method: 'POST', path: '/graphql.json', query: new URLSearchParams(), requestBody: { query: 'query Find($first: Int!) { inventoryItems(first: $first) { nodes { id } } }', variables: { first: 'one' } }, status: 200, body: { data: { inventoryItems: { nodes: [] } } } });
	expect(drifted.problems()).toEqual([expect.stringContaining('the variables do not fit: Variable "$first" got invalid value "one"')]);
});

/** A product write as the sync hands it to the connector: its neutral fields, and its Shopify id for an update. */
const productWrite = (index: number, externalId?: string, title = `Bulk product ${index}`) => ({
	...(externalId ? { externalId } : {}),
	fields: { sku: `BULK-${index}`, title, description: `<p>${index}</p>`, price: '12.50', compareAtPrice: null, status: 'active', weight: 1.5 },
});

test('a big product batch goes as one bulk mutation: staged JSONL, the run, polling, the result file; an update keeps each variant', async () => {
	const sync = openSync({ store: await scratchStore(), platforms: standalonePlatforms([sandboxAccount('shopify', api, sandbox.credentials)]) });
	const products = await sync.productConnector({ platform: 'shopify' });
	const created = await products.write('products', Array.from({ length: 60 }, (_, index) => productWrite(index)));
	expect(created.every((outcome) => outcome.ok && outcome.created)).toBe(true);
	const stored = await control.state<Array<{ id: number; title: string; variants: Array<{ id: number; sku: string }> }>>('products');
	expect(stored.map((product) => product.variants[0].sku)).toEqual(Array.from({ length: 60 }, (_, index) => `BULK-${index}`));
	expect(created.map((outcome) => (outcome as { externalId: string }).externalId)).toEqual(stored.map((product) => String(product.id)));

	const updated = await products.write('products', stored.map((product, index) => productWrite(index, String(product.id), `Renamed ${index}`)));
	expect(updated.every((outcome) => outcome.ok && !outcome.created)).toBe(true);
	const after = await control.state<Array<{ id: number; title: string; variants: Array<{ id: number }> }>>('products');
	expect(after).toHaveLength(60);
	expect(after.map((product) => `${product.title} ${product.variants[0].id}`)).toEqual(stored.map((product, index) => `Renamed ${index} ${product.variants[0].id}`));

	const log = await control.requests();
	const graphqlCalls = log.filter((entry) => entry.path.endsWith('/graphql.json')).map((entry) => /^\s*(?:mutation|query) (\w+)/.exec(String((entry.body as { query: string }).query))?.[1]);
	// Per batch: stage, run, at least one poll; the update first reads the 60 variants in one call. No productSet call of its own.
	expect(graphqlCalls.filter((name) => name === 'Set')).toEqual([]);
	expect(graphqlCalls.filter((name) => name !== 'Poll')).toEqual(['Stage', 'Run', 'Variants', 'Stage', 'Run']);
	expect(log.filter((entry) => /^\/(staged-uploads|bulk-results)/.test(entry.path)).map((entry) => `${entry.method} ${entry.path.replace(/\d+\.jsonl$/, 'n.jsonl')} ${entry.status}`)).toEqual([
		'POST /staged-uploads 201', 'GET /bulk-results/n.jsonl 200', 'POST /staged-uploads 201', 'GET /bulk-results/n.jsonl 200',
	]);
	// The shop's token never went to the upload or result host.
	expect((await control.state<Array<{ tokenPresented: boolean }>>('stagedUploads')).map((upload) => upload.tokenPresented)).toEqual([false, false]);
	expect(conformance.problems()).toEqual([]);
	expect(conformance.covered()).toEqual(['mutation bulkOperationRunMutation', 'mutation stagedUploadsCreate', 'query node', 'query nodes']);
});

test('the bulk API refuses as Shopify does: a second mutation while one runs, a mutation it does not take, a path never uploaded', async () => {
	const stage = await graphql('mutation { stagedUploadsCreate(input: [{ resource: BULK_MUTATION_VARIABLES, filename: "v.jsonl", mimeType: "text/jsonl", httpMethod: POST }]) { stagedTargets { url parameters { name value } } userErrors { message } } }');
	const target = stage.data.stagedUploadsCreate.stagedTargets[0] as { url: string; parameters: Array<{ name: string; value: string }> };
	const form = new FormData();
	for (const parameter of target.parameters) form.append(parameter.name, parameter.value);
	form.append('file', new Blob([Array.from({ length: 500 }, (_, index) => JSON.stringify({ input: { title: `P${index}`, productOptions: [] } })).join('\n')]), 'v.jsonl');
	expect((await fetch(target.url, { method: 'POST', body: form })).status).toBe(201);
	const key = target.parameters.find((parameter) => parameter.name === 'key')!.value;
	const run = (mutation: string, path = key) =>
		graphql('mutation Run($m: String!, $p: String!) { bulkOperationRunMutation(mutation: $m, stagedUploadPath: $p) { bulkOperation { id status } userErrors { code message } } }', { m: mutation, p: path });
	const set = 'mutation S($input: ProductSetInput!) { productSet(input: $input) { product { id } userErrors { message } } }';
	const started = await run(set);
	expect(started.data.bulkOperationRunMutation).toEqual({ bulkOperation: { id: expect.stringMatching(/^gid:\/\/shopify\/BulkOperation\//), status: 'CREATED' }, userErrors: [] });
	const again = await run(set);
	expect(again.data.bulkOperationRunMutation.userErrors).toEqual([{ code: 'OPERATION_IN_PROGRESS', message: expect.stringContaining('already in progress') }]);
	expect((await run('mutation S($input: CustomerInput!) { customerCreate(input: $input) { userErrors { message } } }')).data.bulkOperationRunMutation.userErrors[0].code).toBe('INVALID_MUTATION');

	let current: { status: string; objectCount: string; url: string | null };
	do current = (await graphql('{ currentBulkOperation(type: MUTATION) { status objectCount url } }')).data.currentBulkOperation;
	while (current.status !== 'COMPLETED');
	expect(current.objectCount).toBe('500');
	const lines = (await (await fetch(current.url!)).text()).trim().split('\n').map((line) => JSON.parse(line) as { __lineNumber: number; data: { productSet: { product: { id: string } } } });
	expect(lines.map((line) => line.__lineNumber)).toEqual(Array.from({ length: 500 }, (_, index) => index));
	expect(lines.every((line) => line.data.productSet.product.id.startsWith('gid://shopify/Product/'))).toBe(true);
	expect((await run(set, 'tmp/never-uploaded.jsonl')).data.bulkOperationRunMutation.userErrors[0].code).toBe('NO_SUCH_FILE');
	// The result file and the upload host need no token: Shopify's API does.
	expect((await fetch(`${api}/graphql.json`, { method: 'POST', body: '{}' })).status).toBe(401);
});

test('a product with options and variants is pulled whole and written with them, with answers that match the schema; productSet refuses variants off their options', async () => {
	await control.seed({
		products: [{ title: 'Tee', options: [{ name: 'Size', values: ['S', 'M'] }, { name: 'Color', values: ['Red'] }], variants: [{ sku: 'T-S', price: '10.00', options: { Size: 'S', Color: 'Red' } }, { sku: 'T-M', price: '11.00', options: { Size: 'M', Color: 'Red' } }], images: [{ name: 'tee.png', alt: 'Tee' }, { name: 'tee-back.png', alt: 'Back' }] }],
	});
	const products = await openSync({ store: await scratchStore(), platforms: standalonePlatforms([sandboxAccount('shopify', api, sandbox.credentials)]) }).productConnector({ platform: 'shopify' });
	const [pulled] = (await products.pullChanges('products', undefined)).records;
	expect(pulled.fields).toMatchObject({
		sku: 'T-S',
		price: '10',
		options: [{ name: 'Size', values: ['S', 'M'] }, { name: 'Color', values: ['Red'] }],
		variants: [
			{ sku: 'T-S', price: '10', compareAtPrice: null, weight: null, options: { Size: 'S', Color: 'Red' } },
			{ sku: 'T-M', price: '11', compareAtPrice: null, weight: null, options: { Size: 'M', Color: 'Red' } },
		],
		images: [
			{ src: expect.stringMatching(/\/s\/files\/.*\/tee\.png$/), alt: 'Tee', position: 1 },
			{ src: expect.stringMatching(/\/s\/files\/.*\/tee-back\.png$/), alt: 'Back', position: 2 },
		],
	});
	// Served from the sandbox's CDN path without a token, as Shopify's CDN serves a product's images.
	const served = await fetch((pulled.fields.images as Array<{ src: string }>)[0].src);
	expect([served.status, served.headers.get('content-type')]).toEqual([200, 'image/png']);
	// Written back with one variant fewer and one more: the kept SKU keeps its variant, the dropped one is gone.
	const [before] = await control.state<Array<{ variants: Array<{ id: number; sku: string }>; media: Array<{ id: number; path: string }> }>>('products');
	const variants = [(pulled.fields.variants as unknown[])[1], { sku: 'T-L', price: '12', compareAtPrice: null, weight: null, options: { Size: 'L', Color: 'Red' } }];
	// Its images: the back moved first, the front dropped, one added from the back's URL (Shopify fetches and keeps a copy).
	const [front, back] = before.media;
	const images = [{ id: String(back.id), src: 'http://unused.invalid/back.png', alt: 'Back view', position: 1 }, { src: (pulled.fields.images as Array<{ src: string }>)[1].src, alt: 'Copy', position: 2 }];
	const [written] = await products.write('products', [{ externalId: pulled.externalId, fields: { ...pulled.fields, options: [{ name: 'Size', values: ['M', 'L'] }, { name: 'Color', values: ['Red'] }], variants, images } }]);
	expect(written).toMatchObject({ ok: true, created: false });
	const [after] = await control.state<Array<{ variants: Array<{ id: number; sku: string; selectedOptions: Array<{ value: string }> }>; media: Array<{ id: number; alt: string; status: string; path: string }> }>>('products');
	expect(after.media.map((image) => [image.alt, image.status])).toEqual([['Back view', 'READY'], ['Copy', 'READY']]);
	expect(after.media[0]).toMatchObject({ id: back.id, path: back.path });
	expect(after.media.map((image) => image.id)).not.toContain(front.id);
	expect(after.media[1].path).not.toBe(back.path);
	expect(after.variants.map((variant) => `${variant.sku} ${variant.selectedOptions.map((selected) => selected.value).join('/')}`)).toEqual(['T-M M/Red', 'T-L L/Red']);
	expect(after.variants[0].id).toBe(before.variants.find((variant) => variant.sku === 'T-M')!.id);
	expect(conformance.problems()).toEqual([]);
	expect(conformance.covered()).toEqual(['mutation productSet', 'query nodes', 'query product', 'query products']);

	const set = (input: Record<string, unknown>) =>
		graphql('mutation Set($input: ProductSetInput!) { productSet(input: $input, synchronous: true) { product { id } userErrors { code field } } }', { input }).then((reply) => reply.data.productSet.userErrors);
	const options = [{ name: 'Size', values: [{ name: 'S' }] }];
	expect(await set({ title: 'X', productOptions: options, variants: [{ optionValues: [{ optionName: 'Size', name: 'XL' }] }] })).toEqual([{ code: 'OPTION_VALUE_DOES_NOT_EXIST', field: ['input', 'variants', '0', 'optionValues'] }]);
	expect(await set({ title: 'X', productOptions: options, variants: [{ optionValues: [] }] })).toEqual([{ code: 'OPTION_VALUES_MISSING', field: ['input', 'variants', '0', 'optionValues'] }]);
	expect(await set({ title: 'X', productOptions: options, variants: [1, 2].map(() => ({ optionValues: [{ optionName: 'Size', name: 'S' }] })) })).toEqual([{ code: 'INVALID_VARIANT', field: ['input', 'variants', '1', 'optionValues'] }]);
	expect(await set({ title: 'X', productOptions: [...options, { name: 'Size', values: [{ name: 'M' }] }], variants: [] })).toEqual([{ code: 'DUPLICATED_OPTION_NAME', field: ['input', 'productOptions', '1', 'name'] }]);
	expect(await set({ title: 'X', productOptions: options, variants: [{ id: 'gid://shopify/ProductVariant/1', optionValues: [{ optionName: 'Size', name: 'S' }] }] })).toEqual([{ code: 'PRODUCT_VARIANT_DOES_NOT_EXIST', field: ['input', 'variants', '0', 'id'] }]);
	expect(await control.state<unknown[]>('products')).toHaveLength(1);
});

test("productSet's new files are processed after it answers: PROCESSING without an image, then READY, or FAILED with a media error when the source cannot be downloaded", async () => {
	await control.seed({ products: [{ sku: 'CUP-1', title: 'Cup', images: [{ name: 'cup.png', alt: 'Cup' }] }] });
	const [seeded] = await control.state<Array<{ media: Array<{ path: string }> }>>('products');
	const good = `${sandbox.baseUrl}${seeded.media[0].path}`;
	const missing = `${sandbox.baseUrl}/s/files/1/0000/0001/files/999/missing.png`;
	const media = 'id status image { url } mediaErrors { code message }';
	const answer = await graphql(`mutation Set($input: ProductSetInput!) { productSet(input: $input, synchronous: true) { product { media(first: 5) { nodes { ... on MediaImage { ${media} } } } } userErrors { code } } }`, {
		input: { title: 'Mug', files: [{ originalSource: good, alt: 'Copy', contentType: 'IMAGE' }, { originalSource: missing, alt: 'Missing', contentType: 'IMAGE' }] },
	});
	const made = answer.data.productSet.product.media.nodes as Array<{ id: string; status: string; image: unknown; mediaErrors: unknown[] }>;
	expect(made.map((entry) => [entry.status, entry.image, entry.mediaErrors])).toEqual([['PROCESSING', null, []], ['PROCESSING', null, []]]);
	let nodes: Array<{ status: string; image: { url: string } | null; mediaErrors: Array<{ code: string }> }> = [];
	for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
		nodes = (await graphql(`query Status($ids: [ID!]!) { nodes(ids: $ids) { ... on MediaImage { ${media} } } }`, { ids: made.map((entry) => entry.id) })).data.nodes;
		if (nodes.every((node) => node.status !== 'PROCESSING')) break;
	}
	expect(nodes.map((node) => [node.status, node.mediaErrors.map((error) => error.code)])).toEqual([['READY', []], ['FAILED', ['IMAGE_DOWNLOAD_FAILURE']]]);
	expect(nodes[0].image?.url).toMatch(/\/s\/files\/.*\/cup\.png$/);
	expect(nodes[1].image).toBeNull();
	expect(conformance.problems()).toEqual([]);
});
