/**
 * HubSpot webhook signatures. v3: base64(HMAC-SHA256(clientSecret, method + uri + body + timestamp)) in
 * X-HubSpot-Signature-v3, with X-HubSpot-Request-Timestamp (ms); receivers reject timestamps older than 5 minutes.
 * v1 (sent alongside, as HubSpot does): hex(SHA-256(clientSecret + body)) in X-HubSpot-Signature.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookSigner } from '../framework/webhooks';

export interface HubspotSignatureInput {
	clientSecret: string;
	method: string;
	/** The full URL the webhook was sent to, as registered. */
	uri: string;
	body: string;
	/** Milliseconds since the epoch, as sent in X-HubSpot-Request-Timestamp. */
	timestamp: number;
}

export const hubspotSignatureMaxAgeMs = 5 * 60 * 1000;

export function hubspotSignatureV3(input: HubspotSignatureInput): string {
	const source = `${input.method}${input.uri}${input.body}${input.timestamp}`;
	return createHmac('sha256', input.clientSecret).update(source, 'utf8').digest('base64');
}

export function hubspotSignatureV1(clientSecret: string, body: string): string {
	return createHash('sha256').update(`${clientSecret}${body}`, 'utf8').digest('hex');
}

/** True when `signature` is the v3 signature of the input and the timestamp is at most 5 minutes old. */
export function verifyHubspotSignatureV3(
	input: HubspotSignatureInput & { signature: string; now?: number },
): boolean {
	const age = (input.now ?? Date.now()) - input.timestamp;
	if (!Number.isFinite(age) || age > hubspotSignatureMaxAgeMs) return false;
	const expected = Buffer.from(hubspotSignatureV3(input));
	const presented = Buffer.from(input.signature);
	return expected.length === presented.length && timingSafeEqual(expected, presented);
}

export const signHubspotWebhook: WebhookSigner = ({ method, url, body, secret, timestamp }) => ({
	'X-HubSpot-Signature-v3': hubspotSignatureV3({ clientSecret: secret, method, uri: url, body, timestamp }),
	'X-HubSpot-Request-Timestamp': String(timestamp),
	'X-HubSpot-Signature': hubspotSignatureV1(secret, body),
	'X-HubSpot-Signature-Version': 'v1',
});
