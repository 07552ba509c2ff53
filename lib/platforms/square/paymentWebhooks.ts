import { randomUUID } from 'node:crypto';

import { nonEmptyString, object, shape } from '../../records/inputSchema';
import { readDispute, type DisputeLayout, type DisputeReason, type DisputeState } from '../disputes';
import { idText, ignoreNotFound, objectAt, type PaymentWebhookScheme } from '../webhookSchemes';
import { isSquareBillingEvent, SQUARE_BILLING_TOPICS, squareBillingEvent } from './billingEvents';
import { SQUARE_VERSION } from './profile';
import { SQUARE_SIGNATURE_HEADER, verifySquareSignature } from './webhook';

interface Subscription {
	id: string;
	event_types: string[];
	notification_url: string;
	/** Only in the answer to the create. */
	signature_key?: string;
}

const headers = { 'Square-Version': SQUARE_VERSION };

/** Square reports a payment's outcome as a payment.updated carrying the payment's new status. */
const paymentStatus = (status: string) => (payload: Record<string, unknown>) => objectAt(payload, 'data.object.payment').status === status;

/**
 * Square webhook subscriptions (`/v2/webhooks/subscriptions`), each with the signature key Square issues when it is
 * created. `x-square-hmacsha256-signature` = base64(HMAC-SHA256(key, notification URL + raw body)); `event_id` is the
 * same on every redelivery.
 */
export const squarePaymentWebhooks: PaymentWebhookScheme = {
	platform: 'square',
	events: {
		succeeded: { topic: 'payment.updated', matches: paymentStatus('COMPLETED') },
		failed: { topic: 'payment.updated', matches: paymentStatus('FAILED') },
		refunded: { topic: 'refund.created' },
		disputed: { topic: 'dispute.created' },
		disputeChanged: { topic: 'dispute.created', topics: ['dispute.created', 'dispute.state.updated'] },
		billingChanged: { topic: SQUARE_BILLING_TOPICS[0], topics: SQUARE_BILLING_TOPICS, matches: isSquareBillingEvent },
	},
	secretFrom: 'vendor',
	signatureHeader: 'X-Square-Hmacsha256-Signature',
	signsUrl: true,
	async list(transport, topic) {
		const subscriptions: Subscription[] = [];
		for (let cursor: string | undefined; ; ) {
			const page = await transport.request<{ subscriptions?: Subscription[]; cursor?: string }>({ method: 'GET', url: '/v2/webhooks/subscriptions', headers, qs: cursor ? { cursor } : undefined });
			subscriptions.push(...(page.subscriptions ?? []));
			cursor = page.cursor;
			if (!cursor) break;
		}
		return subscriptions.filter((entry) => entry.event_types.includes(topic)).map((entry) => ({ id: entry.id, url: entry.notification_url, topic }));
	},
	async create(transport, { url, topic, topics }) {
		const body = await transport.request<{ subscription: Subscription }>({
			method: 'POST',
			url: '/v2/webhooks/subscriptions',
			headers,
			body: { idempotency_key: randomUUID(), subscription: { name: `n8n ${topic}`, event_types: topics, notification_url: url, api_version: SQUARE_VERSION } },
		});
		return { id: body.subscription.id, secret: body.subscription.signature_key };
	},
	async remove(transport, id) {
		await transport.send({ method: 'DELETE', url: `/v2/webhooks/subscriptions/${encodeURIComponent(id)}`, headers }).catch(ignoreNotFound);
	},
	verify: ({ header, rawBody, url }, secret) => verifySquareSignature(header(SQUARE_SIGNATURE_HEADER), url, rawBody.toString('utf8'), secret),
	eventBody: shape({ event_id: nonEmptyString(), type: nonEmptyString(), data: object() }),
	deliveryId: (_header, payload) => idText(payload.event_id),
	topic: (_header, payload) => (typeof payload.type === 'string' ? payload.type : undefined),
	dispute: (payload) =>
		readDispute(payload, SQUARE_DISPUTE, (read, state) => ({
			transactionId: read.text(`${SQUARE_DISPUTE_AT}.disputed_payment.payment_id`),
			stage: state.startsWith('INQUIRY_') ? 'inquiry' : 'chargeback',
			occurredAt: read.optionalInstant(`${SQUARE_DISPUTE_AT}.updated_at`) ?? read.instant('created_at'),
		})),
	billing: squareBillingEvent,
	// The payment the event is about: a refund and a dispute name theirs.
	subjectId: (payload) =>
		idText(objectAt(payload, 'data.object.refund').payment_id) ?? idText(objectAt(payload, 'data.object.dispute.disputed_payment').payment_id) ?? idText(objectAt(payload, 'data.object.payment').id),
};

/** Square's dispute states; an inquiry closed without a chargeback leaves the money with the merchant. */
const SQUARE_STATES: Record<string, DisputeState> = {
	INQUIRY_EVIDENCE_REQUIRED: 'needs_response',
	EVIDENCE_REQUIRED: 'needs_response',
	INQUIRY_PROCESSING: 'under_review',
	PROCESSING: 'under_review',
	INQUIRY_CLOSED: 'won',
	WON: 'won',
	LOST: 'lost',
	ACCEPTED: 'lost',
};

const SQUARE_REASONS: Record<string, DisputeReason> = {
	NO_KNOWLEDGE: 'fraudulent',
	EMV_LIABILITY_SHIFT: 'fraudulent',
	NOT_RECEIVED: 'not_received',
	NOT_AS_DESCRIBED: 'not_as_described',
	DUPLICATE: 'duplicate',
	CUSTOMER_REQUESTS_CREDIT: 'credit_not_processed',
	CANCELLED: 'canceled',
	AMOUNT_DIFFERS: 'amount_differs',
	PAID_BY_OTHER_MEANS: 'paid_by_other_means',
};

const SQUARE_DISPUTE_AT = 'data.object.dispute';

/** Where a dispute event keeps the fields every processor's dispute has. */
const SQUARE_DISPUTE: DisputeLayout = {
	processor: 'Square',
	at: SQUARE_DISPUTE_AT,
	status: 'state',
	currency: 'amount_money.currency',
	amount: { path: 'amount_money.amount', units: 'minor' },
	evidenceDueBy: { path: 'due_at' },
	reasons: SQUARE_REASONS,
	states: SQUARE_STATES,
};
