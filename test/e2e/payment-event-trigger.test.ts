/**
 * The Payment Event Trigger in the real n8n against the Stripe, Square and PayPal sandboxes (PayPal's deliveries checked
 * through its verify-webhook-signature API): publishing a workflow creates a
 * webhook endpoint (Stripe) or subscription (Square) through the processor's API, keeping the signing secret the
 * processor issues; an event delivered twice with the same id starts one execution carrying the payment; a forged
 * delivery, and a genuine Stripe one signed more than 300 s ago, are answered 401 and start none; a Square
 * payment.updated to another status starts no "failed" trigger; unpublishing deletes the webhook.
 */
import { createHmac } from 'node:crypto';

import { describeTriggerLifecycle, post, useTriggerEnvironment, waitFor, type TriggerCase } from '../harness/vendorTrigger';

jest.setTimeout(600_000);

type Platform = 'stripe' | 'square' | 'paypal' | 'braintree';

const stripeForgedBody = JSON.stringify({ id: 'evt_forged', type: 'payment_intent.succeeded', data: { object: { id: 'pi_forged', object: 'payment_intent' } } });
const stripeStamp = Math.floor(Date.now() / 1000);

const cases: Array<TriggerCase<Platform>> = [
	{
		platform: 'stripe',
		event: 'succeeded',
		credentialType: 'integrationStripeApi',
		collection: 'webhook_endpoints',
		hookUrl: (hook) => hook.url,
		hookTopics: (hook) => hook.enabled_events,
		topic: 'payment_intent.succeeded',
		emitTwice: { type: 'payment_intent.succeeded', object: { id: 'pi_e2e_1', object: 'payment_intent', amount: 2500, currency: 'usd', status: 'succeeded' }, times: 2 },
		subjectId: 'pi_e2e_1',
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
		subjectId: 'sq_pay_1',
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
		subjectId: 'REFUND-E2E-1',
		forged: {
			headers: { 'paypal-transmission-id': 'forged', 'paypal-transmission-time': new Date().toISOString(), 'paypal-transmission-sig': 'Zm9yZ2Vk', 'paypal-auth-algo': 'SHA256withRSA', 'paypal-cert-url': 'https://example.com/cert' },
			body: JSON.stringify({ id: 'WH-FORGED', event_type: 'PAYMENT.CAPTURE.REFUNDED', resource: { id: 'x' } }),
		},
	},
];

const env = useTriggerEnvironment<Platform>(
	{ displayName: 'Payment Event Trigger', type: 'paymentEventTrigger', webhookPrefix: 'payment-trigger', subject: 'payment', vendor: 'processor' },
	['stripe', 'square', 'paypal', 'braintree'],
	({ stripe, square, paypal, braintree }) => ({
		integrationStripeApi: { name: 'Stripe', data: { secretKey: stripe.credentials.secretKey, baseUrl: stripe.baseUrl } },
		integrationSquareApi: { name: 'Square', data: { accessToken: square.credentials.accessToken, baseUrl: square.baseUrl } },
		integrationPayPalApi: { name: 'PayPal', data: { clientId: paypal.credentials.clientId, clientSecret: paypal.credentials.clientSecret, baseUrl: paypal.baseUrl } },
		integrationBraintreeApi: { name: 'Braintree', data: { publicKey: braintree.credentials.publicKey, privateKey: braintree.credentials.privateKey, baseUrl: braintree.baseUrl } },
	}),
);

describeTriggerLifecycle(env, cases, (test, published) => {
	if (test.platform === 'stripe') {
		it('answers a genuine Stripe delivery signed 10 minutes ago 401 (tolerance 300 s) and starts nothing', async () => {
			await env.controls.stripe.emitEvent({ type: 'payment_intent.succeeded', object: { id: 'pi_e2e_stale', object: 'payment_intent' }, ageSeconds: 600 });
			const stale = (await env.deliveriesTo('stripe', published.hookUrl())).filter((delivery) => delivery.body.includes('pi_e2e_stale'));
			expect(stale.map((delivery) => delivery.status)).toEqual([401]);
			expect(await env.n8n.executions(published.workflowId())).toHaveLength(1);
		});
	}

	if (test.platform === 'square') {
		it('a payment.updated to another status starts no "failed" trigger', async () => {
			await env.controls.square.emitEvent({ type: 'payment.updated', status: 'COMPLETED' });
			const other = (await env.deliveriesTo('square', published.hookUrl())).filter((delivery) => delivery.body.includes('COMPLETED'));
			expect(other.map((delivery) => delivery.status)).toEqual([200]);
			expect(JSON.parse(other[0].response ?? '{}')).toMatchObject({ started: false, reason: expect.stringMatching(/is not failed/) });
			expect(await env.n8n.executions(published.workflowId())).toHaveLength(1);
		});
	}
});

