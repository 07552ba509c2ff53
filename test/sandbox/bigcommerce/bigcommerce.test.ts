/** The BigCommerce sandbox and connector: X-Auth-Token, relative and absolute adjustments, 422 problems, the 30-second window. */
import { UnknownSkuError } from '../../../lib/platforms/inventory';
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';
import { bigCommerceAccessToken, bigCommerceStoreHash } from '.';
import { inventoryConnector, sandboxAccount } from '../../support/standalone';

let sandbox: RunningSandbox;
let control: SandboxControl;
let api: string;

beforeAll(async () => {
	sandbox = await startSandbox('bigcommerce');
	control = new SandboxControl(sandbox.baseUrl);
	api = `${sandbox.baseUrl}/stores/${bigCommerceStoreHash}/v3`;
});
afterAll(() => sandbox.close());
beforeEach(async () => {
	await control.reset();
	await control.seed({ items: [{ sku: 'BAG', quantity: 20, safety_stock: 2 }] });
});

async function call(path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
	const response = await fetch(`${api}${path}`, {
		method: init.method ?? 'GET',
		headers: { 'X-Auth-Token': init.token ?? bigCommerceAccessToken, 'content-type': 'application/json' },
		body: init.body === undefined ? undefined : JSON.stringify(init.body),
	});
	return { status: response.status, headers: response.headers, body: (response.status === 204 ? undefined : await response.json()) as any };
}

const connector = (retry = {}) => inventoryConnector(sandboxAccount('bigcommerce', api, sandbox.credentials), { retry });

test('relative and absolute adjustments by SKU at a location; unknown items are a 422 problem', async () => {
	const store = await connector();
	expect(await store.adjust('BAG', -5, { reason: 'sale', reference: 'x://1' })).toEqual({ previous: 20, next: 15 });
	expect(await store.set('BAG', 30, { reason: 'correction', reference: 'x://2' })).toEqual({ previous: 15, next: 30 });
	const read = await call('/inventory/locations/1/items?sku:in=BAG');
	expect(read.body.data[0]).toMatchObject({ identity: { sku: 'BAG' }, total_inventory_onhand: 30, available_to_sell: 28 });
	const [, relative] = await control.state<Array<{ kind: string; reason: string }>>('transactions');
	expect(relative).toMatchObject({ kind: 'absolute', reason: 'correction x://2' });
	const bad = await call('/inventory/adjustments/relative', { method: 'POST', body: { reason: 'x', items: [{ location_id: 1, sku: 'NOPE', quantity: 1 }] } });
	expect(bad).toMatchObject({ status: 422, body: { status: 422, errors: { 'items.0': 'Item NOPE was not found.' } } });
	expect(bad.headers.get('content-type')).toContain('application/problem+json');
	await expect(store.getQuantity('NOPE')).rejects.toBeInstanceOf(UnknownSkuError);
	expect((await call('/inventory/locations/1/items', { token: 'bad' })).status).toBe(401);
});

test('reports the 30-second window in its headers and refuses with 429 and the reset time when it is spent', async () => {
	await control.setRateLimits({ windows: [{ name: 'store', limit: 3, intervalMs: 30_000 }] });
	const first = await call('/inventory/locations/1/items');
	expect(first.headers.get('x-rate-limit-time-window-ms')).toBe('30000');
	expect(first.headers.get('x-rate-limit-requests-quota')).toBe('3');
	expect(first.headers.get('x-rate-limit-requests-left')).toBe('2');
	await call('/inventory/locations/1/items');
	await call('/inventory/locations/1/items');
	const refused = await call('/inventory/locations/1/items');
	expect(refused.status).toBe(429);
	expect(Number(refused.headers.get('x-rate-limit-time-reset-ms'))).toBeGreaterThan(0);
	// The connector gives up rather than wait out a 30-second window when its retry budget is short.
	await expect((await connector({ maxTotalMs: 100, baseDelayMs: 5 })).getQuantity('BAG')).rejects.toMatchObject({ status: 429 });
});

test('a relative adjustment whose response is lost is reported as OUTCOME_UNKNOWN, never sent twice', async () => {
	await control.fault({ kind: 'lost_response', match: { method: 'POST', path: '/stores/' } });
	await expect((await connector({ baseDelayMs: 5 })).adjust('BAG', -1, { reason: 'sale', reference: 'x://3' })).rejects.toMatchObject({ code: 'OUTCOME_UNKNOWN' });
	const relative = (await control.requests()).filter((entry) => entry.method === 'POST');
	expect(relative).toHaveLength(1);
	expect((await control.state<Array<{ quantity: number }>>('items'))[0].quantity).toBe(19);
});

