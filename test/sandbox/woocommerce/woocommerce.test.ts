/** The WooCommerce sandbox and connector: Basic auth, SKU lookup with WP paging headers, plain-PUT stock, batch, orders, signed webhooks. */
import { createHmac } from 'node:crypto';

import { readOrderWebhook } from '../../../lib/inventory';
import { ConcurrentChangeError, UnknownSkuError } from '../../../lib/platforms/inventory';
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';
import { startReceiver } from '../support/receiver';
import { inventoryConnector, sandboxAccount } from '../../support/standalone';
import { wooConsumerKey, wooConsumerSecret } from '.';

let sandbox: RunningSandbox;
let control: SandboxControl;
let api: string;
const basic = (key = wooConsumerKey, secret = wooConsumerSecret) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

beforeAll(async () => {
	sandbox = await startSandbox('woocommerce');
	control = new SandboxControl(sandbox.baseUrl);
	api = `${sandbox.baseUrl}/wp-json/wc/v3`;
});
afterAll(() => sandbox.close());
beforeEach(async () => {
	await control.reset();
	await control.seed({ products: [{ sku: 'MUG', stock_quantity: 12 }, { sku: 'CAP', stock_quantity: 3 }] });
});

async function call(path: string, init: { method?: string; body?: unknown; auth?: string } = {}) {
	const response = await fetch(`${api}${path}`, {
		method: init.method ?? 'GET',
		headers: { authorization: init.auth ?? basic(), 'content-type': 'application/json' },
		body: init.body === undefined ? undefined : JSON.stringify(init.body),
	});
	return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

const connector = () => inventoryConnector(sandboxAccount('woocommerce', api, sandbox.credentials));

test('authenticates with the consumer key and secret, answering WooCommerce error bodies otherwise', async () => {
	expect(await call('/products', { auth: basic(wooConsumerKey, 'cs_wrong') })).toMatchObject({ status: 401, body: { code: 'woocommerce_rest_authentication_error', data: { status: 401 } } });
	const page = await call('/products?per_page=1&page=2');
	expect(page.status).toBe(200);
	expect(page.headers.get('x-wp-total')).toBe('2');
	expect(page.headers.get('x-wp-totalpages')).toBe('2');
	// Newest first, as WooCommerce lists by default (order=desc): the second page holds the first product seeded.
	expect(page.body.map((product: { sku: string }) => product.sku)).toEqual(['MUG']);
	const products = `${sandbox.baseUrl}${new URL(api).pathname}/products`;
	expect(page.headers.get('link')).toBe(`<${products}?per_page=1&page=1>; rel="prev"`);
	expect((await call('/products?per_page=1')).headers.get('link')).toBe(`<${products}?per_page=1&page=2>; rel="next"`);
	expect((await call('/products?per_page=10')).headers.get('link')).toBeNull();
	expect((await call('/products/999')).body).toMatchObject({ code: 'woocommerce_rest_product_invalid_id' });
});

test('stock_quantity is set by a plain PUT; the connector adjusts by read, write and read-back', async () => {
	const store = await connector();
	expect(await store.adjust('MUG', -2, { reason: 'sale', reference: 'x://1' })).toEqual({ previous: 12, next: 10 });
	expect(await store.getQuantity('MUG')).toBe(10);
	await expect(store.getQuantity('NONE')).rejects.toBeInstanceOf(UnknownSkuError);
	const [cap] = (await call('/products?sku=CAP')).body;
	const batch = await call('/products/batch', { method: 'POST', body: { update: [{ id: cap.id, stock_quantity: 0 }, { id: 4242, stock_quantity: 1 }] } });
	expect(batch.body.update[0]).toMatchObject({ sku: 'CAP', stock_quantity: 0, stock_status: 'outofstock' });
	expect(batch.body.update[1]).toMatchObject({ id: 4242, error: { code: 'woocommerce_rest_product_invalid_id' } });
});

test('each stock write carries its reference in meta_data (one value per key), read back with the quantity', async () => {
	const store = await connector();
	expect(await store.readMarked?.('MUG')).toEqual({ quantity: 12, marker: undefined });
	await store.adjust('MUG', -2, { reason: 'sale', reference: 'x://order/1' });
	await store.set('MUG', 7, { reason: 'correction', reference: 'x://reconcile' });
	expect(await store.readMarked?.('MUG')).toEqual({ quantity: 7, marker: 'x://reconcile' });
	const [mug] = (await call('/products?sku=MUG')).body;
	expect(mug.meta_data).toEqual([{ id: expect.any(Number), key: 'inventory_fanout_change', value: 'x://reconcile' }]);
	// As WooCommerce: an entry named by id is updated in place, a new key is added, a malformed list is refused.
	const [marker] = mug.meta_data;
	const updated = await call(`/products/${mug.id}`, { method: 'PUT', body: { meta_data: [{ id: marker.id, key: marker.key, value: 'by-id' }, { key: 'other', value: '1' }] } });
	expect(updated.body.meta_data).toEqual([{ ...marker, value: 'by-id' }, { id: expect.any(Number), key: 'other', value: '1' }]);
	expect((await call(`/products/${mug.id}`, { method: 'PUT', body: { meta_data: [{ value: 'no key' }] } })).status).toBe(400);
});

test('a writer between the write and the read-back is detected, not hidden', async () => {
	const store = await connector();
	const [mug] = (await call('/products?sku=MUG')).body;
	let puts = 0;
	const original = globalThis.fetch;
	// Another client sets the stock right after our PUT lands.
	globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
		const response = await original(input, init);
		if (init?.method === 'PUT' && puts++ === 0) await original(`${api}/products/${mug.id}`, { method: 'PUT', headers: { authorization: basic(), 'content-type': 'application/json' }, body: JSON.stringify({ stock_quantity: 50 }) });
		return response;
	}) as typeof fetch;
	try {
		await expect(store.adjust('MUG', -1, { reason: 'sale', reference: 'x://2' })).rejects.toBeInstanceOf(ConcurrentChangeError);
	} finally {
		globalThis.fetch = original;
	}
});

