/**
 * The Order Trigger in the real n8n against the Shopify, WooCommerce and BigCommerce sandboxes: publishing a workflow
 * registers a webhook through each store's own API (the sandbox lists it, with n8n's URL and the event's topic);
 * an event the store delivers twice with the same delivery id starts one execution carrying the order; a forged
 * delivery, and a signed one whose body is no JSON, are answered 401 and start none; an event of another kind on the
 * same topic (a WooCommerce order.updated that is no cancellation) starts none; unpublishing deletes the webhook.
 */
import { createHmac } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';

import { packPackage, startN8n, type N8nServer } from '../harness/n8nServer';
import type { WorkflowJson } from '../harness/workflowJson';
import { bigCommerceStoreHash } from '../sandbox/bigcommerce';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { shopifyApiVersion } from '../sandbox/shopify';

jest.setTimeout(600_000);

const pkg = 'n8n-nodes-integration-automation';
type Platform = 'shopify' | 'woocommerce' | 'bigcommerce';

interface Case {
	platform: Platform;
	event: string;
	credentialType: string;
	/** The sandbox collection listing registered webhooks, and how one names its URL and topic. */
	collection: string;
	hookUrl: (hook: Record<string, unknown>) => unknown;
	hookTopic: (hook: Record<string, unknown>) => unknown;
	topic: string;
	/** The store emitting one event of the trigger's kind, delivered twice with the same delivery id. */
	emitTwice: Record<string, unknown>;
	/** The order id the execution must carry. */
	orderId: string;
	/** A delivery no store signed. */
	forged: { headers: Record<string, string>; body: string };
}

const cases: Case[] = [
	{
		platform: 'shopify',
		event: 'created',
		credentialType: 'integrationShopifyApi',
		collection: 'webhooks',
		hookUrl: (hook) => hook.address,
		hookTopic: (hook) => hook.topic,
		topic: 'orders/create',
		emitTwice: { topic: 'orders/create', payload: { id: 5123456789012, name: '#1001', line_items: [{ id: 1, sku: 'TEE-1', quantity: 2 }] }, times: 2 },
		orderId: '5123456789012',
		forged: { headers: { 'X-Shopify-Topic': 'orders/create', 'X-Shopify-Webhook-Id': 'forged-1', 'X-Shopify-Hmac-Sha256': createHmac('sha256', 'not-the-app-secret').update('{"id":1}').digest('base64') }, body: '{"id":1}' },
	},
	{
		platform: 'woocommerce',
		event: 'cancelled',
		credentialType: 'integrationWooCommerceApi',
		collection: 'webhooks',
		hookUrl: (hook) => hook.delivery_url,
		hookTopic: (hook) => hook.topic,
		topic: 'order.updated',
		emitTwice: { topic: 'order.updated', payload: { id: 4711, status: 'cancelled', line_items: [] }, times: 2 },
		orderId: '4711',
		forged: { headers: { 'X-WC-Webhook-Topic': 'order.updated', 'X-WC-Webhook-Delivery-ID': 'forged-2', 'X-WC-Webhook-Signature': createHmac('sha256', 'guessed').update('{"id":2,"status":"cancelled"}').digest('base64') }, body: '{"id":2,"status":"cancelled"}' },
	},
	{
		platform: 'bigcommerce',
		event: 'refunded',
		credentialType: 'integrationBigCommerceApi',
		collection: 'hooks',
		hookUrl: (hook) => hook.destination,
		hookTopic: (hook) => hook.scope,
		topic: 'store/order/refund/created',
		emitTwice: { scope: 'store/order/refund/created', orderId: 250, times: 2 },
		orderId: '250',
		forged: { headers: { 'x-integration-webhook-secret': 'guessed' }, body: JSON.stringify({ scope: 'store/order/refund/created', data: { type: 'order', id: 9 }, hash: 'forged-3' }) },
	},
];

let n8n: N8nServer;
let packageTarball: string;
const sandboxes = {} as Record<Platform, RunningSandbox>;
const controls = {} as Record<Platform, SandboxControl>;
const credentialIds = {} as Record<string, string>;

const apiBase: Record<Platform, (sandbox: RunningSandbox) => string> = {
	shopify: (sandbox) => `${sandbox.baseUrl}/admin/api/${shopifyApiVersion}`,
	woocommerce: (sandbox) => `${sandbox.baseUrl}/wp-json/wc/v3`,
	bigcommerce: (sandbox) => `${sandbox.baseUrl}/stores/${bigCommerceStoreHash}/v3`,
};

