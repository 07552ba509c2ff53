import { PAYPAL_BILLING_TOPICS, payPalBillingEvent } from './billingEvents';
import { readDispute, type DisputeLayout, type DisputeReason, type DisputeState } from '../disputes';
import { idText, ignoreNotFound, objectAt, verdict, type PaymentWebhookScheme } from '../webhookSchemes';

interface PayPalWebhook {
	id: string;
	url: string;
	event_types: Array<{ name: string }>;
}

/** The transmission headers PayPal signs a delivery with, and the fields verify-webhook-signature takes them as. */
const TRANSMISSION_FIELDS = {
	auth_algo: 'paypal-auth-algo',
	cert_url: 'paypal-cert-url',
	transmission_id: 'paypal-transmission-id',
	transmission_sig: 'paypal-transmission-sig',
	transmission_time: 'paypal-transmission-time',
} as const;

/**
 * PayPal webhooks (`/v1/notifications/webhooks`). PayPal signs with its own certificates and checks a delivery
 * itself: `POST /v1/notifications/verify-webhook-signature` with the transmission headers, the event and the
 * webhook's id (so the id PayPal gives the webhook is what verification is keyed on). The event id (`WH-…`) is the
 * same on every redelivery.
 */
export const payPalPaymentWebhooks: PaymentWebhookScheme = {
	platform: 'paypal',
	events: {
		succeeded: { topic: 'PAYMENT.CAPTURE.COMPLETED' },
		failed: { topic: 'PAYMENT.CAPTURE.DENIED' },
		refunded: { topic: 'PAYMENT.CAPTURE.REFUNDED' },
		disputed: { topic: 'CUSTOMER.DISPUTE.CREATED' },
		// An order that waited for its payer was approved: Complete Customer Action captures (or authorizes) it.
		actionCompleted: { topic: 'CHECKOUT.ORDER.APPROVED' },
		disputeChanged: { topic: 'CUSTOMER.DISPUTE.CREATED', topics: ['CUSTOMER.DISPUTE.CREATED', 'CUSTOMER.DISPUTE.UPDATED', 'CUSTOMER.DISPUTE.RESOLVED'] },
		billingChanged: { topic: PAYPAL_BILLING_TOPICS[0], topics: PAYPAL_BILLING_TOPICS },
	},
	secretFrom: 'vendor',
	verifiedThroughApi: true,
	async list(transport, topic) {
		const body = await transport.request<{ webhooks?: PayPalWebhook[] }>({ method: 'GET', url: '/v1/notifications/webhooks' });
		return (body.webhooks ?? []).filter((hook) => hook.event_types.some((type) => type.name === topic)).map((hook) => ({ id: hook.id, url: hook.url, topic }));
	},
	async create(transport, { url, topics }) {
		const hook = await transport.request<PayPalWebhook>({ method: 'POST', url: '/v1/notifications/webhooks', body: { url, event_types: topics.map((name) => ({ name })) } });
		return { id: hook.id, secret: hook.id };
	},
	async remove(transport, id) {
		await transport.send({ method: 'DELETE', url: `/v1/notifications/webhooks/${encodeURIComponent(id)}` }).catch(ignoreNotFound);
	},
	async verify({ header, rawBody }, webhookId, api) {
		if (!api) throw new Error('PayPal deliveries are verified through PayPal\'s API: a transport is needed');
		const transmission = Object.fromEntries(Object.entries(TRANSMISSION_FIELDS).map(([field, name]) => [field, header(name)]));
		const missing = Object.values(TRANSMISSION_FIELDS).find((name) => header(name) === undefined);
		if (missing) return { valid: false, reason: `missing ${missing} header` };
		let event: unknown;
		try {
			event = JSON.parse(rawBody.toString('utf8'));
		} catch {
			return { valid: false, reason: 'body is not JSON: PayPal cannot verify it' };
		}
		const answer = await api.request<{ verification_status?: string }>({
			method: 'POST',
			url: '/v1/notifications/verify-webhook-signature',
			body: { ...transmission, webhook_id: webhookId, webhook_event: event },
		});
		return verdict(answer.verification_status === 'SUCCESS', `PayPal says the signature is ${answer.verification_status ?? 'not verified'}`);
	},
	deliveryId: (_header, payload) => idText(payload.id),
	topic: (_header, payload) => (typeof payload.event_type === 'string' ? payload.event_type : undefined),
	dispute: (payload) =>
		readDispute(payload, PAYPAL_DISPUTE, (read, status) => {
			const outcome = read.optionalText('resource.dispute_outcome.outcome_code');
			const stage = read.optionalText('resource.dispute_life_cycle_stage');
			return {
				transactionId: read.text('resource.disputed_transactions.0.seller_transaction_id'),
				// A resolved dispute is won or lost by its outcome.
				...(status === 'RESOLVED' ? { state: outcome !== undefined && PAYPAL_LOST.has(outcome) ? 'lost' : 'won' } : {}),
				...(outcome ? { processorStatus: `${status}: ${outcome}` } : {}),
				stage: stage === undefined || stage === 'INQUIRY' ? 'inquiry' : 'chargeback',
				occurredAt: read.optionalInstant('resource.update_time') ?? read.instant('create_time'),
			};
		}),
	billing: payPalBillingEvent,
	// The capture (a refund's resource is the refund: its capture is linked as `up`); a dispute names the capture disputed.
	subjectId: (payload) =>
		idText(objectAt(payload, 'resource').id) ?? idText((objectAt(payload, 'resource').disputed_transactions as Array<Record<string, unknown>> | undefined)?.[0]?.seller_transaction_id) ?? idText(objectAt(payload, 'resource').dispute_id),
};

/** PayPal's open dispute statuses; a RESOLVED one is won or lost by its outcome. */
const PAYPAL_STATES: Record<string, DisputeState> = {
	OPEN: 'needs_response',
	WAITING_FOR_SELLER_RESPONSE: 'needs_response',
	WAITING_FOR_BUYER_RESPONSE: 'under_review',
	UNDER_REVIEW: 'under_review',
};

/** Outcomes where the buyer got the money back; the others (seller favour, cancelled by the buyer, denied) leave it with the merchant. */
const PAYPAL_LOST = new Set(['RESOLVED_BUYER_FAVOUR', 'RESOLVED_WITH_PAYOUT', 'ACCEPTED']);

const PAYPAL_REASONS: Record<string, DisputeReason> = {
	UNAUTHORISED: 'fraudulent',
	MERCHANDISE_OR_SERVICE_NOT_RECEIVED: 'not_received',
	MERCHANDISE_OR_SERVICE_NOT_AS_DESCRIBED: 'not_as_described',
	DUPLICATE_TRANSACTION: 'duplicate',
	CREDIT_NOT_PROCESSED: 'credit_not_processed',
	CANCELED_RECURRING_BILLING: 'canceled',
	INCORRECT_AMOUNT: 'amount_differs',
	PAYMENT_BY_OTHER_MEANS: 'paid_by_other_means',
};

/** Where a dispute event's resource keeps the fields every processor's dispute has. */
const PAYPAL_DISPUTE: DisputeLayout = {
	processor: 'PayPal',
	at: 'resource',
	disputeId: 'dispute_id',
	currency: 'dispute_amount.currency_code',
	amount: { path: 'dispute_amount.value', units: 'major' },
	evidenceDueBy: { path: 'seller_response_due_date' },
	reasons: PAYPAL_REASONS,
	states: PAYPAL_STATES,
};
