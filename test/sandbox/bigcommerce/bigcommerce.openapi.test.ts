/**
 * The BigCommerce sandbox answers as BigCommerce's Inventory v3 and Orders v2 OpenAPI documents say, for every
 * request the BigCommerce inventory connector makes and every endpoint the sandbox serves.
 */
import { SandboxControl } from '../framework/controlClient';
import type { RunningSandbox } from '../registry';
import { SpecConformance, startSpecCheckedSandbox, underFaults } from '../support/conformance';
import { callApi } from '../support/http';
import { inventoryConnector, sandboxAccount } from '../../support/standalone';
import { OpenApiValidator } from '../support/openapi';
import { bigCommerceStoreHash } from './index';

const inventory = new OpenApiValidator('bigcommerce/docs-inventory.v3.yml');
const orders = new OpenApiValidator('bigcommerce/docs-orders.v2.oas2.yml');
const mounts = [
	{ spec: inventory, base: `/stores/${bigCommerceStoreHash}/v3`, errors: 'components/schemas/ErrorResponse' },
	{
		spec: orders, base: `/stores/${bigCommerceStoreHash}/v2`, errors: 'components/responses/404_Resp/content/application~1json/schema',
		// "204 No Content: a request for a collection that returns no results" (BigCommerce's status codes page), left out of the v2 document.
		undocumented: ['get /orders 204'],
	},
];
const conformance = new SpecConformance(mounts);
let sandbox: RunningSandbox;
let control: SandboxControl;
let v3: string;

beforeAll(async () => {
	sandbox = await startSpecCheckedSandbox('bigcommerce', conformance);
	control = new SandboxControl(sandbox.baseUrl);
	v3 = `${sandbox.baseUrl}/stores/${bigCommerceStoreHash}/v3`;
});
afterAll(() => sandbox.close());
beforeEach(async () => {
	await control.reset();
	await control.seed({ items: [{ sku: 'TEE-M', quantity: 10 }, { sku: 'MUG', quantity: 3 }] });
	conformance.clear();
});

const context = { reason: 'correction' as const, reference: 'test://bigcommerce/spec' };
const call = (path: string, init: { method?: string; body?: unknown; token?: string } = {}) =>
	callApi(v3.replace(/\/v3$/, ''), path, { method: init.method, body: init.body, headers: { 'X-Auth-Token': init.token ?? sandbox.credentials.accessToken, accept: 'application/json' } });

test('the connector reads, adjusts, sets and pulls orders with answers that match the spec', async () => {
	const connector = await inventoryConnector(sandboxAccount('bigcommerce', v3, sandbox.credentials));
	expect(await connector.pullOrders!(undefined)).toEqual([]);
	await control.seed({ orders: [{ products: [{ sku: 'TEE-M', quantity: 2 }] }] });
	expect(await connector.getQuantity('TEE-M')).toBe(8);
	expect(await connector.adjust('TEE-M', -3, context)).toEqual({ previous: 8, next: 5 });
	expect(await connector.set('MUG', 7, context)).toMatchObject({ next: 7 });
	expect(await connector.pullOrders!(undefined)).toEqual([expect.objectContaining({ lines: [expect.objectContaining({ sku: 'TEE-M', quantity: 2 })] })]);
	await expect(connector.getQuantity('NOPE')).rejects.toThrow();

	expect(conformance.problems()).toEqual([]);
	expect(conformance.requestProblems()).toEqual([]);
	expect(conformance.covered()).toEqual(expect.arrayContaining([
		'get /inventory/locations/{location_id}/items 200', 'post /inventory/adjustments/relative 200', 'put /inventory/adjustments/absolute 200',
		'get /orders 200', 'get /orders 204', 'get /orders/{order_id}/products 200',
	]));
});

test('every other endpoint the sandbox serves, and its errors, match the spec', async () => {
	await call('/v3/inventory/adjustments/relative', { method: 'POST', body: { reason: 'x', items: [{ location_id: 1, sku: 'NOPE', quantity: 1 }] } });
	await call('/v3/inventory/adjustments/absolute', { method: 'PUT', body: { reason: 'x', items: [{ location_id: 1, sku: 'MUG', quantity: -1 }] } });
	await call('/v3/inventory/locations/99/items');
	await call('/v2/orders?min_date_modified=yesterday');
	await call('/v2/orders/12345/products');
	await call('/v3/inventory/locations/1/items', { token: 'wrong' });
	await underFaults(control, () => call('/v3/inventory/locations/1/items'));
	await underFaults(control, () => call('/v2/orders'));

	expect(conformance.problems()).toEqual([]);
	expect(conformance.covered()).toEqual(expect.arrayContaining([
		'post /inventory/adjustments/relative 422', 'put /inventory/adjustments/absolute 422', 'get /orders 400', 'get /orders/{order_id}/products 404',
	]));
});

test('a v2 error list reaches the caller with its message (the connector reads both error shapes)', async () => {
	const connector = await inventoryConnector(sandboxAccount('bigcommerce', v3, sandbox.credentials), { retry: { maxAttempts: 1 } });
	await control.fault({ kind: 'error', status: 500, match: { path: '/v2/orders$' } });
	await expect(connector.pullOrders!(undefined)).rejects.toThrow('Internal Server Error');
	await control.fault({ kind: 'error', status: 500, match: { path: '/v3/inventory/.*' } });
	await expect(connector.getQuantity('MUG')).rejects.toThrow('Internal Server Error');
	expect(conformance.problems()).toEqual([]);
});

test('the check fails on a location item that breaks the spec', () => {
	const drifted = new SpecConformance(mounts);
	drifted.record({ method: 'GET', path: `/stores/${bigCommerceStoreHash}/v3/inventory/locations/1/items`, query: new URLSearchParams(), requestBody: undefined, status: 200, body: { data: [{ identity: { sku: 5 } }] } });
	expect(drifted.problems().join('\n')).toContain('/data/0/identity/sku must be string');
});
