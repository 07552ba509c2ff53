import { createHash } from 'node:crypto';

import { hmacHex, safeEqual } from '../../transport/signatures';
import { BRAINTREE_BILLING_KINDS, braintreeBillingEvent } from './billingEvents';
import { readDispute, type DisputeLayout, type DisputeReason, type DisputeState } from '../disputes';
import { verdict, type AppWebhookScheme, type PaymentEventKind, type PaymentEventReading } from '../webhookSchemes';

/**
 * A notification as the trigger reads it: its kind, time and the transaction (or dispute) it is about; for a dispute,
 * `subject.transaction-id` is the disputed transaction's.
 */
interface BraintreeNotification {
	kind: string;
	timestamp: string;
	subject: Record<string, string>;
}

/** The subject fields read off a transaction or a dispute. */
const SUBJECT_FIELDS = ['id', 'status', 'amount', 'amount-disputed', 'currency-iso-code', 'order-id', 'merchant-account-id', 'reason', 'reply-by-date', 'kind'];

/** The form Braintree POSTs: `bt_signature` and `bt_payload` (the notification's XML, base64). */
function form(rawBody: Buffer): { signature: string; payload: string } | undefined {
	const fields = new URLSearchParams(rawBody.toString('utf8'));
	const signature = fields.get('bt_signature');
	const payload = fields.get('bt_payload');
	return signature && payload ? { signature, payload } : undefined;
}

