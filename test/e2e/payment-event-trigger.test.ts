/**
 * The Payment Event Trigger in the real n8n against the Stripe, Square and PayPal sandboxes (PayPal's deliveries checked
 * through its verify-webhook-signature API): publishing a workflow creates a
 * webhook endpoint (Stripe) or subscription (Square) through the processor's API, keeping the signing secret the
 * processor issues; an event delivered twice with the same id starts one execution carrying the payment; a forged
 * delivery, and a genuine Stripe one signed more than 300 s ago, are answered 401 and start none; a Square
 * payment.updated to another status starts no "failed" trigger; unpublishing deletes the webhook.
 */
import { createHmac } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';

import { packPackage, startN8n, type N8nServer } from '../harness/n8nServer';
import type { WorkflowJson } from '../harness/workflowJson';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';

jest.setTimeout(600_000);

const pkg = 'n8n-nodes-integration-automation';
type Platform = 'stripe' | 'square' | 'paypal';

interface Case {
	platform: Platform;
	event: string;
	credentialType: string;
	collection: string;
	hookUrl: (hook: Record<string, unknown>) => unknown;
	hookTopics: (hook: Record<string, unknown>) => unknown;
	topic: string;
	emitTwice: Record<string, unknown>;
	paymentId: string;
	forged: { headers: Record<string, string>; body: string };
}

const stripeForgedBody = JSON.stringify({ id: 'evt_forged', type: 'payment_intent.succeeded', data: { object: { id: 'pi_forged', object: 'payment_intent' } } });
const stripeStamp = Math.floor(Date.now() / 1000);

const cases: Case[] = [
	{
		platform: 'stripe',
		event: 'succeeded',
		credentialType: 'integrationStripeApi',
		collection: 'webhook_endpoints',
		hookUrl: (hook) => hook.url,
		hookTopics: (hook) => hook.enabled_events,
		topic: 'payment_intent.succeeded',
		emitTwice: { type: 'payment_intent.succeeded', object: { id: 'pi_e2e_1', object: 'payment_intent', amount: 2500, currency: 'usd', status: 'succeeded' }, times: 2 },
		paymentId: 'pi_e2e_1',
		forged: { headers: { 'Stripe-Signature': `t=${stripeStamp},v1=${createHmac('sha256', 'whsec_guessed').update(`${stripeStamp}.${stripeForgedBody}`).digest('hex')}` }, body: stripeForgedBody },
	},
	{
		platform: 'square',
		event: 'failed',
		credentialType: 'integrationSquareApi',
		collection: 'subscriptions',
		hookUrl: (hook) => hook.notification_url,
		hookTopics: (hook) => hook.event_types,
		topic: 'payment.updated',
		emitTwice: { type: 'payment.updated', payload: { merchant_id: 'MSANDBOX', type: 'payment.updated', event_id: 'e2e-square-1', created_at: new Date().toISOString(), data: { type: 'payment', id: 'sq_pay_1', object: { payment: { id: 'sq_pay_1', status: 'FAILED' } } } }, times: 2 },
		paymentId: 'sq_pay_1',
		forged: { headers: { 'x-square-hmacsha256-signature': 'bm90LWEtc2lnbmF0dXJl' }, body: JSON.stringify({ type: 'payment.updated', event_id: 'forged', data: { object: { payment: { id: 'x', status: 'FAILED' } } } }) },
	},
	{
		platform: 'paypal',
		event: 'refunded',
		credentialType: 'integrationPayPalApi',
		collection: 'webhooks',
		hookUrl: (hook) => hook.url,
		hookTopics: (hook) => (hook.event_types as Array<{ name: string }>).map((type) => type.name),
		topic: 'PAYMENT.CAPTURE.REFUNDED',
		emitTwice: { event_type: 'PAYMENT.CAPTURE.REFUNDED', resource: { id: 'REFUND-E2E-1', status: 'COMPLETED' }, times: 2 },
		paymentId: 'REFUND-E2E-1',
		forged: {
			headers: { 'paypal-transmission-id': 'forged', 'paypal-transmission-time': new Date().toISOString(), 'paypal-transmission-sig': 'Zm9yZ2Vk', 'paypal-auth-algo': 'SHA256withRSA', 'paypal-cert-url': 'https://example.com/cert' },
			body: JSON.stringify({ id: 'WH-FORGED', event_type: 'PAYMENT.CAPTURE.REFUNDED', resource: { id: 'x' } }),
		},
	},
];

let n8n: N8nServer;
let packageTarball: string;
const sandboxes = {} as Record<Platform, RunningSandbox>;
const controls = {} as Record<Platform, SandboxControl>;
const credentialIds = {} as Record<string, string>;

