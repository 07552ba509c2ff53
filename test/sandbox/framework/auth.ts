/**
 * Credential checks a vendor composes into its `authenticate`. Each returns undefined when the request may proceed,
 * or the vendor's own rejection, built by `reject` from the reason.
 */
import { timingSafeEqual } from 'node:crypto';
import type { SandboxRequest, SandboxResponse } from './types';

export type AuthFailure = 'missing' | 'invalid';
export type Authenticator = (request: SandboxRequest) => SandboxResponse | undefined;
export type AuthRejection = (reason: AuthFailure) => SandboxResponse;

/** `Authorization: Bearer <token>`. */
export function bearerAuth(token: string, reject: AuthRejection): Authenticator {
	return (request) => {
		const presented = schemeValue(request, 'bearer');
		if (presented === undefined) return reject('missing');
		return sameSecret(presented, token) ? undefined : reject('invalid');
	};
}

/** `Authorization: Basic base64(username:password)`. */
export function basicAuth(username: string, password: string, reject: AuthRejection): Authenticator {
	return (request) => {
		const presented = schemeValue(request, 'basic');
		if (presented === undefined) return reject('missing');
		const decoded = Buffer.from(presented, 'base64').toString('utf8');
		return sameSecret(decoded, `${username}:${password}`) ? undefined : reject('invalid');
	};
}

/** A vendor header such as `X-Shopify-Access-Token: <token>`. */
export function headerAuth(headerName: string, value: string, reject: AuthRejection): Authenticator {
	return (request) => {
		const presented = request.headers[headerName.toLowerCase()];
		if (typeof presented !== 'string' || presented === '') return reject('missing');
		return sameSecret(presented, value) ? undefined : reject('invalid');
	};
}

function schemeValue(request: SandboxRequest, scheme: string): string | undefined {
	const header = request.headers.authorization;
	if (typeof header !== 'string') return undefined;
	const [presentedScheme, ...rest] = header.trim().split(/\s+/);
	if (presentedScheme.toLowerCase() !== scheme || rest.length === 0) return undefined;
	return rest.join(' ');
}

function sameSecret(presented: string, expected: string): boolean {
	const a = Buffer.from(presented);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}
