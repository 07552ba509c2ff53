import type { PlatformProfile, HttpResponse, VendorError } from '../../transport/types';

interface HubSpotErrorBody {
	message?: string;
	category?: string;
	errorType?: string;
	policyName?: string;
}

/** HubSpot's limits and error shape as data (PLATFORMS.md: 190 per rolling 10 s for private apps, plus a daily quota). */
export function hubSpotProfile(options: { requestsPer10s?: number; dailyQuota?: number } = {}): PlatformProfile {
	return {
		platform: 'hubspot',
		rateWindows: [
			{ name: 'ten_secondly', capacity: options.requestsPer10s ?? 190, windowMs: 10_000 },
			{ name: 'daily', capacity: options.dailyQuota ?? 1_000_000, windowMs: 86_400_000 },
		],
		rateHeaders: [
			{ window: 'ten_secondly', remaining: 'x-hubspot-ratelimit-remaining' },
			{ window: 'daily', remaining: 'x-hubspot-ratelimit-daily-remaining' },
		],
		retryableCodes: ['INTERNAL_ERROR', 'SERVICE_UNAVAILABLE'],
		parseError(response: HttpResponse): VendorError | undefined {
			if (response.status < 400) return undefined;
			const body = (response.body ?? {}) as HubSpotErrorBody;
			return {
				message: body.message ?? `HubSpot answered HTTP ${response.status}`,
				code: body.category ?? body.errorType,
				rateLimited: body.errorType === 'RATE_LIMIT' || response.status === 429,
				// A daily quota refusal will not clear with a retry today.
				retryable: body.policyName === 'DAILY' ? false : undefined,
			};
		},
	};
}
