import { nonEmptyString, object, shape } from '../../records/inputSchema';
import { idText, ignoreNotFound, objectAt, type PaymentWebhookScheme } from '../webhookSchemes';
import { STRIPE_SIGNATURE_HEADER, verifyStripeSignature } from './webhook';

interface WebhookEndpoint {
	id: string;
	url: string;
	enabled_events: string[];
	/** Only in the answer to the create. */
	secret?: string;
}

/**
 * Stripe webhook endpoints (`/v1/webhook_endpoints`, one per trigger, enabled for the event's type): Stripe issues the
 * endpoint's signing secret (`whsec_…`) in its answer to the create only. `Stripe-Signature: t=…,v1=…` over
 * "{t}.{raw body}", refused beyond 300 s; the event id (`evt_…`) is the same on every redelivery.
 */
export const stripePaymentWebhooks: PaymentWebhookScheme = {
	platform: 'stripe',
	events: {
		succeeded: { topic: 'payment_intent.succeeded' },
		failed: { topic: 'payment_intent.payment_failed' },
		refunded: { topic: 'charge.refunded' },
		disputed: { topic: 'charge.dispute.created' },
		// A PaymentIntent that waited for 3-D Secure: captured, held (capture off), or failed (authentication refused).
		actionCompleted: { topic: 'payment_intent.succeeded', topics: ['payment_intent.succeeded', 'payment_intent.amount_capturable_updated', 'payment_intent.payment_failed'] },
	},
	secretFrom: 'vendor',
	signatureHeader: 'Stripe-Signature',
	async list(transport, topic) {
		const endpoints: WebhookEndpoint[] = [];
		for (let after: string | undefined; ; ) {
			const page = await transport.request<{ data: WebhookEndpoint[]; has_more: boolean }>({ method: 'GET', url: '/v1/webhook_endpoints', qs: { limit: 100, ...(after ? { starting_after: after } : {}) } });
			endpoints.push(...page.data);
			if (!page.has_more || page.data.length === 0) break;
			after = page.data[page.data.length - 1].id;
		}
		return endpoints.filter((endpoint) => endpoint.enabled_events.includes(topic)).map((endpoint) => ({ id: endpoint.id, url: endpoint.url, topic }));
	},
	async create(transport, { url, topic, topics }) {
		const endpoint = await transport.request<WebhookEndpoint>({
			method: 'POST',
			url: '/v1/webhook_endpoints',
			bodyType: 'form',
			body: { url, enabled_events: topics, description: `n8n ${topic}` },
		});
		return { id: endpoint.id, secret: endpoint.secret };
	},
	async remove(transport, id) {
		await transport.send({ method: 'DELETE', url: `/v1/webhook_endpoints/${encodeURIComponent(id)}` }).catch(ignoreNotFound);
	},
	verify: ({ header, rawBody, nowMs }, secret) => verifyStripeSignature(header(STRIPE_SIGNATURE_HEADER), rawBody.toString('utf8'), secret, nowMs),
	eventBody: shape({ id: nonEmptyString(), type: nonEmptyString(), data: shape({ object: object() }, 'an object {object}') }),
	deliveryId: (_header, payload) => idText(payload.id),
	topic: (_header, payload) => (typeof payload.type === 'string' ? payload.type : undefined),
	// The PaymentIntent, or for a charge event the PaymentIntent the charge belongs to.
	subjectId: (payload) => {
		const object = objectAt(payload, 'data.object');
		return object.object === 'payment_intent' ? idText(object.id) : (idText(object.payment_intent) ?? idText(object.id));
	},
};
