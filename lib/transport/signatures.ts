/** HMAC signatures of webhook deliveries and their constant-time comparison, shared by every platform's scheme. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type HmacAlgorithm = 'sha1' | 'sha256';

/** The raw HMAC of `payload` under `key`. */
export function hmac(key: string | Buffer, payload: string | Buffer, algorithm: HmacAlgorithm = 'sha256'): Buffer {
	return createHmac(algorithm, key).update(payload).digest();
}

export function hmacBase64(key: string | Buffer, payload: string | Buffer, algorithm: HmacAlgorithm = 'sha256'): string {
	return hmac(key, payload, algorithm).toString('base64');
}

export function hmacHex(key: string | Buffer, payload: string | Buffer, algorithm: HmacAlgorithm = 'sha256'): string {
	return hmac(key, payload, algorithm).toString('hex');
}

/** Compares a presented signature with the expected one in constant time (a length mismatch is simply unequal). */
export function safeEqual(presented: string | Buffer, expected: string | Buffer): boolean {
	const a = Buffer.isBuffer(presented) ? presented : Buffer.from(presented);
	const b = Buffer.isBuffer(expected) ? expected : Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}
