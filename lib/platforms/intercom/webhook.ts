import { hmacHex, safeEqual } from '../../transport/signatures';
import type { SignatureCheck } from '../payments';
import type { HeaderReader } from '../webhookSchemes';

/** Intercom: `X-Hub-Signature: sha1=<hex HMAC-SHA1(client secret, body)>`. */
export function verifyIntercomSignature(header: HeaderReader, rawBody: string, clientSecret: string): SignatureCheck {
	const signature = header('x-hub-signature');
	if (!signature?.startsWith('sha1=')) return { valid: false, reason: 'no X-Hub-Signature sha1= header' };
	const expected = hmacHex(clientSecret, rawBody, 'sha1');
	return safeEqual(signature.slice(5), expected) ? { valid: true } : { valid: false, reason: 'X-Hub-Signature does not match' };
}
