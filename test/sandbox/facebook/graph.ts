/**
 * What the Graph API sandboxes (Facebook Pages, Instagram) share: paths under a version (`/v24.0/…`), the token in
 * `Authorization: Bearer` or the `access_token` parameter, errors as `{"error":{message,type,code,error_subcode,
 * fbtrace_id}}`, params from a JSON or form body or the query, and the usage headers that report percent used.
 */
import { randomBytes } from 'node:crypto';

import type { WindowUsage } from '../framework/rateLimit';
import { SandboxError, type SandboxRequest, type SandboxResponse } from '../framework/types';

export function graphError(status: number, code: number, message: string, type = 'OAuthException', subcode?: number): SandboxResponse {
	return { status, body: { error: { message, type, code, ...(subcode === undefined ? {} : { error_subcode: subcode }), fbtrace_id: randomBytes(8).toString('base64url') } } };
}

export const graphInvalid = (message: string, subcode?: number) => new SandboxError(graphError(400, 100, `(#100) ${message}`, 'OAuthException', subcode));

/** The token from `Authorization: Bearer` or `access_token`; a missing or wrong one is OAuthException 190. */
export function graphAuth(token: string): (request: SandboxRequest) => SandboxResponse | undefined {
	return (request) => {
		const header = request.headers.authorization;
		const presented = typeof header === 'string' && /^(bearer|oauth)\s+/i.test(header) ? header.replace(/^\S+\s+/, '') : (request.query.get('access_token') ?? undefined);
		if (presented === undefined) return graphError(400, 2500, 'An active access token must be used to query information about the current user.');
		return presented === token ? undefined : graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
	};
}

/** A version segment Meta serves (v18.0 and later here). */
export function checkVersion(request: SandboxRequest): void {
	const version = /^v(\d+)\.0$/.exec(request.params.version ?? '');
	if (!version || Number(version[1]) < 18) throw new SandboxError(graphError(400, 2635, `You are calling a deprecated version of the Graph API (${request.params.version ?? 'none'}). Please update to the latest version.`));
}

/** A parameter from the body (JSON or form) or the query. */
export function param(request: SandboxRequest, name: string): unknown {
	const body = request.body as Record<string, unknown> | undefined;
	return body && typeof body === 'object' && name in body ? body[name] : (request.query.get(name) ?? undefined);
}

/** `{"call_count","total_cputime","total_time"}` in percent used of the window that counts the request. */
export function usageHeader(name: string, usage: WindowUsage[]): Record<string, string> {
	const window = usage[0];
	if (!window) return {};
	const used = Math.round(((window.window.limit - window.remaining) / window.window.limit) * 100);
	return { [name]: JSON.stringify({ call_count: used, total_cputime: Math.floor(used / 2), total_time: Math.floor(used / 2) }) };
}

/** `true`, `false`, or their text as a form sends them. */
export const truthy = (value: unknown, fallback: boolean) => (value === undefined ? fallback : value === true || value === 'true' || value === '1');