test('orders take stock off, list by modified_after, and publish order.created signed with X-WC-Webhook-Signature', async () => {
	const receiver = await startReceiver('/hooks/woo');
	try {
		await control.registerWebhook(receiver.url, 'woo-secret');
		const before = new Date(Date.now() - 2000).toISOString().slice(0, 19);
		const created = await call('/orders', { method: 'POST', body: { billing: { email: 'ada@example.com' }, line_items: [{ sku: 'MUG', quantity: 4, total: '39.96' }] } });
		expect(created.status).toBe(201);
		expect(await (await connector()).getQuantity('MUG')).toBe(8);
		expect((await call(`/orders?modified_after=${before}`)).body).toHaveLength(1);
		expect((await call('/orders?modified_after=2999-01-01T00:00:00')).body).toHaveLength(0);
		const [delivery] = (await control.webhooks()).deliveries;
		expect(delivery.headers['X-WC-Webhook-Topic']).toBe('order.created');
		expect(delivery.headers['X-WC-Webhook-Signature']).toBe(createHmac('sha256', 'woo-secret').update(delivery.body).digest('base64'));
		const read = readOrderWebhook('woocommerce', delivery.headers, delivery.body, 'woo-secret');
		expect(read).toMatchObject({ valid: true, order: { orderId: String(created.body.id), deliveryId: delivery.headers['X-WC-Webhook-Delivery-ID'], lines: [{ sku: 'MUG', quantity: 4 }], customerEmail: 'ada@example.com', total: '39.96', createdAt: expect.stringMatching(/Z$/) } });
		expect(readOrderWebhook('woocommerce', { ...delivery.headers, 'X-WC-Webhook-Signature': undefined }, delivery.body, 'woo-secret')).toMatchObject({ valid: false });
	} finally {
		await receiver.close();
	}
});

