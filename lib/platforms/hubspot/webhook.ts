import { hmacBase64, safeEqual } from '../../transport/signatures';
import type { SignatureCheck } from '../payments';
import type { HeaderReader } from '../webhookSchemes';

const MAX_AGE_MS = 5 * 60 * 1000;

/** HubSpot v3: base64(HMAC-SHA256(client secret, method + uri + body + timestamp)), timestamp (ms) at most 5 minutes old. */
export function verifyHubSpotSignature(header: HeaderReader, method: string, url: string, rawBody: string, clientSecret: string, nowMs: number): SignatureCheck {
	const signature = header('x-hubspot-signature-v3');
	const timestamp = Number(header('x-hubspot-request-timestamp'));
	if (!signature) return { valid: false, reason: 'no X-HubSpot-Signature-v3 header' };
	if (!Number.isFinite(timestamp) || Math.abs(nowMs - timestamp) > MAX_AGE_MS) return { valid: false, reason: 'X-HubSpot-Request-Timestamp missing or older than 5 minutes' };
	const expected = hmacBase64(clientSecret, `${method.toUpperCase()}${url}${rawBody}${timestamp}`);
	return safeEqual(signature, expected) ? { valid: true } : { valid: false, reason: 'X-HubSpot-Signature-v3 does not match' };
}