beforeAll(async () => {
	for (const platform of ['shopify', 'woocommerce', 'bigcommerce'] as const) {
		sandboxes[platform] = await startSandbox(platform);
		controls[platform] = new SandboxControl(sandboxes[platform].baseUrl);
	}
	packageTarball = await packPackage();
	n8n = await startN8n({ packageTarball });
	const { shopify, woocommerce, bigcommerce } = sandboxes;
	credentialIds.integrationShopifyApi = await n8n.createCredential('integrationShopifyApi', 'Shopify Store', {
		accessToken: shopify.credentials.accessToken,
		baseUrl: apiBase.shopify(shopify),
		locationId: shopify.credentials.locationId,
		webhookSecret: shopify.credentials.webhookSecret,
	});
	credentialIds.integrationWooCommerceApi = await n8n.createCredential('integrationWooCommerceApi', 'WooCommerce Store', {
		consumerKey: woocommerce.credentials.consumerKey,
		consumerSecret: woocommerce.credentials.consumerSecret,
		baseUrl: apiBase.woocommerce(woocommerce),
	});
	credentialIds.integrationBigCommerceApi = await n8n.createCredential('integrationBigCommerceApi', 'BigCommerce Store', {
		accessToken: bigcommerce.credentials.accessToken,
		baseUrl: apiBase.bigcommerce(bigcommerce),
		locationId: 1,
	});
});

afterAll(async () => {
	await n8n?.stop();
	if (packageTarball) rmSync(path.dirname(packageTarball), { recursive: true, force: true });
	await Promise.all(Object.values(sandboxes).map((sandbox) => sandbox.close()));
});

function triggerWorkflow(test: Case): WorkflowJson {
	return {
		name: `Order Trigger ${test.platform} ${test.event}`,
		nodes: [
			{
				name: 'Order Trigger',
				type: `${pkg}.orderTrigger`,
				typeVersion: 1,
				position: [0, 0],
				webhookId: `order-trigger-${test.platform}`,
				parameters: { platform: test.platform, event: test.event },
				credentials: { [test.credentialType]: { id: credentialIds[test.credentialType], name: 'store' } },
			},
		],
		connections: {},
	};
}

const registered = async (test: Case) => (await controls[test.platform].state<Array<Record<string, unknown>>>(test.collection)).filter((hook) => String(test.hookUrl(hook)).startsWith(n8n.baseUrl));

async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
	const deadline = Date.now() + 30_000;
	for (;;) {
		const value = await read();
		if (done(value)) return value;
		if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

async function post(url: string, headers: Record<string, string>, body: string, contentType = 'application/json'): Promise<number> {
	const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
	await response.arrayBuffer();
	return response.status;
}

describe.each(cases)('Order Trigger on $platform (order $event)', (test) => {
	let workflowId: string;
	let hookUrl: string;

	it('registers its webhook with the store when the workflow is published', async () => {
		workflowId = await n8n.importWorkflow(triggerWorkflow(test));
		expect(await registered(test)).toEqual([]);
		await n8n.activate(workflowId);
		const hooks = await registered(test);
		expect(hooks).toHaveLength(1);
		expect(test.hookTopic(hooks[0])).toBe(test.topic);
		hookUrl = String(test.hookUrl(hooks[0]));
		expect(hookUrl).toContain(`/webhook/order-trigger-${test.platform}/`);
	});

	it('starts one execution for an event the store delivers twice', async () => {
		await controls[test.platform].emitEvent(test.emitTwice);
		const deliveries = (await controls[test.platform].webhooks()).deliveries.filter((delivery) => delivery.url === hookUrl);
		expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200]);
		// Each answer says what became of its delivery: one started the workflow, the other (the same delivery id) nothing.
		const skipped = deliveries.filter((delivery) => /"started":false/.test(delivery.response ?? ''));
		expect(skipped).toHaveLength(1);
		expect(JSON.parse(skipped[0].response as string)).toMatchObject({ started: false, reason: expect.stringMatching(/already received/) });
		const execution = await n8n.waitForExecution(workflowId);
		const item = (execution.outputs['Order Trigger']?.[0]?.[0] as { json?: Record<string, unknown> } | undefined)?.json;
		expect(item).toMatchObject({ platform: test.platform, event: test.event, topic: test.topic, orderId: test.orderId });
		expect(await n8n.executions(workflowId)).toHaveLength(1);
	});

	it('answers a forged delivery 401 and starts nothing', async () => {
		expect(await post(hookUrl, test.forged.headers, test.forged.body)).toBe(401);
		expect(await n8n.executions(workflowId)).toHaveLength(1);
	});

	it('unregisters its webhook when the workflow is unpublished', async () => {
		await n8n.api('POST', `/workflows/${workflowId}/deactivate`);
		await waitFor('webhooks left after unpublishing', () => registered(test), (hooks) => hooks.length === 0);
	});
});

