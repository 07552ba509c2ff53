import { hmacBase64, safeEqual } from '../../transport/signatures';
import type { SignatureCheck } from '../payments';
import type { HeaderReader } from '../webhookSchemes';

const MAX_AGE_MS = 5 * 60 * 1000;

/** Zendesk: base64(HMAC-SHA256(signing secret, timestamp + body)) with X-Zendesk-Webhook-Signature-Timestamp. */
export function verifyZendeskSignature(header: HeaderReader, rawBody: string, secret: string, nowMs: number): SignatureCheck {
	const signature = header('x-zendesk-webhook-signature');
	const timestamp = header('x-zendesk-webhook-signature-timestamp');
	if (!signature || !timestamp) return { valid: false, reason: 'no X-Zendesk-Webhook-Signature(-Timestamp) header' };
	const sentAt = Date.parse(timestamp);
	if (!Number.isNaN(sentAt) && Math.abs(nowMs - sentAt) > MAX_AGE_MS) return { valid: false, reason: 'X-Zendesk-Webhook-Signature-Timestamp older than 5 minutes' };
	const expected = hmacBase64(secret, `${timestamp}${rawBody}`);
	return safeEqual(signature, expected) ? { valid: true } : { valid: false, reason: 'X-Zendesk-Webhook-Signature does not match' };
}
