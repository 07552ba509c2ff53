/**
 * Standard Webhooks (standardwebhooks.com) signing: `webhook-id`, `webhook-timestamp` (Unix seconds) and
 * `webhook-signature: v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`, the key being the base64 part of
 * a `whsec_…` secret. Receivers verify with the same function and reject timestamps outside a tolerance.
 */
import { randomBytes } from 'node:crypto';

import { hmacBase64, safeEqual } from '../transport/signatures';

export const SECRET_PREFIX = 'whsec_';
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export type SignedHeaders = {
	'webhook-id': string;
	'webhook-timestamp': string;
	'webhook-signature': string;
};

/** The HMAC key of a secret: base64 after the `whsec_` prefix (which is optional, as in the reference libraries). */
export function secretKey(secret: string): Buffer {
	const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
	const key = Buffer.from(encoded, 'base64');
	if (key.length < 16) throw new Error('A Standard Webhooks secret must be whsec_ followed by at least 16 base64-encoded bytes');
	return key;
}

/** A fresh secret in the `whsec_` convention (24 random bytes). */
export function generateSecret(): string {
	return `${SECRET_PREFIX}${randomBytes(24).toString('base64')}`;
}

export function signature(secret: string, id: string, timestampSeconds: number, body: string): string {
	return hmacBase64(secretKey(secret), `${id}.${timestampSeconds}.${body}`);
}

export function signHeaders(secret: string, id: string, timestampSeconds: number, body: string): SignedHeaders {
	return {
		'webhook-id': id,
		'webhook-timestamp': String(timestampSeconds),
		'webhook-signature': `v1,${signature(secret, id, timestampSeconds, body)}`,
	};
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/**
 * Verifies a delivery: every `v1,` signature in the space-separated header is tried (secret rotation sends several),
 * compared in constant time, and the timestamp must be within `toleranceSeconds` of `nowSeconds`.
 */
export function verify(
	secret: string,
	headers: Record<string, string | string[] | undefined>,
	body: string,
	nowSeconds = Math.floor(Date.now() / 1000),
	toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): VerifyResult {
	const id = single(headers['webhook-id']);
	const timestamp = single(headers['webhook-timestamp']);
	const signatures = single(headers['webhook-signature']);
	if (!id || !timestamp || !signatures) return { ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature' };
	const seconds = Number(timestamp);
	if (!Number.isInteger(seconds)) return { ok: false, reason: 'webhook-timestamp is not a Unix time in seconds' };
	if (Math.abs(nowSeconds - seconds) > toleranceSeconds) return { ok: false, reason: 'webhook-timestamp is outside the tolerance' };
	const expected = signature(secret, id, seconds, body);
	const matches = signatures
		.split(' ')
		.filter((entry) => entry.startsWith('v1,'))
		.some((entry) => safeEqual(entry.slice(3), expected));
	return matches ? { ok: true } : { ok: false, reason: 'no matching v1 signature' };
}

function single(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}