test('a variation found by SKU is read and written under its parent product', async () => {
	await control.seed({ products: [{ sku: 'SHIRT-RED-M', stock_quantity: 6, parentSku: 'SHIRT' }] });
	expect((await call('/products?per_page=100')).body.map((entry: { sku: string }) => entry.sku)).toEqual(['SHIRT', 'CAP', 'MUG']);
	const [found] = (await call('/products?sku=SHIRT-RED-M')).body;
	expect(found).toMatchObject({ type: 'variation', parent_id: expect.any(Number) });
	expect((await call(`/products/${found.id}`)).status).toBe(404);
	expect((await call(`/products/${found.parent_id}/variations?sku=SHIRT-RED-M`)).body).toHaveLength(1);
	const store = await connector();
	expect(await store.adjust('SHIRT-RED-M', -2, { reason: 'sale', reference: 'x://3' })).toEqual({ previous: 6, next: 4 });
	expect((await call(`/products/${found.parent_id}/variations/${found.id}`)).body.stock_quantity).toBe(4);
});

test('a variable product varies by its attributes; variations/batch creates, updates and deletes, each answered on its own', async () => {
	const created = await call('/products/batch', {
		method: 'POST',
		body: { create: [{ name: 'Tee', type: 'variable', attributes: [{ name: 'Size', position: 0, variation: true, visible: true, options: ['S', 'M'] }, { name: 'Fabric', options: ['Cotton'] }] }] },
	});
	const parent = created.body.create[0];
	expect(parent).toMatchObject({ type: 'variable', sku: '', attributes: [{ name: 'Size', variation: true, options: ['S', 'M'] }, { name: 'Fabric', variation: false }] });
	const first = await call(`/products/${parent.id}/variations/batch`, {
		method: 'POST',
		body: {
			create: [
				// An attribute the parent does not vary by is dropped, as WooCommerce's controller drops it.
				{ sku: 'TEE-S', regular_price: '10.00', menu_order: 0, attributes: [{ name: 'Size', option: 'S' }, { name: 'Fabric', option: 'Cotton' }] },
				{ sku: 'MUG', regular_price: '11.00', attributes: [{ name: 'Size', option: 'M' }] },
				{ sku: 'TEE-M', regular_price: '11.00', menu_order: 1, attributes: [{ name: 'Size', option: 'M' }] },
			],
		},
	});
	expect(first.status).toBe(200);
	expect(first.body.create.map((entry: any) => entry.error?.code ?? entry.sku)).toEqual(['TEE-S', 'product_invalid_sku', 'TEE-M']);
	expect(first.body.create[0]).toMatchObject({ parent_id: parent.id, type: 'variation', attributes: [{ name: 'Size', option: 'S' }], price: '10.00' });
	const [small, medium] = [first.body.create[0], first.body.create[2]];
	const second = await call(`/products/${parent.id}/variations/batch`, { method: 'POST', body: { update: [{ id: medium.id, sale_price: '9.00' }, { id: 999_999 }], delete: [small.id] } });
	expect(second.body.update[0]).toMatchObject({ sku: 'TEE-M', price: '9.00', regular_price: '11.00' });
	expect(second.body.update[1]).toMatchObject({ id: 999_999, error: { code: 'woocommerce_rest_product_variation_invalid_id' } });
	expect(second.body.delete[0]).toMatchObject({ id: small.id, sku: 'TEE-S' });
	expect((await call(`/products/${parent.id}/variations`)).body.map((entry: any) => entry.sku)).toEqual(['TEE-M']);
	// Saving a variation saves its parent: the variable product's modification time moves with it.
	expect((await call(`/products/${parent.id}`)).body.date_modified_gmt >= second.body.update[0].date_modified_gmt).toBe(true);
	const tooMany = await call(`/products/${parent.id}/variations/batch`, { method: 'POST', body: { delete: Array.from({ length: 101 }, (_, index) => index) } });
	expect(tooMany).toMatchObject({ status: 413, body: { code: 'woocommerce_rest_request_entity_too_large' } });
	// Deleted with force, a variable product takes its variations with it.
	expect((await call(`/products/${parent.id}?force=true`, { method: 'DELETE' })).body).toMatchObject({ id: parent.id, type: 'variable' });
	expect((await control.state<Array<{ sku: string }>>('products')).map((entry) => entry.sku).sort()).toEqual(['CAP', 'MUG']);
	expect((await call(`/products/${parent.id}/variations/batch`, { method: 'POST', body: {} })).status).toBe(404);
});
