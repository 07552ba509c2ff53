import type { HttpResponse, PlatformProfile, VendorError } from '../../transport/types';

interface MarketoBody {
	success?: boolean;
	errors?: Array<{ code?: string; message?: string }>;
}

/** Marketo allows 10 concurrent calls per instance. */
export const MARKETO_MAX_CONCURRENT = 10;

/** Codes Marketo documents as transient: timeouts, temporary unavailability, "try again". */
const RETRYABLE = ['604', '608', '611', '713', '1029'];
const RATE_LIMITED = ['606', '615'];
const RATE_WINDOW_RETRY_MS = 2_000;
/** 601/602: the access token is invalid or expired (Marketo answers them with HTTP 200). */
export const MARKETO_TOKEN_REFUSED = ['601', '602'];

/**
 * Marketo REST: 100 calls per 20 s and 50,000 per day per instance. Errors usually arrive in an HTTP 200 body
 * `{success:false, errors:[{code, message}]}`; 606 (window exceeded) clears as the rolling 20 s window moves, 607 (daily quota) does not today.
 */
export function marketoProfile(options: { callsPer20s?: number; dailyQuota?: number } = {}): PlatformProfile {
	return {
		platform: 'marketo',
		concurrencyLimit: MARKETO_MAX_CONCURRENT,
		rateWindows: [
			{ name: 'twenty_seconds', capacity: options.callsPer20s ?? 100, windowMs: 20_000 },
			{ name: 'daily', capacity: options.dailyQuota ?? 50_000, windowMs: 86_400_000 },
		],
		retryableCodes: RETRYABLE,
		parseError(response: HttpResponse): VendorError | undefined {
			const body = (typeof response.body === 'object' && response.body !== null ? response.body : {}) as MarketoBody;
			if (response.status < 400 && body.success !== false) return undefined;
			const first = body.errors?.[0];
			const code = first?.code === undefined ? undefined : String(first.code);
			return {
				message: first?.message ? `${first.message} (${code})` : `Marketo answered HTTP ${response.status}`,
				code,
				rateLimited: code !== undefined && RATE_LIMITED.includes(code),
				// The 20 s window is rolling: room frees as the oldest calls leave it, so wait a little, not a whole window.
				retryAfterMs: code === '606' ? RATE_WINDOW_RETRY_MS : undefined,
				retryable: code === '607' || (code !== undefined && MARKETO_TOKEN_REFUSED.includes(code)) ? false : undefined,
			};
		},
	};
}

export function isMarketoTokenRefusal(response: HttpResponse): boolean {
	const body = (response.body ?? {}) as MarketoBody;
	return response.status === 401 || (body.success === false && (body.errors ?? []).some((error) => MARKETO_TOKEN_REFUSED.includes(String(error.code))));
}
