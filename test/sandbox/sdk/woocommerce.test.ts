/**
 * WooCommerce's own Node client (@woocommerce/woocommerce-rest-api) against the WooCommerce sandbox. Over http it
 * signs every request with OAuth 1.0a (HMAC-SHA256) in the query string, as WooCommerce requires there.
 */
import WooCommerceRestApi from '@woocommerce/woocommerce-rest-api';

import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';

let sandbox: RunningSandbox;
let control: SandboxControl;

const client = (consumerSecret = sandbox.credentials.consumerSecret) => new WooCommerceRestApi({ url: sandbox.baseUrl, consumerKey: sandbox.credentials.consumerKey, consumerSecret, version: 'wc/v3' });
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: { response: { status: number; data: { code: string; message: string } } }) => [error.response.status, error.response.data.code]);

beforeAll(async () => {
	sandbox = await startSandbox('woocommerce');
	control = new SandboxControl(sandbox.baseUrl);
});
afterAll(() => sandbox.close());
beforeEach(async () => {
	await control.reset();
	await control.seed({ products: [{ sku: 'MUG', stock_quantity: 12 }, { sku: 'CAP', stock_quantity: 3 }, { sku: 'HAT', stock_quantity: 5 }] });
});

test('OAuth 1.0a over http: list with paging headers and Link, read, update, create an order', async () => {
	const woo = client();
	const first = await woo.get('products', { per_page: 2 });
	expect(first.headers['x-wp-total']).toBe('3');
	expect(first.headers['x-wp-totalpages']).toBe('2');
	expect(first.headers.link).toContain('rel="next"');
	const second = await woo.get('products', { per_page: 2, page: 2 });
	const skus = [...first.data, ...second.data].map((product: { sku: string }) => product.sku).sort();
	expect(skus).toEqual(['CAP', 'HAT', 'MUG']);
	const mug = first.data.find((product: { sku: string }) => product.sku === 'MUG') ?? second.data.find((product: { sku: string }) => product.sku === 'MUG');
	expect((await woo.get(`products/${mug.id}`)).data.stock_quantity).toBe(12);
	expect((await woo.put(`products/${mug.id}`, { stock_quantity: 9 })).data.stock_quantity).toBe(9);
	const order = await woo.post('orders', { line_items: [{ product_id: mug.id, quantity: 2 }] });
	expect(order.status).toBe(201);
	expect((await woo.get(`products/${mug.id}`)).data.stock_quantity).toBe(7);
});

test('a forged or replayed signature is refused; the key pair in the query string is accepted', async () => {
	expect(await failure(client('cs_wrong').get('products'))).toEqual([401, 'woocommerce_rest_authentication_error']);
	const { consumerKey, consumerSecret } = sandbox.credentials;
	const byQuery = await fetch(`${sandbox.baseUrl}/wp-json/wc/v3/products?consumer_key=${consumerKey}&consumer_secret=${consumerSecret}`);
	expect(byQuery.status).toBe(200);
	await client().get('products');
	const signed = (await control.requests()).find((entry) => entry.query.oauth_signature && entry.status === 200);
	expect(signed).toBeDefined();
	const replay = await fetch(`${sandbox.baseUrl}${signed!.path}?${new URLSearchParams(signed!.query as Record<string, string>)}`);
	expect(replay.status).toBe(401);
	expect(((await replay.json()) as { message: string }).message).toMatch(/nonce/);
});

test('errors: not found, an invalid parameter, a 429, each with WooCommerce\'s code', async () => {
	const woo = client();
	expect(await failure(woo.get('products/999'))).toEqual([404, 'woocommerce_rest_product_invalid_id']);
	expect(await failure(woo.get('products', { per_page: 500 }))).toEqual([400, 'rest_invalid_param']);
	await control.fault({ kind: 'rate_limit_storm', match: { path: '/wp-json' } });
	expect(await failure(woo.get('products'))).toEqual([429, 'woocommerce_rest_too_many_requests']);
});
