/** The Shopify sandbox and connector: GraphQL inventory, compare-and-set, cost throttling in a 200, signed order webhooks. */
import { createHmac } from 'node:crypto';

import { readOrderWebhook } from '../../../lib/inventory';
import { StaleQuantityError, UnknownSkuError } from '../../../lib/platforms/inventory';
import { Transport, FetchHttpClient } from '../../../lib/transport';
import { shopifyProfile } from '../../../lib/platforms/shopify';
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';
import { startReceiver } from '../support/receiver';
import { inventoryConnector, sandboxAccount } from '../../support/standalone';
import { shopifyAccessToken, shopifyLocationId } from '.';

let sandbox: RunningSandbox;
let control: SandboxControl;
let api: string;

beforeAll(async () => {
	sandbox = await startSandbox('shopify');
	control = new SandboxControl(sandbox.baseUrl);
	api = `${sandbox.baseUrl}/admin/api/2025-01`;
});
afterAll(() => sandbox.close());
beforeEach(async () => {
	await control.reset();
	await control.seed({ inventory: [{ sku: 'TEE-M', available: 10 }] });
});

async function graphql(query: string, variables: Record<string, unknown> = {}, token = shopifyAccessToken) {
	const response = await fetch(`${api}/graphql.json`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'X-Shopify-Access-Token': token },
		body: JSON.stringify({ query, variables }),
	});
	return { status: response.status, body: (await response.json()) as any };
}

function connector() {
	return inventoryConnector(sandboxAccount('shopify', api, sandbox.credentials), { retry: { baseDelayMs: 5, maxDelayMs: 50 } });
}

test('rejects a wrong access token with Shopify\'s 401 body', async () => {
	const reply = await graphql('{ inventoryItems(first: 1) { nodes { id } } }', {}, 'shpat_wrong');
	expect(reply).toEqual({ status: 401, body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' } });
});

test('adjusts relatively with reason and reference document, and reports the quantity after the change', async () => {
	const store = await connector();
	expect(await store.adjust('TEE-M', -3, { reason: 'sale', reference: 'inventory-fanout://order/1/line/1' })).toEqual({ previous: 10, next: 7 });
	const [group] = await control.state<Array<{ reason: string; referenceDocumentUri: string }>>('adjustments');
	expect(group).toMatchObject({ reason: 'other', referenceDocumentUri: 'inventory-fanout://order/1/line/1' });
	await expect(store.adjust('NOPE', -1, { reason: 'sale', reference: 'x://y' })).rejects.toBeInstanceOf(UnknownSkuError);
});

test('compare-and-set refuses a stale compare quantity with COMPARE_QUANTITY_STALE', async () => {
	const store = await connector();
	await expect(store.set('TEE-M', 5, { reason: 'correction', reference: 'x://y', compareQuantity: 9 })).rejects.toBeInstanceOf(StaleQuantityError);
	expect(await store.set('TEE-M', 5, { reason: 'correction', reference: 'x://y', compareQuantity: 10 })).toEqual({ previous: 10, next: 5 });
	expect(await store.getQuantity('TEE-M')).toBe(5);
	const [{ inventoryItemId }] = await control.state<Array<{ inventoryItemId: string }>>('inventory');
	const missingCompare = await graphql('mutation Set($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code } } }', {
		input: { reason: 'correction', name: 'available', quantities: [{ inventoryItemId, locationId: shopifyLocationId, quantity: 1 }] },
	});
	expect(missingCompare.body.data.inventorySetQuantities.userErrors[0].code).toBe('COMPARE_QUANTITY_REQUIRED');
});

test('a drained cost bucket answers Throttled in a 200 with throttleStatus; the transport waits for the refill and retries', async () => {
	// A slow refill, so the drain below outruns it however slowly a loaded machine sends (36 points asked of 20 + 10/s).
	await control.updateSettings({ maximumAvailable: 20, restoreRate: 10 });
	const first = await graphql('query Find($query: String) { inventoryItems(first: 1, query: $query) { nodes { id } } }', { query: 'sku:TEE-M' });
	expect(first.body.extensions.cost).toMatchObject({ requestedQueryCost: 4, actualQueryCost: 4, throttleStatus: { maximumAvailable: 20, restoreRate: 10 } });
	const drain = await Promise.all(Array.from({ length: 8 }, () => graphql('query Find($query: String) { inventoryItems(first: 1, query: $query) { nodes { id } } }', { query: 'sku:TEE-M' })));
	const throttled = drain.find((reply) => reply.body.errors);
	expect(throttled?.status).toBe(200);
	expect(throttled?.body).toMatchObject({ errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }], extensions: { cost: { actualQueryCost: null } } });
	const waits: number[] = [];
	const transport = new Transport({
		profile: shopifyProfile(),
		client: new FetchHttpClient((request) => ({ ...request, headers: { ...request.headers, 'X-Shopify-Access-Token': shopifyAccessToken } })),
		baseUrl: api,
		accountKey: 'throttle-test',
		sleep: async (ms) => {
			waits.push(ms);
			await new Promise((resolve) => setTimeout(resolve, ms));
		},
	});
	const body = await transport.request<{ data: unknown }>({ method: 'POST', url: '/graphql.json', body: { query: 'mutation Adjust($input: InventoryAdjustQuantitiesInput!) { inventoryAdjustQuantities(input: $input) { userErrors { code } } }', variables: { input: { reason: 'correction', name: 'available', changes: [] } } } });
	expect(body.data).toBeDefined();
	expect(transport.stats.rateLimited).toBeGreaterThanOrEqual(1);
	expect(waits[0]).toBeGreaterThan(0);
});

