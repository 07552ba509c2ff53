/**
 * Braintree's webhook notifications: a form POST of `bt_signature` and `bt_payload`, where the payload is the
 * notification's XML in base64 (60-character lines, as Braintree sends it) and the signature is
 * `<public key>|<hex HMAC-SHA1 of the payload, keyed with the SHA-1 of the private key>`, which every Braintree SDK's
 * `webhookNotification.parse` verifies. Braintree signs with the API key pair, not a per-webhook secret.
 */
import { createHash, createHmac } from 'node:crypto';

import { element, datetime, type XmlValue } from './xml';

/** The dispute kinds, each with the status it leaves the dispute in (`dispute_opened` opens one: `open`). */
export const disputeKinds = {
	dispute_opened: 'open',
	dispute_under_review: 'under_review',
	dispute_disputed: 'disputed',
	dispute_won: 'won',
	dispute_lost: 'lost',
	dispute_accepted: 'accepted',
	dispute_auto_accepted: 'auto_accepted',
	dispute_expired: 'expired',
} as const;

/** A subscription's notifications: a cycle billed (the charge succeeded or not), or the subscription canceled. */
export const subscriptionKinds = ['subscription_charged_successfully', 'subscription_charged_unsuccessfully', 'subscription_canceled'] as const;

/** The kinds the sandbox sends: the transaction, dispute and subscription ones Braintree sends, and `check` (the Control Panel's test). */
export const notificationKinds = ['check', 'transaction_settled', 'transaction_settlement_declined', 'transaction_disbursed', ...(Object.keys(disputeKinds) as Array<keyof typeof disputeKinds>), ...subscriptionKinds] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/** The form body Braintree POSTs for one notification about `subject` (`{ transaction: … }`, `{ dispute: … }`, `{ subscription: … }` or `{ check: true }`). */
export function notificationForm(kind: NotificationKind, subject: Record<string, XmlValue>, keys: { publicKey: string; privateKey: string }): string {
	const subjectXml = Object.entries(subject).map(([name, value]) => element(name, value)).join('');
	const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<notification>${element('timestamp', datetime(new Date().toISOString()))}${element('kind', kind)}<subject>${subjectXml}</subject></notification>\n`;
	const payload = `${Buffer.from(xml).toString('base64').replace(/.{60}/g, '$&\n')}\n`.replace(/\n\n$/, '\n');
	const signature = `${keys.publicKey}|${createHmac('sha1', createHash('sha1').update(keys.privateKey).digest()).update(payload).digest('hex')}`;
	return new URLSearchParams({ bt_signature: signature, bt_payload: payload }).toString();
}
