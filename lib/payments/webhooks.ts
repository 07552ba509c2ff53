import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

/** `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "{t}.{body}")>`; rejects stamps older than the tolerance. */
export function verifyStripeSignature(header: string | undefined, rawBody: string, secret: string, nowMs: number, toleranceSeconds = 300): SignatureCheck {
	if (!header) return { valid: false, reason: 'no Stripe-Signature header' };
	const parts = header.split(',').map((part) => part.trim().split('='));
	const timestamp = Number(parts.find(([name]) => name === 't')?.[1]);
	const signatures = parts.filter(([name]) => name === 'v1').map(([, value]) => value ?? '');
	if (!Number.isFinite(timestamp) || signatures.length === 0) return { valid: false, reason: 'malformed Stripe-Signature header' };
	if (Math.abs(nowMs / 1000 - timestamp) > toleranceSeconds) return { valid: false, reason: 'Stripe-Signature timestamp outside the tolerance' };
	const expected = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
	return signatures.some((signature) => sameText(signature, expected)) ? { valid: true } : { valid: false, reason: 'Stripe-Signature does not match' };
}

/** `x-square-hmacsha256-signature` = base64(HMAC-SHA256(signature key, notification URL + body)). */
export function verifySquareSignature(header: string | undefined, notificationUrl: string, rawBody: string, signatureKey: string): SignatureCheck {
	if (!header) return { valid: false, reason: 'no x-square-hmacsha256-signature header' };
	const expected = createHmac('sha256', signatureKey).update(notificationUrl + rawBody).digest('base64');
	return sameText(header, expected) ? { valid: true } : { valid: false, reason: 'x-square-hmacsha256-signature does not match' };
}

/** The processors whose webhook deliveries can be verified. */
export type PaymentEventSource = 'stripe' | 'square';

export interface PaymentEventDelivery {
	/** The request headers, names in lower case (as n8n's Webhook node gives them). */
	headers: Record<string, string | undefined>;
	rawBody: string;
	/** Square signs the subscription's URL together with the body. */
	notificationUrl?: string;
	nowMs: number;
}

/** Checks one delivery against its processor's signature scheme, reading the header that processor signs in. */
export function verifyPaymentEvent(source: PaymentEventSource, delivery: PaymentEventDelivery, secret: string): SignatureCheck {
	if (source === 'stripe') return verifyStripeSignature(delivery.headers['stripe-signature'], delivery.rawBody, secret, delivery.nowMs);
	return verifySquareSignature(delivery.headers['x-square-hmacsha256-signature'], delivery.notificationUrl ?? '', delivery.rawBody, secret);
}

function sameText(presented: string, expected: string): boolean {
	const a = Buffer.from(presented);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}
