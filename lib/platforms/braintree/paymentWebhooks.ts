import { createHash } from 'node:crypto';

import { hmacHex, safeEqual } from '../../transport/signatures';
import { verdict, type AppWebhookScheme, type PaymentEventKind } from '../webhookSchemes';

/** A notification as the trigger reads it: its kind, time and the transaction (or dispute) it is about. */
interface BraintreeNotification {
	kind: string;
	timestamp: string;
	subject: Record<string, string>;
}

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

/** The notification in the payload: kind, timestamp and the subject's first transaction or dispute fields. */
function notification(payload: string): BraintreeNotification | undefined {
	const xml = Buffer.from(payload.replace(/\s+/g, ''), 'base64').toString('utf8');
	const kind = elementText(xml, 'kind');
	const timestamp = elementText(xml, 'timestamp');
	if (!kind || !timestamp || !xml.includes('<notification')) return undefined;
	const subjectXml = /<(transaction|dispute)>([\s\S]*?)<\/\1>/.exec(xml)?.[2] ?? '';
	const subject: Record<string, string> = {};
	for (const name of ['id', 'status', 'amount', 'currency-iso-code', 'order-id', 'merchant-account-id', 'reason']) {
		const value = elementText(subjectXml, name);
		if (value !== undefined) subject[name] = value;
	}
	return { kind, timestamp, subject };
}

/**
 * Braintree webhooks are set up in the Control Panel (Settings → Webhooks): no API registers them. Each notification
 * is a form of `bt_signature` (`<public key>|<hex HMAC-SHA1 of bt_payload keyed with SHA-1(private key)>`, several
 * pairs joined by `&` when keys rotate) and `bt_payload` (base64 XML), signed with the API key pair: the credential's
 * private key checks it. A notification carries no id: its kind, subject and timestamp, the same on a retry, name it.
 * Braintree sends no notification for a refund.
 */
export const braintreePaymentWebhooks: AppWebhookScheme<PaymentEventKind> = {
	platform: 'braintree',
	setupNotice:
		"Braintree webhooks are set up in its Control Panel, not through its API: under Settings → Webhooks add a destination with this node's Production URL (Webhook URLs, above) and select Transaction Settled (Payment Succeeded), Transaction Settlement Declined (Payment Failed) or Dispute Opened. Deliveries are checked with the credential's private key; Braintree sends nothing for a refund.",
	registeredIn: "the Braintree Control Panel, Settings → Webhooks: add a destination with this trigger's Production URL and select the kind",
	events: {
		succeeded: { topic: 'transaction_settled' },
		failed: { topic: 'transaction_settlement_declined' },
		disputed: { topic: 'dispute_opened' },
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
	subjectId: (payload) => (payload as unknown as BraintreeNotification).subject.id,
};
