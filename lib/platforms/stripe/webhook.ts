import { hmacHex, safeEqual } from '../../transport/signatures';
import type { SignatureCheck } from '../payments';

/** The header (lower case) Stripe signs each webhook delivery in. */
export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';

/** `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "{t}.{body}")>`; rejects stamps older than the tolerance. */
export function verifyStripeSignature(header: string | undefined, rawBody: string, secret: string, nowMs: number, toleranceSeconds = 300): SignatureCheck {
	if (!header) return { valid: false, reason: 'no Stripe-Signature header' };
	const parts = header.split(',').map((part) => part.trim().split('='));
	const timestamp = Number(parts.find(([name]) => name === 't')?.[1]);
	const signatures = parts.filter(([name]) => name === 'v1').map(([, value]) => value ?? '');
	if (!Number.isFinite(timestamp) || signatures.length === 0) return { valid: false, reason: 'malformed Stripe-Signature header' };
	if (Math.abs(nowMs / 1000 - timestamp) > toleranceSeconds) return { valid: false, reason: 'Stripe-Signature timestamp outside the tolerance' };
	const expected = hmacHex(secret, `${timestamp}.${rawBody}`);
	return signatures.some((signature) => safeEqual(signature, expected)) ? { valid: true } : { valid: false, reason: 'Stripe-Signature does not match' };
}