beforeAll(async () => {
	for (const platform of ['stripe', 'square', 'paypal'] as const) {
		sandboxes[platform] = await startSandbox(platform);
		controls[platform] = new SandboxControl(sandboxes[platform].baseUrl);
	}
	packageTarball = await packPackage();
	n8n = await startN8n({ packageTarball });
	credentialIds.integrationStripeApi = await n8n.createCredential('integrationStripeApi', 'Stripe', { secretKey: sandboxes.stripe.credentials.secretKey, baseUrl: sandboxes.stripe.baseUrl });
	credentialIds.integrationSquareApi = await n8n.createCredential('integrationSquareApi', 'Square', { accessToken: sandboxes.square.credentials.accessToken, baseUrl: sandboxes.square.baseUrl });
	credentialIds.integrationPayPalApi = await n8n.createCredential('integrationPayPalApi', 'PayPal', { clientId: sandboxes.paypal.credentials.clientId, clientSecret: sandboxes.paypal.credentials.clientSecret, baseUrl: sandboxes.paypal.baseUrl });
});

afterAll(async () => {
	await n8n?.stop();
	if (packageTarball) rmSync(path.dirname(packageTarball), { recursive: true, force: true });
	await Promise.all(Object.values(sandboxes).map((sandbox) => sandbox.close()));
});

function triggerWorkflow(test: Case, name = `Payment Event Trigger ${test.platform} ${test.event}`): WorkflowJson {
	return {
		name,
		nodes: [
			{
				name: 'Payment Event Trigger',
				type: `${pkg}.paymentEventTrigger`,
				typeVersion: 1,
				position: [0, 0],
				webhookId: `payment-trigger-${test.platform}`,
				parameters: { platform: test.platform, event: test.event },
				credentials: { [test.credentialType]: { id: credentialIds[test.credentialType], name: 'processor' } },
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

async function post(url: string, headers: Record<string, string>, body: string): Promise<number> {
	const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
	await response.arrayBuffer();
	return response.status;
}

const deliveriesTo = async (platform: Platform, url: string) => (await controls[platform].webhooks()).deliveries.filter((delivery) => delivery.url === url);

describe.each(cases)('Payment Event Trigger on $platform (payment $event)', (test) => {
	let workflowId: string;
	let hookUrl: string;

	it('registers its webhook with the processor when the workflow is published', async () => {
		workflowId = await n8n.importWorkflow(triggerWorkflow(test));
		expect(await registered(test)).toEqual([]);
		await n8n.activate(workflowId);
		const hooks = await registered(test);
		expect(hooks).toHaveLength(1);
		expect(test.hookTopics(hooks[0])).toEqual([test.topic]);
		hookUrl = String(test.hookUrl(hooks[0]));
		expect(hookUrl).toContain(`/webhook/payment-trigger-${test.platform}/`);
	});

	it('starts one execution for an event the processor delivers twice', async () => {
		await controls[test.platform].emitEvent(test.emitTwice);
		const deliveries = await deliveriesTo(test.platform, hookUrl);
		expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200]);
		const skipped = deliveries.filter((delivery) => /"started":false/.test(delivery.response ?? ''));
		expect(skipped).toHaveLength(1);
		expect(JSON.parse(skipped[0].response as string)).toMatchObject({ started: false, reason: expect.stringMatching(/already received/) });
		const execution = await n8n.waitForExecution(workflowId);
		const item = (execution.outputs['Payment Event Trigger']?.[0]?.[0] as { json?: Record<string, unknown> } | undefined)?.json;
		expect(item).toMatchObject({ platform: test.platform, event: test.event, topic: test.topic, paymentId: test.paymentId });
		expect(await n8n.executions(workflowId)).toHaveLength(1);
	});

	it('answers a forged delivery 401 and starts nothing', async () => {
		expect(await post(hookUrl, test.forged.headers, test.forged.body)).toBe(401);
		expect(await n8n.executions(workflowId)).toHaveLength(1);
	});

	if (test.platform === 'stripe') {
		it('answers a genuine Stripe delivery signed 10 minutes ago 401 (tolerance 300 s) and starts nothing', async () => {
			await controls.stripe.emitEvent({ type: 'payment_intent.succeeded', object: { id: 'pi_e2e_stale', object: 'payment_intent' }, ageSeconds: 600 });
			const stale = (await deliveriesTo('stripe', hookUrl)).filter((delivery) => delivery.body.includes('pi_e2e_stale'));
			expect(stale.map((delivery) => delivery.status)).toEqual([401]);
			expect(await n8n.executions(workflowId)).toHaveLength(1);
		});
	}

	if (test.platform === 'square') {
		it('a payment.updated to another status starts no "failed" trigger', async () => {
			await controls.square.emitEvent({ type: 'payment.updated', status: 'COMPLETED' });
			const other = (await deliveriesTo('square', hookUrl)).filter((delivery) => delivery.body.includes('COMPLETED'));
			expect(other.map((delivery) => delivery.status)).toEqual([200]);
			expect(JSON.parse(other[0].response ?? '{}')).toMatchObject({ started: false, reason: expect.stringMatching(/is not failed/) });
			expect(await n8n.executions(workflowId)).toHaveLength(1);
		});
	}

	it('unregisters its webhook when the workflow is unpublished', async () => {
		await n8n.api('POST', `/workflows/${workflowId}/deactivate`);
		await waitFor('webhooks left after unpublishing', () => registered(test), (hooks) => hooks.length === 0);
	});
});