describe('deliveries that are authentic but start nothing, or are not JSON', () => {
	it('a Shopify body signed with the app secret that is not JSON starts nothing: refused by n8n (422) as JSON, by the trigger (401) otherwise', async () => {
		const test = cases[0];
		const workflowId = await n8n.importWorkflow({ ...triggerWorkflow(test), name: 'Order Trigger malformed' });
		await n8n.activate(workflowId);
		const [hook] = await registered(test);
		const body = '{"id": 1,';
		const signature = createHmac('sha256', sandboxes.shopify.credentials.webhookSecret).update(body).digest('base64');
		const headers = { 'X-Shopify-Topic': 'orders/create', 'X-Shopify-Webhook-Id': 'malformed-1', 'X-Shopify-Hmac-Sha256': signature };
		// n8n's body parser refuses a JSON content type it cannot parse before the trigger runs.
		expect(await post(String(test.hookUrl(hook)), headers, body)).toBe(422);
		expect(await post(String(test.hookUrl(hook)), headers, body, 'text/plain')).toBe(401);
		expect(await n8n.executions(workflowId)).toHaveLength(0);
		await n8n.api('POST', `/workflows/${workflowId}/deactivate`);
	});

	it('a WooCommerce order.updated that is no cancellation starts no cancellation trigger', async () => {
		const test = cases[1];
		const workflowId = await n8n.importWorkflow({ ...triggerWorkflow(test), name: 'Order Trigger other status' });
		await n8n.activate(workflowId);
		await controls.woocommerce.emitEvent({ topic: 'order.updated', payload: { id: 4712, status: 'completed', line_items: [] } });
		const [hook] = await registered(test);
		const deliveries = (await controls.woocommerce.webhooks()).deliveries.filter((delivery) => delivery.url === test.hookUrl(hook) && delivery.body.includes('4712'));
		expect(deliveries.map((delivery) => delivery.status)).toEqual([200]);
		expect(JSON.parse(deliveries[0].response ?? '{}')).toMatchObject({ started: false, reason: expect.stringMatching(/is not cancelled/) });
		expect(await n8n.executions(workflowId)).toHaveLength(0);
		await n8n.api('POST', `/workflows/${workflowId}/deactivate`);
	});

	it('with Respond When Last Node Finishes, a failed workflow is answered 500 and the redelivery starts it again, with the same delivery id', async () => {
		const test = cases[0];
		const workflow = triggerWorkflow(test);
		workflow.name = 'Order Trigger answered by the workflow';
		workflow.nodes[0].parameters = { ...workflow.nodes[0].parameters, responseMode: 'lastNode' };
		// A step that fails, as recording the order would when the state store is down.
		workflow.nodes.push({ name: 'Record Fails', type: 'n8n-nodes-base.stopAndError', typeVersion: 1, position: [300, 0], parameters: { errorMessage: 'could not record the order' } });
		workflow.connections = { 'Order Trigger': { main: [[{ node: 'Record Fails', type: 'main', index: 0 }]] } };
		const workflowId = await n8n.importWorkflow(workflow);
		await n8n.activate(workflowId);
		const [hook] = await registered(test);
		await controls.shopify.emitEvent({ topic: 'orders/create', payload: { id: 6000000000001, line_items: [] }, times: 2 });
		const deliveries = (await controls.shopify.webhooks()).deliveries.filter((delivery) => delivery.url === test.hookUrl(hook) && delivery.body.includes('6000000000001'));
		expect(deliveries.map((delivery) => delivery.status)).toEqual([500, 500]);
		const runs = await waitFor('executions', () => n8n.executions(workflowId), (found) => found.length === 2 && found.every((run) => run.status === 'error'));
		const ids = runs.map((run) => (run.outputs['Order Trigger']?.[0]?.[0] as { json: { deliveryId: string } }).json.deliveryId);
		expect(ids[0]).toBe(ids[1]);
		await n8n.api('POST', `/workflows/${workflowId}/deactivate`);
	});
});
