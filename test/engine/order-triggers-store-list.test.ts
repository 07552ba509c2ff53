/**
 * The order triggers on a store list credential, driven in-process as n8n drives them (n8n-core's hook, webhook and poll
 * contexts). Order Trigger on two Shopify shops in one Shopify Stores credential: publishing registers the one webhook
 * URL on both shops and unpublishing deletes both; a delivery is told apart by the shop it names
 * (X-Shopify-Shop-Domain) and checked with that shop's own secret; its items carry the shop's store id; a delivery sent
 * twice starts once; a forged one, one from a shop not in the list, and one checked against the wrong shop's secret are
 * refused and start nothing. On two WooCommerce sites each webhook has a secret of its own, and a site's delivery is
 * checked with its own. Order Poll Trigger on two Magento stores in one Magento 2 Stores credential: each store
 * polled with a cursor of its own, each new order once, under its store's id.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { closeAllStores } from '../../lib/store';
import { inProcessTrigger, type InProcessTrigger } from '../harness/inProcessTrigger';
import { SandboxControl } from '../sandbox/framework/controlClient';
import type { WebhookDelivery } from '../sandbox/framework/controlClient';
import { fixtureOf, inventoryFixtures } from '../sandbox/fixtures';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { shopifyStoreEntry } from '../sandbox/shopify/inventoryFixture';

jest.setTimeout(120_000);

const pkg = 'n8n-nodes-integration-automation';
const shopify = fixtureOf(inventoryFixtures, 'shopify', 'inventory');
const stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'order-trigger-list-')), 'state.sqlite');

let us: RunningSandbox;
let eu: RunningSandbox;
let other: RunningSandbox;
const control = (sandbox: RunningSandbox) => new SandboxControl(sandbox.baseUrl);

beforeAll(async () => {
	process.env.INTEGRATION_AUTOMATION_STATE_FILE = stateFile;
	[us, eu, other] = await Promise.all([startSandbox('shopify'), startSandbox('shopify'), startSandbox('shopify')]);
});
afterAll(async () => {
	delete process.env.INTEGRATION_AUTOMATION_STATE_FILE;
	await closeAllStores();
	await Promise.all([us, eu, other].map((sandbox) => sandbox?.close()));
});


const orderTrigger = (webhookId: string, list: unknown[]) =>
	inProcessTrigger(
		{ name: 'Order Trigger', type: `${pkg}.orderTrigger`, webhookId, parameters: { platform: 'shopify-list', event: 'created', responseMode: 'onReceived' } },
		{ integrationShopifyStoresApi: { stores: { store: list } } },
	);

/** The shop's subscriptions to this trigger's URL. */
async function hooksTo(sandbox: RunningSandbox, trigger: InProcessTrigger): Promise<Array<Record<string, unknown>>> {
	return (await control(sandbox).state<Array<Record<string, unknown>>>('webhooks')).filter((hook) => hook.address === trigger.webhookUrl());
}

/** An order placed on the shop, as the shop signed and sent it to the trigger's URL (`times` deliveries of the one event). */
async function orderDeliveries(sandbox: RunningSandbox, trigger: InProcessTrigger, orderId: number, times = 1): Promise<WebhookDelivery[]> {
	await control(sandbox).emitEvent({ topic: 'orders/create', payload: { id: orderId, email: `${orderId}@example.com`, line_items: [{ id: orderId * 10, sku: 'TEE', quantity: 1 }] }, times });
	return (await control(sandbox).webhooks()).deliveries.filter((delivery) => delivery.url === trigger.webhookUrl() && JSON.parse(delivery.body).id === orderId);
}

const deliver = (trigger: InProcessTrigger, delivery: WebhookDelivery) => trigger.deliver({ headers: delivery.headers, body: delivery.body });

