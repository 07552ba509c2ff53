import type { PlatformProfile, HttpResponse, VendorError } from '../../transport/types';

interface HubSpotErrorBody {
	message?: string;
	category?: string;
	errorType?: string;
	policyName?: string;
}

/** HubSpot's window names (`policyName` of a 429) → the profile's. */
const windowOfPolicy: Record<string, string> = {
	TEN_SECONDLY_ROLLING: 'ten_secondly',
	SECONDLY: 'search_secondly',
	DAILY: 'daily',
};

/**
 * HubSpot's limits and error shape as data (PLATFORMS.md: 190 per rolling 10 s for private apps, plus a daily quota).
 * The CRM search endpoints have a window of their own besides: five requests a second per token, reported in no
 * header and refused with `policyName: "SECONDLY"`; a search counts in the 10-second and daily windows too.
 */
export function hubSpotProfile(options: { requestsPer10s?: number; dailyQuota?: number; searchesPerSecond?: number } = {}): PlatformProfile {
	return {
		platform: 'hubspot',
		endpointClasses: [{ name: 'search', method: 'POST', path: /^\/crm\/v3\/objects\/[^/]+\/search$/ }],
		rateWindows: [
			{ name: 'ten_secondly', capacity: options.requestsPer10s ?? 190, windowMs: 10_000 },
			{ name: 'daily', capacity: options.dailyQuota ?? 1_000_000, windowMs: 86_400_000 },
			{ name: 'search_secondly', capacity: options.searchesPerSecond ?? 5, windowMs: 1_000, endpointClasses: ['search'] },
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
				window: body.policyName ? windowOfPolicy[body.policyName] : undefined,
				// A daily quota refusal will not clear with a retry today.
				retryable: body.policyName === 'DAILY' ? false : undefined,
			};
		},
	};
}
