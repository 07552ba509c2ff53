import type { HttpResponse, PlatformProfile, VendorError } from '../../transport/types';

export const xProductionUrl = 'https://api.x.com';

interface XProblem {
	title?: string;
	detail?: string;
	type?: string;
	status?: number;
	errors?: Array<{ message?: string; code?: number | string }>;
}

/** X's refusal of a post whose text the user already posted: the neutral code the publisher looks the post up on. */
export const DUPLICATE_CONTENT = 'duplicate_content';

/** A v2 problem (`{title, detail, type, status}`), or the v1-style `{errors: [{message, code}]}` a 429 may carry. */
export function xError(response: HttpResponse): VendorError | undefined {
	if (response.status < 400) return undefined;
	const body = (response.body && typeof response.body === 'object' ? response.body : {}) as XProblem;
	const message = body.detail ?? body.errors?.[0]?.message ?? body.title ?? `X answered HTTP ${response.status}`;
	const duplicate = response.status === 403 && /duplicate content/i.test(message);
	return {
		message,
		code: duplicate ? DUPLICATE_CONTENT : body.errors?.[0]?.code !== undefined ? String(body.errors[0].code) : body.title,
		rateLimited: response.status === 429,
	};
}

/**
 * X API v2's per-user limits for a user token, as data: creating posts 200 per 15 minutes and 300 per 3 hours (shared
 * with reposts), deleting 50 per 15 minutes, reading a user's posts 900 per 15 minutes. Lower plans allow fewer (the
 * Free plan's few posts a day): every answer reports the endpoint's window in x-rate-limit-limit / -remaining / -reset,
 * the remaining count lowers the budget here, and a 429 waits until x-rate-limit-reset (X sends no Retry-After).
 */
export function xProfile(): PlatformProfile {
	return {
		platform: 'x',
		endpointClasses: [
			{ name: 'create_post', method: 'POST', path: /^\/2\/tweets$/ },
			{ name: 'delete_post', method: 'DELETE', path: /^\/2\/tweets\/[^/]+$/ },
			{ name: 'user_posts', method: 'GET', path: /^\/2\/users\/[^/]+\/tweets$/ },
		],
		rateWindows: [
			{ name: 'create_post_15m', capacity: 200, windowMs: 15 * 60_000, endpointClasses: ['create_post'] },
			{ name: 'create_post_3h', capacity: 300, windowMs: 3 * 3_600_000, endpointClasses: ['create_post'] },
			{ name: 'delete_post_15m', capacity: 50, windowMs: 15 * 60_000, endpointClasses: ['delete_post'] },
			{ name: 'user_posts_15m', capacity: 900, windowMs: 15 * 60_000, endpointClasses: ['user_posts'] },
		],
		// Each header reports the window of the endpoint answered; it is read only for requests that window counts.
		rateHeaders: [
			{ window: 'create_post_15m', remaining: 'x-rate-limit-remaining' },
			{ window: 'delete_post_15m', remaining: 'x-rate-limit-remaining' },
			{ window: 'user_posts_15m', remaining: 'x-rate-limit-remaining' },
		],
		resetHeaders: [{ header: 'x-rate-limit-reset', unit: 'epochSeconds' }],
		parseError: xError,
	};
}