/** The text of the first `<name>` element in `xml` (Braintree's notifications are flat enough for this). */
function elementText(xml: string, name: string): string | undefined {
	return new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`).exec(xml)?.[1];
}

/** The subscription's own fields, and its latest transaction's (the one a charge notification is about) as `transaction-*`. */
const SUBSCRIPTION_FIELDS = ['id', 'status', 'price', 'plan-id', 'merchant-account-id'];
const SUBSCRIPTION_TRANSACTION_FIELDS = ['id', 'status', 'amount', 'currency-iso-code'];

/** A subscription notification's subject: its fields outside its lists (add-ons, transactions…), and its newest transaction's. */
function subscriptionSubject(subscriptionXml: string): Record<string, string> {
	const [, transactions = ''] = /<transactions(?:\s[^>]*)?>([\s\S]*?)<\/transactions>/.exec(subscriptionXml) ?? [];
	const newest = /<transaction>([\s\S]*?)<\/transaction>/.exec(transactions)?.[1] ?? '';
	const own = subscriptionXml.replace(/<(add-ons|discounts|descriptor|transactions|status-history)(?:\s[^>]*)?>[\s\S]*?<\/\1>/g, '');
	const subject: Record<string, string> = {};
	for (const name of SUBSCRIPTION_FIELDS) {
		const value = elementText(own, name);
		if (value !== undefined) subject[name] = value;
	}
	for (const name of SUBSCRIPTION_TRANSACTION_FIELDS) {
		const value = elementText(newest, name);
		if (value !== undefined) subject[`transaction-${name}`] = value;
	}
	return subject;
}

/** The notification in the payload: kind, timestamp and the subject's subscription, or first transaction or dispute, fields. */
function notification(payload: string): BraintreeNotification | undefined {
	const xml = Buffer.from(payload.replace(/\s+/g, ''), 'base64').toString('utf8');
	const kind = elementText(xml, 'kind');
	const timestamp = elementText(xml, 'timestamp');
	if (!kind || !timestamp || !xml.includes('<notification')) return undefined;
	const subscription = /<subject><subscription>([\s\S]*)<\/subscription><\/subject>/.exec(xml)?.[1];
	if (subscription !== undefined) return { kind, timestamp, subject: subscriptionSubject(subscription) };
	const [, subjectName, subjectContent = ''] = /<(transaction|dispute)>([\s\S]*)<\/\1>/.exec(xml) ?? [];
	// A dispute holds its transaction: the dispute's own fields are those outside it.
	const transactionXml = subjectName === 'dispute' ? (/<transaction>([\s\S]*?)<\/transaction>/.exec(subjectContent)?.[1] ?? '') : '';
	const subjectXml = subjectContent.replace(/<transaction>[\s\S]*?<\/transaction>/, '');
	const subject: Record<string, string> = {};
	for (const name of SUBJECT_FIELDS) {
		const value = elementText(subjectXml, name);
		if (value !== undefined) subject[name] = value;
	}
	const transactionId = elementText(transactionXml, 'id');
	if (transactionId !== undefined) subject['transaction-id'] = transactionId;
	return { kind, timestamp, subject };
}

/**
 * Notifications name a transaction by its legacy id; the GraphQL API the connector charges through (and so the router's
 * record) by its global id, which Braintree forms as base64("transaction_" + legacy id).
 */
function graphQlTransactionId(legacyId: string): string {
	return legacyId === '' ? '' : Buffer.from(`transaction_${legacyId}`).toString('base64');
}

/** Every kind Braintree notifies of a dispute, from opening to its end. */
const BRAINTREE_DISPUTE_KINDS = ['dispute_opened', 'dispute_under_review', 'dispute_disputed', 'dispute_won', 'dispute_lost', 'dispute_accepted', 'dispute_auto_accepted', 'dispute_expired'];

/**
 * Braintree webhooks are set up in the Control Panel (Settings → Webhooks): no API registers them. Each notification
 * is a form of `bt_signature` (`<public key>|<hex HMAC-SHA1 of bt_payload keyed with SHA-1(private key)>`, several
 * pairs joined by `&` when keys rotate) and `bt_payload` (base64 XML), signed with the API key pair: the credential's
 * private key checks it. A notification carries no id: its kind, subject and timestamp, the same on a retry, name it.
 * Braintree sends no notification for a refund.
 */
export const braintreePaymentWebhooks: AppWebhookScheme<PaymentEventKind> & PaymentEventReading = {
	platform: 'braintree',
	setupNotice:
		"Braintree webhooks are set up in its Control Panel, not through its API: under Settings → Webhooks add a destination with this node's Production URL (Webhook URLs, above) and select Transaction Settled (Payment Succeeded), Transaction Settlement Declined (Payment Failed), Dispute Opened, or Subscription Charged Successfully, Charged Unsuccessfully and Canceled (Subscription or Invoice Changed). Deliveries are checked with the credential's private key; Braintree sends nothing for a refund.",
	registeredIn: "the Braintree Control Panel, Settings → Webhooks: add a destination with this trigger's Production URL and select the kind",
	events: {
		succeeded: { topic: 'transaction_settled' },
		failed: { topic: 'transaction_settlement_declined' },
		disputed: { topic: 'dispute_opened' },
		disputeChanged: { topic: 'dispute_opened', topics: BRAINTREE_DISPUTE_KINDS },
		billingChanged: { topic: BRAINTREE_BILLING_KINDS[0], topics: BRAINTREE_BILLING_KINDS },
	},
	secretFrom: 'credential',
	credentialSecretField: 'privateKey',
	verify: ({ rawBody }, privateKey) => {
		const received = form(rawBody);
		if (!received) return { valid: false, reason: 'no bt_signature and bt_payload form fields' };
		const expected = hmacHex(createHash('sha1').update(privateKey).digest(), received.payload, 'sha1');
		return verdict(received.signature.split('&').some((pair) => safeEqual(pair.split('|')[1] ?? '', expected)), 'bt_signature does not match bt_payload');
	},
	parse: (rawBody) => {
		const received = form(rawBody);
		return received ? notification(received.payload) : undefined;
	},
	deliveryId: (_header, payload) => {
		const { kind, timestamp, subject } = payload as unknown as BraintreeNotification;
		return `${kind}:${subject.id ?? ''}:${timestamp}`;
	},
	topic: (_header, payload) => (typeof payload.kind === 'string' ? payload.kind : undefined),
	dispute: (payload) =>
		readDispute(payload, BRAINTREE_DISPUTE, (read) => ({
			transactionId: graphQlTransactionId(read.text('subject.transaction-id')),
			stage: read.optionalText('subject.kind') === 'retrieval' ? 'inquiry' : 'chargeback',
			occurredAt: read.instant('timestamp'),
		})),
	billing: braintreeBillingEvent,
	// The transaction, or the transaction a dispute is about.
	subjectId: (payload) => {
		const { subject } = payload as unknown as BraintreeNotification;
		return subject['transaction-id'] ?? subject.id;
	},
};

/** Braintree's dispute statuses: an expired dispute was not answered in time, and is lost like an accepted one. */
const BRAINTREE_STATES: Record<string, DisputeState> = {
	open: 'needs_response',
	disputed: 'under_review',
	under_review: 'under_review',
	won: 'won',
	lost: 'lost',
	accepted: 'lost',
	auto_accepted: 'lost',
	expired: 'lost',
};

const BRAINTREE_REASONS: Record<string, DisputeReason> = {
	fraud: 'fraudulent',
	not_recognized: 'unrecognized',
	product_not_received: 'not_received',
	product_unsatisfactory: 'not_as_described',
	duplicate: 'duplicate',
	credit_not_processed: 'credit_not_processed',
	cancelled_recurring_transaction: 'canceled',
	transaction_amount_differs: 'amount_differs',
};

/** Where a dispute notification keeps the fields every processor's dispute has. */
const BRAINTREE_DISPUTE: DisputeLayout = {
	processor: 'Braintree',
	at: 'subject',
	currency: 'currency-iso-code',
	amount: { path: 'amount-disputed', units: 'major' },
	evidenceDueBy: { path: 'reply-by-date' },
	reasons: BRAINTREE_REASONS,
	states: BRAINTREE_STATES,
};
