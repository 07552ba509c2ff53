import { nonEmptyString, object, shape } from '../../records/inputSchema';
import { readDispute, type DisputeLayout, type DisputeReason, type DisputeState } from '../disputes';
import { idText, ignoreNotFound, objectAt, type PaymentWebhookScheme } from '../webhookSchemes';
import { STRIPE_BILLING_TOPICS, stripeBillingEvent } from './billingEvents';
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
		disputeChanged: { topic: 'charge.dispute.created', topics: ['charge.dispute.created', 'charge.dispute.updated', 'charge.dispute.closed'] },
		// A PaymentIntent that waited for 3-D Secure: captured, held (capture off), or failed (authentication refused).
		actionCompleted: { topic: 'payment_intent.succeeded', topics: ['payment_intent.succeeded', 'payment_intent.amount_capturable_updated', 'payment_intent.payment_failed'] },
		billingChanged: { topic: STRIPE_BILLING_TOPICS[0], topics: STRIPE_BILLING_TOPICS },
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
	dispute: (payload) =>
		readDispute(payload, STRIPE_DISPUTE, (read, status) => ({
			// A charge made without a PaymentIntent is disputed by its charge id.
			transactionId: read.optionalText('data.object.payment_intent') ?? read.text('data.object.charge'),
			stage: status.startsWith('warning_') ? 'inquiry' : 'chargeback',
			occurredAt: read.instant('created', 'unix'),
		})),
	billing: stripeBillingEvent,
	// The PaymentIntent, or for a charge event the PaymentIntent the charge belongs to.
	subjectId: (payload) => {
		const object = objectAt(payload, 'data.object');
		return object.object === 'payment_intent' ? idText(object.id) : (idText(object.payment_intent) ?? idText(object.id));
	},
};

/** Stripe's dispute statuses; `warning_*` are inquiries (no money moved), `warning_closed` one that ended there. */
const STRIPE_STATES: Record<string, DisputeState> = {
	warning_needs_response: 'needs_response',
	needs_response: 'needs_response',
	warning_under_review: 'under_review',
	under_review: 'under_review',
	warning_closed: 'won',
	won: 'won',
	lost: 'lost',
};

const STRIPE_REASONS: Record<string, DisputeReason> = {
	fraudulent: 'fraudulent',
	unrecognized: 'unrecognized',
	product_not_received: 'not_received',
	product_unacceptable: 'not_as_described',
	duplicate: 'duplicate',
	credit_not_processed: 'credit_not_processed',
	subscription_canceled: 'canceled',
};

/** Where a dispute event's object keeps the fields every processor's dispute has. */
const STRIPE_DISPUTE: DisputeLayout = {
	processor: 'Stripe',
	at: 'data.object',
	currency: 'currency',
	amount: { path: 'amount', units: 'minor' },
	evidenceDueBy: { path: 'evidence_details.due_by', form: 'unix' },
	reasons: STRIPE_REASONS,
	states: STRIPE_STATES,
};
