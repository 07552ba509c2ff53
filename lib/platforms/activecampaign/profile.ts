import type { HttpResponse, PlatformProfile, VendorError } from '../../transport/types';

interface ActiveCampaignError {
	message?: string;
	errors?: Array<{ title?: string; detail?: string; code?: string }>;
}

/** ActiveCampaign v3: 5 requests per second per account; a 429 carries `Retry-After` (seconds), which the transport honours. */
export function activeCampaignProfile(options: { requestsPerSecond?: number } = {}): PlatformProfile {
	return {
		platform: 'activecampaign',
		rateWindows: [{ name: 'second', capacity: options.requestsPerSecond ?? 5, windowMs: 1000 }],
		parseError(response: HttpResponse): VendorError | undefined {
			if (response.status < 400) return undefined;
			const body = (typeof response.body === 'object' && response.body !== null ? response.body : {}) as ActiveCampaignError;
			const first = body.errors?.[0];
			return {
				message: first ? [first.title, first.detail].filter(Boolean).join(': ') : (body.message ?? `ActiveCampaign answered HTTP ${response.status}`),
				code: first?.code,
				rateLimited: response.status === 429,
			};
		},
	};
}