describe('Order Trigger on a Shopify Stores list', () => {
	let trigger: InProcessTrigger;

	beforeAll(async () => {
		trigger = await orderTrigger('orders-of-two-shops', [shopifyStoreEntry('us', us), shopifyStoreEntry('eu', eu)]);
	});

	test('publishing registers the one webhook URL on every listed shop; checking again finds both', async () => {
		expect(await trigger.hook('checkExists')).toBe(false);
		expect(await trigger.hook('create')).toBe(true);
		const [onUs, onEu] = await Promise.all([hooksTo(us, trigger), hooksTo(eu, trigger)]);
		expect([onUs.map((hook) => hook.topic), onEu.map((hook) => hook.topic)]).toEqual([['orders/create'], ['orders/create']]);
		expect(await hooksTo(other, trigger)).toEqual([]);
		expect(Object.keys((trigger.staticData().stores ?? {}) as object).sort()).toEqual(['shopify@eu', 'shopify@us']);
		expect(await trigger.hook('checkExists')).toBe(true);
	});

	test("an order on either shop starts once, carrying that shop's store id; the same event delivered twice starts once", async () => {
		const [first, second] = await orderDeliveries(us, trigger, 1001, 2);
		const taken = await deliver(trigger, first);
		expect(taken.status).toBe(200);
		expect(taken.items).toEqual([expect.objectContaining({ platform: 'shopify', sourceStore: 'shopify@us', event: 'created', orderId: '1001' })]);
		const repeated = await deliver(trigger, second);
		expect(repeated).toMatchObject({ status: 200, items: [], body: { started: false, reason: expect.stringMatching(/already received/) } });

		const [fromEu] = await orderDeliveries(eu, trigger, 2002);
		const onEu = await deliver(trigger, fromEu);
		expect(onEu.items).toEqual([expect.objectContaining({ sourceStore: 'shopify@eu', orderId: '2002' })]);
	});

	test('a delivery with a wrong signature is refused and starts nothing', async () => {
		const [delivery] = await orderDeliveries(eu, trigger, 3003);
		const forged = delivery.body.replace('"quantity":1', '"quantity":9');
		expect(forged).not.toBe(delivery.body);
		const answer = await trigger.deliver({ headers: delivery.headers, body: forged });
		expect(answer).toMatchObject({ status: 401, items: [], body: { error: 'webhook refused', reason: expect.stringMatching(/signature/) } });
	});

	test('a delivery from a shop that is not in the list is refused naming the shop, though it is signed with the same app secret', async () => {
		// The third shop has the same app secret, so only the shop it names tells it apart.
		const subscribe = await fetch(`${shopify.apiBase(other)}/webhooks.json`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'X-Shopify-Access-Token': other.credentials.accessToken },
			body: JSON.stringify({ webhook: { topic: 'orders/create', address: trigger.webhookUrl(), format: 'json' } }),
		});
		expect(subscribe.status).toBe(201);
		const [delivery] = await orderDeliveries(other, trigger, 4005);
		const answer = await deliver(trigger, delivery);
		expect(answer).toMatchObject({ status: 401, items: [], body: { reason: `the delivery comes from a store that is not in the list (X-Shopify-Shop-Domain: ${new URL(other.baseUrl).host})` } });
	});

	test("each delivery is checked with its own shop's secret: a shop whose listed secret is wrong has its deliveries refused, the other's pass", async () => {
		const wrongEuSecret = await orderTrigger('orders-of-two-shops', [shopifyStoreEntry('us', us), shopifyStoreEntry('eu', eu, { webhookSecret: 'not-the-eu-secret' })]);
		Object.assign(wrongEuSecret.staticData(), trigger.staticData());
		const [fromEu] = await orderDeliveries(eu, trigger, 5005);
		expect(await deliver(wrongEuSecret, fromEu)).toMatchObject({ status: 401, items: [] });
		const [fromUs] = await orderDeliveries(us, trigger, 6006);
		expect((await deliver(wrongEuSecret, fromUs)).items).toEqual([expect.objectContaining({ sourceStore: 'shopify@us', orderId: '6006' })]);
	});

	test('unpublishing deletes the webhook on every listed shop', async () => {
		expect(await trigger.hook('delete')).toBe(true);
		expect([await hooksTo(us, trigger), await hooksTo(eu, trigger)]).toEqual([[], []]);
		expect(trigger.staticData().stores).toEqual({});
	});
});

test('a list naming one shop twice is refused on publishing, naming both entries by their labels', async () => {
	const twice = await orderTrigger('orders-of-one-shop-twice', [shopifyStoreEntry('us', us), shopifyStoreEntry('again', us)]);
	await expect(twice.hook('create')).rejects.toThrow("Store 'us' and Store 'again' are the same store");
	expect(await hooksTo(us, twice)).toEqual([]);
});

