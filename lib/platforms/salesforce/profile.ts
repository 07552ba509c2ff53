import type { HttpResponse, PlatformProfile, VendorError } from '../../transport/types';

interface SalesforceError {
	message?: string;
	errorCode?: string;
}

/**
 * Salesforce's limits and errors as data: a rolling 24-hour org request allowance (100,000 by default here; it
 * depends on edition and licences), errors as a JSON array. Running out is 403 REQUEST_LIMIT_EXCEEDED, not 429,
 * and does not clear with a retry within the run.
 */
export function salesforceProfile(options: { dailyRequests?: number } = {}): PlatformProfile {
	return {
		platform: 'salesforce',
		rateWindows: [{ name: 'daily', capacity: options.dailyRequests ?? 100_000, windowMs: 86_400_000 }],
		// Every response reports the org's usage, so our budget follows what other clients of the org spend too.
		rateHeaders: [{ window: 'daily', remaining: 'sforce-limit-info', parse: remainingFromLimitInfo }],
		retryableCodes: ['UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE'],
		parseError(response: HttpResponse): VendorError | undefined {
			if (response.status < 400) return undefined;
			const first = (Array.isArray(response.body) ? response.body[0] : response.body) as SalesforceError | undefined;
			const code = first?.errorCode;
			return {
				message: first?.message ?? `Salesforce answered HTTP ${response.status}`,
				code,
				rateLimited: code === 'REQUEST_LIMIT_EXCEEDED',
				retryable: code === 'REQUEST_LIMIT_EXCEEDED' || code === 'INVALID_SESSION_ID' ? false : undefined,
			};
		},
	};
}

/** `Sforce-Limit-Info: api-usage=10018/100000` → what is left of the daily allowance. */
export function remainingFromLimitInfo(header: string | undefined): number | undefined {
	const match = /api-usage=(\d+)\/(\d+)/.exec(header ?? '');
	return match ? Number(match[2]) - Number(match[1]) : undefined;
}
