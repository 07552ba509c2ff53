/**
 * The Magento sandbox answers as Magento 2.4.8's admin REST schema (Swagger 2) says, for every request the Magento
 * inventory connector makes and every endpoint the sandbox serves.
 */
import { SandboxControl } from '../framework/controlClient';
import type { RunningSandbox } from '../registry';
import { SpecConformance, startSpecCheckedSandbox, underFaults } from '../support/conformance';
import { apiClient } from '../support/http';
import { standalonePlatforms } from '../../../lib/platforms/catalog/standalonePlatforms';
import { openSync } from '../../../lib/sync';
import { inventoryConnector, sandboxAccount, scratchStore } from '../../support/standalone';
import { magentoBase, magentoSpec } from '../support/magentoSpec';

const spec = magentoSpec();
const conformance = new SpecConformance([{ spec, base: magentoBase, errors: 'definitions/error-response' }]);
let sandbox: RunningSandbox;
let control: SandboxControl;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
	sandbox = await startSpecCheckedSandbox('magento', conformance);
	control = new SandboxControl(sandbox.baseUrl);
	api = apiClient(`${sandbox.baseUrl}/rest/default`, sandbox.credentials.accessToken);
});
afterAll(() => sandbox.close());
beforeEach(async () => {
	await control.reset();
	await control.seed({ sourceItems: [{ sku: 'TEE-M', quantity: 10 }, { sku: 'MUG', quantity: 3 }] });
	conformance.clear();
});

const context = { reason: 'correction' as const, reference: 'test://magento/spec' };

test('the connector reads, adjusts, sets and pulls orders with answers that match the spec', async () => {
	const connector = await inventoryConnector(sandboxAccount('magento', `${sandbox.baseUrl}/rest/default`, sandbox.credentials));
	await control.seed({ orders: [{ items: [{ sku: 'TEE-M', qty: 2 }, { sku: 'MUG', qty: 1 }] }] });
	expect(await connector.getQuantity('TEE-M')).toBe(8);
	expect(await connector.adjust('TEE-M', -3, context)).toEqual({ previous: 8, next: 5 });
	expect(await connector.set('MUG', 7, context)).toMatchObject({ next: 7 });
	expect(await connector.pullOrders!(undefined)).toEqual([expect.objectContaining({ lines: [expect.objectContaining({ sku: 'TEE-M', quantity: 2 }), expect.objectContaining({ sku: 'MUG', quantity: 1 })] })]);
	expect(await connector.pullOrders!(new Date(Date.now() + 86_400_000).toISOString())).toEqual([]);
	await expect(connector.getQuantity('NOPE')).rejects.toThrow();

	expect(conformance.problems()).toEqual([]);
	expect(conformance.requestProblems()).toEqual([]);
	expect(conformance.covered()).toEqual(expect.arrayContaining([
		'get /V1/inventory/source-items 200', 'post /V1/inventory/source-items 200', 'get /V1/orders 200',
	]));
});

test('the product connector saves several products in one asynchronous bulk request, its status answers matching the spec', async () => {
	const platforms = standalonePlatforms([sandboxAccount('magento', `${sandbox.baseUrl}/rest/default`, sandbox.credentials)]);
	const products = await openSync({ store: await scratchStore(), platforms }).productConnector('magento');
	const product = (sku: string) => ({ sku, title: `Product ${sku}`, description: '', price: '9.5', compareAtPrice: null, status: 'active', weight: 1.25 });
	const outcomes = await products.write('products', [{ fields: product('BULK-A') }, { fields: product('BULK-B') }, { externalId: 'TEE-M', fields: product('TEE-M') }]);
	expect(outcomes.map((outcome) => (outcome.ok ? `${outcome.externalId} ${outcome.created} ${outcome.fields.price}` : outcome.error.message))).toEqual(['BULK-A true 9.5', 'BULK-B true 9.5', 'TEE-M false 9.5']);
	expect((await control.requests()).map((entry) => `${entry.method} ${entry.path.replace(/bulk\/[0-9a-f-]{36}\//, 'bulk/{uuid}/')}`)).toEqual([
		'POST /rest/default/async/bulk/V1/products', 'GET /rest/default/V1/bulk/{uuid}/detailed-status', 'GET /rest/default/V1/bulk/{uuid}/detailed-status',
	]);
	// Magento generates its asynchronous routes from the synchronous ones (here POST /V1/products, each element of the
	// array one of its bodies); the published admin schema lists only the synchronous ones.
	expect(conformance.problems()).toEqual(['POST /rest/default/async/bulk/V1/products → 202: no such operation in the spec']);
	expect(conformance.covered()).toEqual(expect.arrayContaining(['get /V1/bulk/{bulkUuid}/detailed-status 200']));
});

test('every other endpoint the sandbox serves, and its errors, match the spec', async () => {
	await api('/V1/products/TEE-M');
	await api('/V1/products/NOPE');
	await api('/V1/inventory/source-items', { method: 'POST', body: { sourceItems: [] } });
	await api('/V1/inventory/source-items', { method: 'POST', body: { sourceItems: [{ sku: 'NOPE', source_code: 'default', quantity: 1, status: 1 }] } });
	await api('/V1/inventory/source-items?searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=x&searchCriteria[filter_groups][0][filters][0][condition_type]=regex');
	await apiClient(`${sandbox.baseUrl}/rest/default`, 'wrong')('/V1/orders');
	await underFaults(control, () => api('/V1/orders'));

	expect(conformance.problems()).toEqual([]);
	expect(conformance.covered()).toEqual(expect.arrayContaining([
		'get /V1/products/{sku} 200', 'get /V1/products/{sku} 404', 'post /V1/inventory/source-items 400', 'get /V1/inventory/source-items 400', 'get /V1/orders 401',
	]));
});

test('the check fails on an order item that breaks the spec (no grand_total, base_grand_total or customer_email)', () => {
	const drifted = new SpecConformance([{ spec, base: magentoBase }]);
	drifted.record({
		method: 'GET', path: '/rest/default/V1/orders', query: new URLSearchParams(), requestBody: undefined, status: 200,
		body: { items: [{ entity_id: 1, items: [{ sku: 'TEE-M', qty_ordered: 1 }] }], search_criteria: { filter_groups: [] }, total_count: 1 },
	});
	expect(drifted.problems().join('\n')).toContain("must have required property 'grand_total'");
});
