import type { HttpResponse, PlatformProfile, VendorError } from '../../transport/types';

interface IntercomErrorList {
	type?: string;
	errors?: Array<{ code?: string; message?: string; field?: string }>;
}

/** Intercom: 10,000 calls a minute per app, spread over 10-second windows (≈1,666 each); errors as `error.list`. */
export function intercomProfile(options: { requestsPer10s?: number } = {}): PlatformProfile {
	return {
		platform: 'intercom',
		rateWindows: [{ name: 'ten_seconds', capacity: options.requestsPer10s ?? 1666, windowMs: 10_000 }],
		rateHeaders: [{ window: 'ten_seconds', remaining: 'x-ratelimit-remaining' }],
		// When the 10-second window starts over, as a Unix time.
		resetHeaders: [{ header: 'x-ratelimit-reset', unit: 'epochSeconds' }],
		retryableCodes: ['service_unavailable', 'server_error'],
		parseError(response: HttpResponse): VendorError | undefined {
			if (response.status < 400) return undefined;
			const first = ((response.body ?? {}) as IntercomErrorList).errors?.[0];
			return {
				message: first?.message ?? `Intercom answered HTTP ${response.status}`,
				code: first?.code,
				rateLimited: response.status === 429,
				// A 409 names the existing contact: the connector links it, a retry would not help.
				retryable: response.status === 409 ? false : undefined,
			};
		},
	};
}
