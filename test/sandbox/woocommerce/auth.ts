/**
 * WooCommerce's REST authentication (class-wc-rest-authentication): HTTP Basic with the consumer key and secret, the
 * pair as `consumer_key` / `consumer_secret` query parameters, or, as over plain http, one-legged OAuth 1.0a signed
 * with HMAC-SHA1 or HMAC-SHA256 (the secret plus `&` as key), a timestamp within 15 minutes and a nonce used once.
 */
import { createHmac } from 'node:crypto';

import { basicAuth, type Authenticator } from '../framework/auth';
import type { SandboxRequest, SandboxResponse } from '../framework/types';

const MAX_CLOCK_SKEW_SECONDS = 15 * 60;
const algorithms: Record<string, string> = { 'HMAC-SHA1': 'sha1', 'HMAC-SHA256': 'sha256' };

/** RFC 3986 percent-encoding, as OAuth 1.0a signs. */
const encode = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);

export function oauthSignature(method: string, url: string, params: Array<[string, string]>, secret: string, algorithm: string): string {
	const normalised = params.map(([key, value]) => [encode(key), encode(value)]).sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1)).map(([key, value]) => `${key}=${value}`).join('&');
	const base = `${method.toUpperCase()}&${encode(url)}&${encode(normalised)}`;
	return createHmac(algorithm, `${encode(secret)}&`).update(base).digest('base64');
}

export function wooAuthenticator(consumerKey: string, consumerSecret: string, reject: (reason: 'missing' | 'invalid', message?: string) => SandboxResponse): Authenticator {
	const basic = basicAuth(consumerKey, consumerSecret, (reason) => reject(reason));
	const nonces = new Set<string>();
	return (request: SandboxRequest) => {
		const query = request.query;
		if (query.has('oauth_signature')) return checkOAuth(request, consumerKey, consumerSecret, nonces, reject);
		if (query.has('consumer_key')) return query.get('consumer_key') === consumerKey && query.get('consumer_secret') === consumerSecret ? undefined : reject('invalid');
		return basic(request);
	};
}

function checkOAuth(request: SandboxRequest, consumerKey: string, consumerSecret: string, nonces: Set<string>, reject: (reason: 'invalid', message?: string) => SandboxResponse): SandboxResponse | undefined {
	const query = request.query;
	if (query.get('oauth_consumer_key') !== consumerKey) return reject('invalid');
	const algorithm = algorithms[query.get('oauth_signature_method') ?? ''];
	if (!algorithm) return reject('invalid', 'Invalid signature - signature method is invalid.');
	const timestamp = Number(query.get('oauth_timestamp'));
	if (!Number.isFinite(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > MAX_CLOCK_SKEW_SECONDS) return reject('invalid', 'Invalid timestamp.');
	const nonce = `${timestamp}:${query.get('oauth_nonce') ?? ''}`;
	if (nonces.has(nonce)) return reject('invalid', 'Invalid nonce - nonce has already been used.');
	// PHP reads a repeated query key once, its last value (the official client repeats the query's own parameters).
	const params = Object.entries(Object.fromEntries(query)).filter(([key]) => key !== 'oauth_signature');
	const expected = oauthSignature(request.method, `http://${request.headers.host}${request.path}`, params, consumerSecret, algorithm);
	if (expected !== query.get('oauth_signature')) return reject('invalid', 'Invalid signature - provided signature does not match.');
	nonces.add(nonce);
	return undefined;
}
