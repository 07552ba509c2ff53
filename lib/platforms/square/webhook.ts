import { hmacBase64, safeEqual } from '../../transport/signatures';
import type { SignatureCheck } from '../payments';

/** The header (lower case) Square signs each webhook delivery in. */
export const SQUARE_SIGNATURE_HEADER = 'x-square-hmacsha256-signature';

/** `x-square-hmacsha256-signature` = base64(HMAC-SHA256(signature key, notification URL + body)). */
export function verifySquareSignature(header: string | undefined, notificationUrl: string, rawBody: string, signatureKey: string): SignatureCheck {
	if (!header) return { valid: false, reason: 'no x-square-hmacsha256-signature header' };
	const expected = hmacBase64(signatureKey, notificationUrl + rawBody);
	return safeEqual(header, expected) ? { valid: true } : { valid: false, reason: 'x-square-hmacsha256-signature does not match' };
}