describe('Payment Event Trigger on braintree (succeeded, set up in the Control Panel)', () => {
	let workflowId: string;
	let hookUrl: string;
	const test = { platform: 'braintree', event: 'succeeded', credentialType: 'integrationBraintreeApi' } as TriggerCase<Platform>;

	async function settle(orderId: string): Promise<string> {
		const { baseUrl, credentials } = env.sandboxes.braintree;
		const response = await fetch(`${baseUrl}/graphql`, {
			method: 'POST',
			headers: { authorization: `Basic ${Buffer.from(`${credentials.publicKey}:${credentials.privateKey}`).toString('base64')}`, 'braintree-version': '2019-01-01', 'content-type': 'application/json' },
			body: JSON.stringify({
				query: 'mutation Charge($input: ChargePaymentMethodInput!) { chargePaymentMethod(input: $input) { transaction { id legacyId } } }',
				variables: { input: { paymentMethodId: 'fake-valid-nonce', transaction: { amount: '12.50', orderId } } },
			}),
		});
		const transaction = ((await response.json()) as { data: { chargePaymentMethod: { transaction: { id: string; legacyId: string } } } }).data.chargePaymentMethod.transaction;
		await env.controls.braintree.emitEvent({ kind: 'transaction_settled', transactionId: transaction.legacyId ?? transaction.id });
		return transaction.legacyId ?? transaction.id;
	}

	it('publishes without calling Braintree: the URL goes into the Control Panel', async () => {
		workflowId = await env.n8n.importWorkflow(env.triggerWorkflow(test));
		await env.n8n.activate(workflowId);
		hookUrl = `${env.n8n.webhookBaseUrl}/webhook/payment-trigger-braintree/webhook`;
		// What the user does in the Control Panel; Braintree signs with the API keys, so the target's secret is unused.
		await env.controls.braintree.registerWebhook(hookUrl, 'unused');
	});

	it('starts one execution for a settled transaction, and none when Braintree sends the same notification again', async () => {
		const transactionId = await settle('bt-e2e-1');
		const [first] = await waitFor('the notification', () => env.deliveriesTo('braintree', hookUrl), (found) => found.length === 1);
		// Not refused: 200, or no status when the sandbox stopped waiting after its 10 s (n8n busy on a loaded machine); the
		// execution below proves it was taken.
		expect([200, null]).toContain(first.status);
		const execution = await env.n8n.waitForExecution(workflowId);
		const item = (execution.outputs['Payment Event Trigger']?.[0]?.[0] as { json: Record<string, unknown> }).json;
		expect(item).toMatchObject({ platform: 'braintree', event: 'succeeded', topic: 'transaction_settled', paymentId: transactionId });
		expect(await post(hookUrl, { 'content-type': 'application/x-www-form-urlencoded' }, first.body, 'application/x-www-form-urlencoded')).toBe(200);
		expect(await env.n8n.executions(workflowId)).toHaveLength(1);
	});

	it('answers a notification signed with another key 401 and starts nothing', async () => {
		const [first] = await env.deliveriesTo('braintree', hookUrl);
		const fields = new URLSearchParams(first.body);
		fields.set('bt_signature', `${env.sandboxes.braintree.credentials.publicKey}|${'0'.repeat(40)}`);
		expect(await post(hookUrl, {}, fields.toString(), 'application/x-www-form-urlencoded')).toBe(401);
		expect(await env.n8n.executions(workflowId)).toHaveLength(1);
	});

	it('stops receiving when the workflow is unpublished', async () => {
		await env.n8n.api('POST', `/workflows/${workflowId}/deactivate`);
		await waitFor('the webhook gone', () => post(hookUrl, {}, 'bt_signature=x&bt_payload=y', 'application/x-www-form-urlencoded'), (status) => status === 404);
	});
});