test('an order placed on the shop takes its units off and publishes orders/create signed with X-Shopify-Hmac-Sha256; duplicates keep the webhook id', async () => {
	const receiver = await startReceiver();
	try {
		await control.registerWebhook(receiver.url, 'shopify-app-secret');
		await control.updateSettings({ duplicateWebhooks: true });
		const response = await fetch(`${api}/orders.json`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'X-Shopify-Access-Token': shopifyAccessToken },
			body: JSON.stringify({ order: { email: 'ada@example.com', line_items: [{ sku: 'TEE-M', quantity: 2, price: '12.50' }] } }),
		});
		expect(response.status).toBe(201);
		expect(await (await connector()).getQuantity('TEE-M')).toBe(8);
		const { deliveries } = await control.webhooks();
		expect(deliveries).toHaveLength(2);
		const [first, second] = deliveries;
		expect(first.headers['X-Shopify-Webhook-Id']).toBe(second.headers['X-Shopify-Webhook-Id']);
		expect(first.headers['X-Shopify-Hmac-Sha256']).toBe(createHmac('sha256', 'shopify-app-secret').update(first.body).digest('base64'));
		const read = readOrderWebhook('shopify', first.headers, first.body, 'shopify-app-secret');
		expect(read).toMatchObject({ valid: true, order: { sourceStore: 'shopify', lines: [{ sku: 'TEE-M', quantity: 2 }], customerEmail: 'ada@example.com', total: '25.00' } });
		expect(readOrderWebhook('shopify', first.headers, first.body, 'another-secret')).toEqual({ valid: false, signed: false, reason: 'signature does not match the body' });
	} finally {
		await receiver.close();
	}
});

test('orders are polled by updated_at, with the same order and line ids as the orders/create webhook', async () => {
	const receiver = await startReceiver();
	try {
		await control.registerWebhook(receiver.url, 'shopify-app-secret');
		for (const quantity of [1, 2]) {
			await fetch(`${api}/orders.json`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'X-Shopify-Access-Token': shopifyAccessToken },
				body: JSON.stringify({ order: { line_items: [{ sku: 'TEE-M', quantity }] } }),
			});
		}
		const store = await connector();
		const polled = await store.pullOrders!(undefined);
		expect(polled.map((order) => order.lines.map((line) => line.quantity))).toEqual([[1], [2]]);
		const [delivery] = (await control.webhooks()).deliveries;
		const fromWebhook = readOrderWebhook('shopify', delivery.headers, delivery.body, 'shopify-app-secret');
		expect(fromWebhook).toMatchObject({ valid: true, order: { orderId: polled[0].orderId, lines: [{ lineId: polled[0].lines[0].lineId }] } });
		expect((await store.pullOrders!(polled[1].modifiedAt)).map((order) => order.orderId)).toContain(polled[1].orderId);
		expect(await store.pullOrders!(new Date(Date.now() + 60_000).toISOString())).toEqual([]);
	} finally {
		await receiver.close();
	}
});