test('v2 orders by min_date_modified (204 when none) with their products', async () => {
	expect((await fetch(`${sandbox.baseUrl}/stores/${bigCommerceStoreHash}/v2/orders`, { headers: { 'X-Auth-Token': bigCommerceAccessToken } })).status).toBe(204);
	await control.seed({ orders: [{ products: [{ sku: 'BAG', quantity: 2 }] }] });
	expect((await control.state<Array<{ quantity: number }>>('items'))[0].quantity).toBe(18);
	const store = await connector();
	const [order] = await store.pullOrders!(undefined);
	expect(order).toMatchObject({ lines: [{ sku: 'BAG', quantity: 2 }] });
	expect(order.modifiedAt).toMatch(/Z$/);
	expect(await store.pullOrders!(order.modifiedAt)).toHaveLength(1);
	expect(await store.pullOrders!(new Date(Date.now() + 60_000).toISOString())).toEqual([]);
});

test('a product created with variants gets their options; options, values and variants are edited as BigCommerce does', async () => {
	const variant = (sku: string, size: string, color: string) => ({ sku, price: 10, option_values: [{ option_display_name: 'Size', label: size }, { option_display_name: 'Color', label: color }] });
	const missing = await call('/catalog/products', { method: 'POST', body: { name: 'Tee', type: 'physical', weight: 1, price: 10, variants: [variant('T-S-R', 'S', 'Red'), { sku: 'T-M', option_values: [{ option_display_name: 'Size', label: 'M' }] }] } });
	expect(missing).toMatchObject({ status: 422 });
	const duplicate = await call('/catalog/products', { method: 'POST', body: { name: 'Tee', type: 'physical', weight: 1, price: 10, variants: [variant('T-S-R', 'S', 'Red'), variant('T-S-R', 'M', 'Red')] } });
	expect(duplicate).toMatchObject({ status: 409 });
	const created = await call('/catalog/products', { method: 'POST', body: { name: 'Tee', type: 'physical', weight: 1, price: 10, variants: [variant('T-S-R', 'S', 'Red'), variant('T-M-R', 'M', 'Red'), variant('T-S-B', 'S', 'Blue')] } });
	expect(created).toMatchObject({ status: 200, body: { data: { base_variant_id: null } } });
	const id = created.body.data.id;
	const read = async () => (await call(`/catalog/products/${id}?include=variants,options`)).body.data;
	const product = await read();
	expect(product.options.map((option: any) => `${option.display_name}: ${option.option_values.map((value: any) => value.label).join('/')}`)).toEqual(['Size: S/M', 'Color: Red/Blue']);
	expect(product.variants.map((entry: any) => entry.sku)).toEqual(['T-S-R', 'T-M-R', 'T-S-B']);
	// A product without options has its base variant, and no variant SKU can be a product's.
	expect((await call('/catalog/products', { method: 'POST', body: { name: 'Mug', type: 'physical', weight: 1, price: 4, sku: 'T-S-R' } })).status).toBe(409);
	const mug = (await call('/catalog/products', { method: 'POST', body: { name: 'Mug', type: 'physical', weight: 1, price: 4, sku: 'MUG' } })).body.data;
	expect((await call(`/catalog/products/${mug.id}/variants`)).body.data).toEqual([expect.objectContaining({ sku: 'MUG', option_values: [] })]);

	const [size, color] = product.options;
	const large = await call(`/catalog/products/${id}/options/${size.id}`, { method: 'PUT', body: { option_values: [...size.option_values.map((value: any) => ({ id: value.id, label: value.label })), { label: 'L' }] } });
	const l = large.body.data.option_values.find((value: any) => value.label === 'L');
	const red = color.option_values.find((value: any) => value.label === 'Red');
	expect((await call(`/catalog/products/${id}/variants`, { method: 'POST', body: { sku: 'T-L-R', option_values: [{ option_id: size.id, id: l.id }] } })).status).toBe(422);
	expect((await call(`/catalog/products/${id}/variants`, { method: 'POST', body: { sku: 'T-L-R', option_values: [{ option_id: size.id, id: l.id }, { option_id: color.id, id: red.id }] } })).status).toBe(200);
	expect((await call(`/catalog/products/${id}/variants`, { method: 'POST', body: { sku: 'T-L-R2', option_values: [{ option_id: size.id, id: l.id }, { option_id: color.id, id: red.id }] } })).status).toBe(409);
	const updated = await call('/catalog/variants', { method: 'PUT', body: [{ id: product.variants[0].id, price: 12.5 }] });
	expect(updated.body.data).toEqual([expect.objectContaining({ sku: 'T-S-R', price: 12.5 })]);
	expect((await call('/catalog/variants', { method: 'PUT', body: Array.from({ length: 51 }, () => ({ id: product.variants[0].id })) })).status).toBe(413);
	// Deleting a value deletes the variants that use it.
	const blue = color.option_values.find((value: any) => value.label === 'Blue');
	expect((await call(`/catalog/products/${id}/options/${color.id}/values/${blue.id}`, { method: 'DELETE' })).status).toBe(204);
	expect((await read()).variants.map((entry: any) => entry.sku)).toEqual(['T-S-R', 'T-M-R', 'T-L-R']);
	expect((await call(`/catalog/products/${id}/variants/${product.variants[1].id}`, { method: 'DELETE' })).status).toBe(204);
	expect((await read()).variants.map((entry: any) => entry.sku)).toEqual(['T-S-R', 'T-L-R']);
});