describe('Order Trigger on a WooCommerce Stores list (each store signs with the secret registered with it)', () => {
	const woocommerce = fixtureOf(inventoryFixtures, 'woocommerce', 'inventory');
	let a: RunningSandbox;
	let b: RunningSandbox;
	let trigger: InProcessTrigger;
	const site = (label: string, sandbox: RunningSandbox) => ({ label, consumerKey: sandbox.credentials.consumerKey, consumerSecret: sandbox.credentials.consumerSecret, baseUrl: woocommerce.apiBase(sandbox) });
	const hooksOf = async (sandbox: RunningSandbox) => (await control(sandbox).state<Array<Record<string, unknown>>>('webhooks')).filter((hook) => hook.delivery_url === trigger.webhookUrl());
	const orderFrom = async (sandbox: RunningSandbox, orderId: number): Promise<WebhookDelivery> => {
		await control(sandbox).emitEvent({ topic: 'order.created', payload: { id: orderId, status: 'processing', line_items: [{ id: orderId * 10, sku: 'MUG', quantity: 2 }] } });
		return (await control(sandbox).webhooks()).deliveries.find((delivery) => delivery.url === trigger.webhookUrl() && JSON.parse(delivery.body).id === orderId)!;
	};

	beforeAll(async () => {
		[a, b] = await Promise.all([startSandbox('woocommerce'), startSandbox('woocommerce')]);
		trigger = await inProcessTrigger(
			{ name: 'Order Trigger', type: `${pkg}.orderTrigger`, webhookId: 'orders-of-two-sites', parameters: { platform: 'woocommerce-list', event: 'created', responseMode: 'onReceived' } },
			{ integrationWooCommerceStoresApi: { stores: { store: [site('a', a), site('b', b)] } } },
		);
	});
	afterAll(async () => {
		await Promise.all([a, b].map((sandbox) => sandbox?.close()));
	});

	test('publishing registers a webhook with a secret of its own on each site; a delivery passes with its own site\'s secret only', async () => {
		expect(await trigger.hook('create')).toBe(true);
		expect([(await hooksOf(a)).length, (await hooksOf(b)).length]).toEqual([1, 1]);
		const registered = trigger.staticData().stores as Record<string, { secret: string }>;
		expect(registered['woocommerce@a'].secret).not.toBe(registered['woocommerce@b'].secret);

		const fromA = await orderFrom(a, 71);
		expect((await deliver(trigger, fromA)).items).toEqual([expect.objectContaining({ platform: 'woocommerce', sourceStore: 'woocommerce@a', orderId: '71' })]);
		const fromB = await orderFrom(b, 72);
		expect((await deliver(trigger, fromB)).items).toEqual([expect.objectContaining({ sourceStore: 'woocommerce@b', orderId: '72' })]);
		// B's delivery presented as A's is checked with A's secret, and refused.
		const asA = await trigger.deliver({ headers: { ...fromB.headers, 'X-WC-Webhook-Source': fromA.headers['X-WC-Webhook-Source'] }, body: fromB.body });
		expect(asA).toMatchObject({ status: 401, items: [], body: { reason: expect.stringMatching(/signature/) } });
	});

	test('unpublishing deletes the webhook on each site', async () => {
		expect(await trigger.hook('delete')).toBe(true);
		expect([await hooksOf(a), await hooksOf(b)]).toEqual([[], []]);
	});
});

describe('Order Poll Trigger on a Magento 2 Stores list', () => {
	let a: RunningSandbox;
	let b: RunningSandbox;
	let poller: InProcessTrigger;
	const place = (sandbox: RunningSandbox, email: string) => control(sandbox).seed({ orders: [{ customer_email: email, items: [{ sku: 'MUG', qty: 1, price: 5 }] }] });
	const store = (label: string, sandbox: RunningSandbox) => ({ label, accessToken: sandbox.credentials.accessToken, sourceCode: sandbox.credentials.sourceCode, baseUrl: `${sandbox.baseUrl}/rest/default` });
	const emails = (items: Array<Record<string, unknown>>) => items.map((item) => `${String(item.sourceStore)} ${String(item.customerEmail)}`).sort();

	beforeAll(async () => {
		[a, b] = await Promise.all([startSandbox('magento'), startSandbox('magento')]);
		await Promise.all([a, b].map((sandbox) => control(sandbox).seed({ sourceItems: [{ sku: 'MUG', quantity: 100 }] })));
		poller = await inProcessTrigger(
			{ name: 'Order Poll Trigger', type: `${pkg}.orderPollTrigger`, parameters: { platform: 'magento-list', event: 'createdOrUpdated', startFrom: 'beginning' } },
			{ integrationMagentoStoresApi: { stores: { store: [store('a', a), store('b', b)] } } },
		);
	});
	afterAll(async () => {
		await Promise.all([a, b].map((sandbox) => sandbox?.close()));
	});

	test('polls every listed store with a cursor of its own and emits each new order once, under its store id', async () => {
		await place(a, 'a1@example.com');
		await place(b, 'b1@example.com');
		expect(emails(await poller.poll())).toEqual(['magento@a a1@example.com', 'magento@b b1@example.com']);
		expect(Object.keys(poller.staticData().cursors as object).sort()).toEqual(['magento@a', 'magento@b']);
		expect(await poller.poll()).toEqual([]);
		await place(b, 'b2@example.com');
		expect(emails(await poller.poll())).toEqual(['magento@b b2@example.com']);
		expect(await poller.poll()).toEqual([]);
	});

	test('a manual test run shows every store\'s latest orders and moves no cursor', async () => {
		const cursors = JSON.stringify(poller.staticData().cursors);
		expect(emails(await poller.poll('manual'))).toEqual(['magento@a a1@example.com', 'magento@b b1@example.com', 'magento@b b2@example.com']);
		expect(JSON.stringify(poller.staticData().cursors)).toBe(cursors);
	});
});
