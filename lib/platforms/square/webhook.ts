import { createHmac } from 'node:crypto';

import { sameSignature, type SignatureCheck } from '../payments';

/** The header (lower case) Square signs each webhook delivery in. */
export const SQUARE_SIGNATURE_HEADER = 'x-square-hmacsha256-signature';

/** `x-square-hmacsha256-signature` = base64(HMAC-SHA256(signature key, notification URL + body)). */
export function verifySquareSignature(header: string | undefined, notificationUrl: string, rawBody: string, signatureKey: string): SignatureCheck {
	if (!header) return { valid: false, reason: 'no x-square-hmacsha256-signature header' };
	const expected = createHmac('sha256', signatureKey).update(notificationUrl + rawBody).digest('base64');
	return sameSignature(header, expected) ? { valid: true } : { valid: false, reason: 'x-square-hmacsha256-signature does not match' };
}
