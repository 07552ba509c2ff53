/**
 * The Payment Event Trigger in the real n8n against the Stripe, Square and PayPal sandboxes (PayPal's deliveries checked
 * through its verify-webhook-signature API): publishing a workflow creates a
 * webhook endpoint (Stripe) or subscription (Square) through the processor's API, keeping the signing secret the
 * processor issues; an event delivered twice with the same id starts one execution carrying the payment; a forged
 * delivery, and a genuine Stripe one signed more than 300 s ago, are answered 401 and start none; a Square
 * payment.updated to another status starts no "failed" trigger; unpublishing deletes the webhook.
 */
import { createHmac } from 'node:crypto';

import { describeTriggerLifecycle, useTriggerEnvironment, type TriggerCase } from '../harness/vendorTrigger';

jest.setTimeout(600_000);

type Platform = 'stripe' | 'square' | 'paypal';

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
	['stripe', 'square', 'paypal'],
	({ stripe, square, paypal }) => ({
		integrationStripeApi: { name: 'Stripe', data: { secretKey: stripe.credentials.secretKey, baseUrl: stripe.baseUrl } },
		integrationSquareApi: { name: 'Square', data: { accessToken: square.credentials.accessToken, baseUrl: square.baseUrl } },
		integrationPayPalApi: { name: 'PayPal', data: { clientId: paypal.credentials.clientId, clientSecret: paypal.credentials.clientSecret, baseUrl: paypal.baseUrl } },
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
