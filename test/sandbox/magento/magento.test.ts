/** The Magento MSI sandbox and connector: bearer auth, searchCriteria filter groups, absolute source-item saves. */
import { UnknownSkuError } from '../../../lib/platforms/inventory';
import { SandboxControl } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';
import { magentoAccessToken } from '.';
import { inventoryConnector, sandboxAccount } from '../../support/standalone';

let sandbox: RunningSandbox;
let control: SandboxControl;
let api: string;

beforeAll(async () => {
	sandbox = await startSandbox('magento');
	control = new SandboxControl(sandbox.baseUrl);
	api = `${sandbox.baseUrl}/rest/default`;
});
afterAll(() => sandbox.close());
beforeEach(async () => {
	await control.reset();
	await control.seed({ sourceItems: [{ sku: 'LAMP', quantity: 7 }, { sku: 'LAMP', quantity: 2, source_code: 'eu' }, { sku: 'DESK', quantity: 1 }] });
});

async function call(path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
	const response = await fetch(`${api}${path}`, {
		method: init.method ?? 'GET',
		headers: { authorization: `Bearer ${init.token ?? magentoAccessToken}`, 'content-type': 'application/json' },
		body: init.body === undefined ? undefined : JSON.stringify(init.body),
	});
	return { status: response.status, body: (await response.json()) as any };
}

const connector = () => inventoryConnector(sandboxAccount('magento', api, sandbox.credentials));

test('refuses a wrong token with Magento\'s message and parameters', async () => {
	expect(await call('/V1/inventory/source-items', { token: 'nope' })).toEqual({
		status: 401,
		body: { message: "The consumer isn't authorized to access %resources.", parameters: { resources: 'Magento_InventoryApi::source_item' } },
	});
});

test('search criteria: OR inside a filter group, AND across groups, with total_count', async () => {
	const q = (groups: string) => call(`/V1/inventory/source-items?${groups}`);
	const anded = await q('searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=LAMP&searchCriteria[filter_groups][1][filters][0][field]=source_code&searchCriteria[filter_groups][1][filters][0][value]=eu');
	expect(anded.body).toMatchObject({ total_count: 1, items: [{ sku: 'LAMP', source_code: 'eu', quantity: 2 }] });
	const ored = await q('searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=DESK&searchCriteria[filter_groups][0][filters][1][field]=source_code&searchCriteria[filter_groups][0][filters][1][value]=eu');
	expect(ored.body.total_count).toBe(2);
	const liked = await q('searchCriteria[filterGroups][0][filters][0][field]=sku&searchCriteria[filterGroups][0][filters][0][value]=LA%25&searchCriteria[filterGroups][0][filters][0][conditionType]=like');
	expect(liked.body.total_count).toBe(2);
});

test('source items are saved absolutely per sku and source; the connector reads, sets and reads back', async () => {
	const store = await connector();
	expect(await store.adjust('LAMP', -3, { reason: 'sale', reference: 'x://1' })).toEqual({ previous: 7, next: 4 });
	expect(await store.set('LAMP', 9, { reason: 'correction', reference: 'x://2' })).toEqual({ previous: 4, next: 9 });
	const items = await control.state<Array<{ sku: string; source_code: string; quantity: number }>>('sourceItems');
	expect(items.filter((item) => item.sku === 'LAMP').map((item) => [item.source_code, item.quantity])).toEqual([['default', 9], ['eu', 2]]);
	await expect(store.getQuantity('CHAIR')).rejects.toBeInstanceOf(UnknownSkuError);
	expect(await call('/V1/inventory/source-items', { method: 'POST', body: { sourceItems: [{ sku: 'CHAIR', source_code: 'default', quantity: 1, status: 1 }] } })).toMatchObject({ status: 400, body: { message: 'Could not save Source Item Configuration' } });
});

