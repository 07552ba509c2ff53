/**
 * The Order Trigger in the real n8n against the Shopify, WooCommerce and BigCommerce sandboxes: publishing a workflow
 * registers a webhook through each store's own API (the sandbox lists it, with n8n's URL and the event's topic);
 * an event the store delivers twice with the same delivery id starts one execution carrying the order; a forged
 * delivery, and a signed one whose body is no JSON, are answered 401 and start none; an event of another kind on the
 * same topic (a WooCommerce order.updated that is no cancellation) starts none; unpublishing deletes the webhook.
 */
import { createHmac } from 'node:crypto';

import { describeTriggerLifecycle, post, useTriggerEnvironment, waitFor, type TriggerCase } from '../harness/vendorTrigger';
import { bigCommerceStoreHash } from '../sandbox/bigcommerce';
import type { RunningSandbox } from '../sandbox/registry';
import { shopifyApiVersion } from '../sandbox/shopify';

jest.setTimeout(600_000);

type Platform = 'shopify' | 'woocommerce' | 'bigcommerce';

const cases: Array<TriggerCase<Platform>> = [
	{
		platform: 'shopify',
		event: 'created',
		credentialType: 'integrationShopifyApi',
		collection: 'webhooks',
		hookUrl: (hook) => hook.address,
		hookTopics: (hook) => [hook.topic],
		topic: 'orders/create',
		emitTwice: { topic: 'orders/create', payload: { id: 5123456789012, name: '#1001', line_items: [{ id: 1, sku: 'TEE-1', quantity: 2 }] }, times: 2 },
		subjectId: '5123456789012',
		forged: { headers: { 'X-Shopify-Topic': 'orders/create', 'X-Shopify-Webhook-Id': 'forged-1', 'X-Shopify-Hmac-Sha256': createHmac('sha256', 'not-the-app-secret').update('{"id":1}').digest('base64') }, body: '{"id":1}' },
	},
	{
		platform: 'woocommerce',
		event: 'cancelled',
		credentialType: 'integrationWooCommerceApi',
		collection: 'webhooks',
		hookUrl: (hook) => hook.delivery_url,
		hookTopics: (hook) => [hook.topic],
		topic: 'order.updated',
		emitTwice: { topic: 'order.updated', payload: { id: 4711, status: 'cancelled', line_items: [] }, times: 2 },
		subjectId: '4711',
		forged: { headers: { 'X-WC-Webhook-Topic': 'order.updated', 'X-WC-Webhook-Delivery-ID': 'forged-2', 'X-WC-Webhook-Signature': createHmac('sha256', 'guessed').update('{"id":2,"status":"cancelled"}').digest('base64') }, body: '{"id":2,"status":"cancelled"}' },
	},
	{
		platform: 'bigcommerce',
		event: 'refunded',
		credentialType: 'integrationBigCommerceApi',
		collection: 'hooks',
		hookUrl: (hook) => hook.destination,
		hookTopics: (hook) => [hook.scope],
		topic: 'store/order/refund/created',
		emitTwice: { scope: 'store/order/refund/created', orderId: 250, times: 2 },
		subjectId: '250',
		forged: { headers: { 'x-integration-webhook-secret': 'guessed' }, body: JSON.stringify({ scope: 'store/order/refund/created', data: { type: 'order', id: 9 }, hash: 'forged-3' }) },
	},
];

const apiBase: Record<Platform, (sandbox: RunningSandbox) => string> = {
	shopify: (sandbox) => `${sandbox.baseUrl}/admin/api/${shopifyApiVersion}`,
	woocommerce: (sandbox) => `${sandbox.baseUrl}/wp-json/wc/v3`,
	bigcommerce: (sandbox) => `${sandbox.baseUrl}/stores/${bigCommerceStoreHash}/v3`,
};

const env = useTriggerEnvironment<Platform>(
	{ displayName: 'Order Trigger', type: 'orderTrigger', webhookPrefix: 'order-trigger', subject: 'order', vendor: 'store' },
	['shopify', 'woocommerce', 'bigcommerce'],
	({ shopify, woocommerce, bigcommerce }) => ({
		integrationShopifyApi: {
			name: 'Shopify Store',
			data: { accessToken: shopify.credentials.accessToken, baseUrl: apiBase.shopify(shopify), locationId: shopify.credentials.locationId, webhookSecret: shopify.credentials.webhookSecret },
		},
		integrationWooCommerceApi: {
			name: 'WooCommerce Store',
			data: { consumerKey: woocommerce.credentials.consumerKey, consumerSecret: woocommerce.credentials.consumerSecret, baseUrl: apiBase.woocommerce(woocommerce) },
		},
		integrationBigCommerceApi: { name: 'BigCommerce Store', data: { accessToken: bigcommerce.credentials.accessToken, baseUrl: apiBase.bigcommerce(bigcommerce), locationId: 1 } },
	}),
);

