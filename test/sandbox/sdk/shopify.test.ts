/**
 * Shopify's own GraphQL client (`@shopify/admin-api-client`) against the Shopify sandbox: queries with variables
 * answer exactly the fields they select, connections page with cursors, mutations report userErrors, and errors come
 * back as the client reports them (401, an unknown id, an invalid query, the cost throttle and an HTTP 429 it retries).
 * The client always speaks https to `<store>/admin/api/<version>/graphql.json`; its `customFetchApi` sends that to the sandbox.
 */
import { createAdminApiClient, type AdminApiClient } from '@shopify/admin-api-client';

import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';

let sandbox: RunningSandbox;
let control: SandboxControl;

function client(accessToken = sandbox.credentials.accessToken, retries = 0): AdminApiClient {
	return createAdminApiClient({
		storeDomain: 'sandbox-store.myshopify.com',
		apiVersion: '2025-01',
		accessToken,
		retries,
		// 2025-01 is the version the sandbox's schema comes from; the client only warns that it is no longer current.
		logger: () => undefined,
		customFetchApi: (url, init) => fetch(String(url).replace(/^https:\/\/[^/]+/, sandbox.baseUrl), init),
	});
}

beforeAll(async () => {
	sandbox = await startSandbox('shopify');
	control = new SandboxControl(sandbox.baseUrl);
});
afterAll(() => sandbox.close());
beforeEach(async () => {
	await control.reset();
	await control.seed({ inventory: [{ sku: 'MUG', available: 7 }, { sku: 'CAP', available: 3 }, { sku: 'TEE', available: 0 }] });
});

const levelQuery = `query Level($query: String!, $location: ID!) {
	inventoryItems(first: 1, query: $query) {
		nodes { sku inventoryLevel(locationId: $location) { quantities(names: ["available"]) { name quantity } } }
	}
}`;

test('a query with variables answers exactly the fields it selects', async () => {
	const { data, errors, extensions } = await client().request(levelQuery, { variables: { query: 'sku:MUG', location: sandbox.credentials.locationId } });
	expect(errors).toBeUndefined();
	expect(data).toEqual({ inventoryItems: { nodes: [{ sku: 'MUG', inventoryLevel: { quantities: [{ name: 'available', quantity: 7 }] } }] } });
	expect(extensions).toMatchObject({ cost: { requestedQueryCost: expect.any(Number), throttleStatus: { maximumAvailable: expect.any(Number) } } });
	const idsOnly = await client().request('query { inventoryItems(first: 5) { nodes { id } } }');
	expect(idsOnly.data.inventoryItems.nodes.map((node: Record<string, unknown>) => Object.keys(node))).toEqual([['id'], ['id'], ['id']]);
});

test('connections page with first / after and pageInfo; a single item is read by id', async () => {
	const skus: string[] = [];
	let after: string | null = null;
	for (let page = 0; page < 5; page++) {
		const response: { data?: { inventoryItems: { nodes: Array<{ sku: string; id: string }>; pageInfo: { hasNextPage: boolean; endCursor: string } } } } = await client().request(
			'query Page($after: String) { inventoryItems(first: 2, after: $after) { nodes { id sku } pageInfo { hasNextPage endCursor } } }',
			{ variables: { after } },
		);
		skus.push(...response.data!.inventoryItems.nodes.map((node) => node.sku));
		if (!response.data!.inventoryItems.pageInfo.hasNextPage) break;
		after = response.data!.inventoryItems.pageInfo.endCursor;
	}
	expect(skus).toEqual(['MUG', 'CAP', 'TEE']);
	const [state] = await control.state<Array<{ inventoryItemId: string }>>('inventory');
	const one = await client().request('query One($id: ID!) { inventoryItem(id: $id) { sku tracked } }', { variables: { id: state.inventoryItemId } });
	expect(one.data).toEqual({ inventoryItem: { sku: 'MUG', tracked: true } });
});

test('a mutation with variables changes stock and answers the change; an invalid one answers userErrors', async () => {
	const [mug] = await control.state<Array<{ inventoryItemId: string }>>('inventory');
	const mutation = `mutation Adjust($input: InventoryAdjustQuantitiesInput!) {
		inventoryAdjustQuantities(input: $input) { inventoryAdjustmentGroup { changes { name delta quantityAfterChange } } userErrors { field message code } }
	}`;
	const change = { delta: -2, inventoryItemId: mug.inventoryItemId, locationId: sandbox.credentials.locationId };
	const adjusted = await client().request(mutation, { variables: { input: { reason: 'correction', name: 'available', changes: [change] } } });
	expect(adjusted.data.inventoryAdjustQuantities).toEqual({ inventoryAdjustmentGroup: { changes: [{ name: 'available', delta: -2, quantityAfterChange: 5 }] }, userErrors: [] });
	const refused = await client().request(mutation, { variables: { input: { reason: 'because', name: 'available', changes: [change] } } });
	expect(refused.data.inventoryAdjustQuantities).toEqual({ inventoryAdjustmentGroup: null, userErrors: [{ field: ['input', 'reason'], message: expect.any(String), code: 'INVALID_REASON' }] });
});

test('errors as the client reports them: unauthorized, unknown id, invalid query, the cost throttle, and a 429 it retries', async () => {
	const unauthorized = await client('shpat_wrong').request('query { inventoryItems(first: 1) { nodes { id } } }');
	expect(unauthorized.errors).toMatchObject({ networkStatusCode: 401 });
	expect(await client().request('query { inventoryItem(id: "gid://shopify/InventoryItem/999999") { id } }')).toMatchObject({ data: { inventoryItem: null } });
	const invalid = await client().request('query { inventoryItems(first: 1) { nodes { colour } } }');
	expect(invalid.errors?.graphQLErrors?.[0]?.message).toMatch(/colour/);
	const noFirst = await client().request('query { inventoryItems { nodes { id } } }');
	expect(noFirst.errors?.graphQLErrors?.[0]?.message).toBe('you must provide one of first or last');

	await control.clearRequests();
	await control.fault({ kind: 'rate_limit_storm', match: { path: '/admin/api/' } });
	const retried = await client(undefined, 1).request('query { inventoryItems(first: 1) { nodes { sku } } }');
	expect(retried.data).toEqual({ inventoryItems: { nodes: [{ sku: 'MUG' }] } });
	expect((await control.requests()).map((entry) => entry.status)).toEqual([429, 200]);
	await control.fault({ kind: 'rate_limit_storm', match: { path: '/admin/api/' } });
	expect((await client().request('query { inventoryItems(first: 1) { nodes { sku } } }')).errors).toMatchObject({ networkStatusCode: 429 });

	await control.updateSettings({ maximumAvailable: 4, restoreRate: 1 });
	await client().request('query { inventoryItems(first: 1) { nodes { id } } }');
	const throttled = await client().request('query { inventoryItems(first: 1) { nodes { id } } }');
	expect(throttled.errors?.graphQLErrors).toEqual([expect.objectContaining({ message: 'Throttled', extensions: expect.objectContaining({ code: 'THROTTLED' }) })]);
	expect(throttled.extensions).toMatchObject({ cost: { actualQueryCost: null, throttleStatus: { maximumAvailable: 4 } } });
});