test('orders are searched by updated_at (gteq) and the connector reads their lines', async () => {
	await control.seed({ orders: [{ items: [{ sku: 'LAMP', qty: 2 }] }, { items: [{ sku: 'DESK', qty: 1 }, { sku: 'LAMP', qty: 1 }] }] });
	expect((await control.state<Array<{ sku: string; source_code: string; quantity: number }>>('sourceItems')).find((item) => item.sku === 'LAMP' && item.source_code === 'default')?.quantity).toBe(4);
	const store = await connector();
	const all = await store.pullOrders!(undefined);
	expect(all.map((order) => order.lines)).toEqual([
		[{ lineId: expect.any(String), sku: 'LAMP', quantity: 2 }],
		[{ lineId: expect.any(String), sku: 'DESK', quantity: 1 }, { lineId: expect.any(String), sku: 'LAMP', quantity: 1 }],
	]);
	expect(all[0].modifiedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
	expect(await store.pullOrders!(all[1].modifiedAt)).toHaveLength(2);
	expect(await store.pullOrders!(new Date(Date.now() + 60_000).toISOString())).toEqual([]);
});

test('a configurable product varies by dropdown attributes: its children linked by id, each with one listed value of every option, no two alike', async () => {
	expect((await call('/V1/products/attributes/fabric')).status).toBe(404);
	const size = await call('/V1/products/attributes/size');
	expect(size.body).toMatchObject({ attribute_code: 'size', frontend_input: 'select', options: [{ label: ' ', value: '' }] });
	const added = await call('/V1/products/attributes/size/options', { method: 'POST', body: { option: { label: 'S' } } });
	expect(added.body).toMatch(/^id_\d+$/);
	expect((await call('/V1/products/attributes/size/options', { method: 'POST', body: { option: { label: 'S' } } })).status).toBe(400);
	await call('/V1/products/attributes/size/options', { method: 'POST', body: { option: { label: 'M' } } });
	const options = (await call('/V1/products/attributes/size')).body.options;
	const value = (label: string) => options.find((entry: { label: string }) => entry.label === label).value;
	const child = async (sku: string, label: string) =>
		(await call(`/V1/products/${sku}`, { method: 'PUT', body: { product: { sku, name: sku, type_id: 'simple', price: 10, status: 1, visibility: 1, custom_attributes: [{ attribute_code: 'size', value: value(label) }] } } })).body;
	const [small, medium, twin] = [await child('T-S', 'S'), await child('T-M', 'M'), await child('T-S2', 'S')];
	const parent = (links: number[]) => ({
		product: {
			sku: 'T', name: 'Tee', type_id: 'configurable', price: 0, status: 1, visibility: 4,
			extension_attributes: { configurable_product_options: [{ attribute_id: String(size.body.attribute_id), label: 'Size', position: 0, values: [{ value_index: Number(value('S')) }, { value_index: Number(value('M')) }] }], configurable_product_links: links },
		},
	});
	expect(await call('/V1/products/T', { method: 'PUT', body: parent([small.id, twin.id]) })).toMatchObject({ status: 400, body: { message: 'Products "%1" and "%2" have the same set of attribute values.', parameters: ['T-S', 'T-S2'] } });
	expect((await call('/V1/products/T', { method: 'PUT', body: parent([small.id, medium.id]) })).status).toBe(200);
	expect((await call('/V1/configurable-products/T/children')).body.map((entry: { sku: string }) => entry.sku)).toEqual(['T-S', 'T-M']);
	expect((await call('/V1/configurable-products/T/options/all')).body).toEqual([expect.objectContaining({ label: 'Size', values: [{ value_index: Number(value('S')) }, { value_index: Number(value('M')) }] })]);
	// A child deleted leaves its parent's links.
	expect(await call('/V1/products/T-M', { method: 'DELETE' })).toEqual({ status: 200, body: true });
	expect((await call('/V1/configurable-products/T/children')).body.map((entry: { sku: string }) => entry.sku)).toEqual(['T-S']);
	const found = await call(`/V1/products/attributes?searchCriteria[filter_groups][0][filters][0][field]=attribute_id&searchCriteria[filter_groups][0][filters][0][value]=${size.body.attribute_id}&searchCriteria[filter_groups][0][filters][0][condition_type]=in`);
	expect(found.body.items.map((entry: { attribute_code: string }) => entry.attribute_code)).toEqual(['size']);
});