describeTriggerLifecycle(env, cases);

describe('deliveries that are authentic but start nothing, or are not JSON', () => {
	it('a Shopify body signed with the app secret that is not JSON starts nothing: refused by n8n (422) as JSON, by the trigger (401) otherwise', async () => {
		const test = cases[0];
		const workflowId = await env.n8n.importWorkflow({ ...env.triggerWorkflow(test), name: 'Order Trigger malformed' });
		await env.n8n.activate(workflowId);
		const [hook] = await env.registered(test);
		const body = '{"id": 1,';
		const signature = createHmac('sha256', env.sandboxes.shopify.credentials.webhookSecret).update(body).digest('base64');
		const headers = { 'X-Shopify-Topic': 'orders/create', 'X-Shopify-Webhook-Id': 'malformed-1', 'X-Shopify-Hmac-Sha256': signature };
		// n8n's body parser refuses a JSON content type it cannot parse before the trigger runs.
		expect(await post(String(test.hookUrl(hook)), headers, body)).toBe(422);
		expect(await post(String(test.hookUrl(hook)), headers, body, 'text/plain')).toBe(401);
		expect(await env.n8n.executions(workflowId)).toHaveLength(0);
		await env.n8n.api('POST', `/workflows/${workflowId}/deactivate`);
	});

	it('a WooCommerce order.updated that is no cancellation starts no cancellation trigger', async () => {
		const test = cases[1];
		const workflowId = await env.n8n.importWorkflow({ ...env.triggerWorkflow(test), name: 'Order Trigger other status' });
		await env.n8n.activate(workflowId);
		await env.controls.woocommerce.emitEvent({ topic: 'order.updated', payload: { id: 4712, status: 'completed', line_items: [] } });
		const [hook] = await env.registered(test);
		const deliveries = (await env.controls.woocommerce.webhooks()).deliveries.filter((delivery) => delivery.url === test.hookUrl(hook) && delivery.body.includes('4712'));
		expect(deliveries.map((delivery) => delivery.status)).toEqual([200]);
		expect(JSON.parse(deliveries[0].response ?? '{}')).toMatchObject({ started: false, reason: expect.stringMatching(/is not cancelled/) });
		expect(await env.n8n.executions(workflowId)).toHaveLength(0);
		await env.n8n.api('POST', `/workflows/${workflowId}/deactivate`);
	});

	it('with Respond When Last Node Finishes, a failed workflow is answered 500 and the redelivery starts it again, with the same delivery id', async () => {
		const test = cases[0];
		const workflow = env.triggerWorkflow(test);
		workflow.name = 'Order Trigger answered by the workflow';
		workflow.nodes[0].parameters = { ...workflow.nodes[0].parameters, responseMode: 'lastNode' };
		// A step that fails, as recording the order would when the state store is down.
		workflow.nodes.push({ name: 'Record Fails', type: 'n8n-nodes-base.stopAndError', typeVersion: 1, position: [300, 0], parameters: { errorMessage: 'could not record the order' } });
		workflow.connections = { 'Order Trigger': { main: [[{ node: 'Record Fails', type: 'main', index: 0 }]] } };
		const workflowId = await env.n8n.importWorkflow(workflow);
		await env.n8n.activate(workflowId);
		const [hook] = await env.registered(test);
		await env.controls.shopify.emitEvent({ topic: 'orders/create', payload: { id: 6000000000001, line_items: [] }, times: 1 });
		const [first] = (await env.controls.shopify.webhooks()).deliveries.filter((delivery) => delivery.url === test.hookUrl(hook) && delivery.body.includes('6000000000001'));
		// The answer waits for the workflow's end: 500, or no status when the sandbox stopped waiting after its 10 s (the
		// run is late on a loaded machine, or waits for a queue-mode worker).
		expect([500, null]).toContain(first.status);
		// Shopify's redelivery (the same signed delivery) sent here without that 10 s limit: answered 500 when the run fails.
		expect(await post(first.url, first.headers, first.body)).toBe(500);
		const runs = await waitFor('executions', () => env.n8n.executions(workflowId), (found) => found.length === 2 && found.every((run) => run.status === 'error'));
		const ids = runs.map((run) => (run.outputs['Order Trigger']?.[0]?.[0] as { json: { deliveryId: string } }).json.deliveryId);
		expect(ids[0]).toBe(ids[1]);
		await env.n8n.api('POST', `/workflows/${workflowId}/deactivate`);
	});
});
