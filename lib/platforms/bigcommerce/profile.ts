import type { HttpResponse, PlatformProfile, VendorError } from '../../transport/types';

interface V2Error {
	status?: number;
	message?: string;
}

interface ProblemBody {
	status?: number;
	title?: string;
	errors?: Record<string, string>;
}

/**
 * BigCommerce v3: requests per 30-second window (150 on Standard and Plus, 450 on Pro), reported by
 * X-Rate-Limit-Requests-Left; a 429 names the wait in X-Rate-Limit-Time-Reset-Ms.
 */
export function bigCommerceProfile(options: { requestsPer30s?: number } = {}): PlatformProfile {
	return {
		platform: 'bigcommerce',
		rateWindows: [{ name: 'thirty_seconds', capacity: options.requestsPer30s ?? 150, windowMs: 30_000 }],
		rateHeaders: [{ window: 'thirty_seconds', remaining: 'x-rate-limit-requests-left' }],
		resetHeaders: [{ header: 'x-rate-limit-time-reset-ms', unit: 'ms' }],
		parseError(response: HttpResponse): VendorError | undefined {
			if (response.status < 400) return undefined;
			// v3 answers problem+json; v2 (orders) a list of {status, message}.
			const listed = Array.isArray(response.body) ? (response.body as V2Error[]).map((entry) => entry?.message).filter(Boolean).join('; ') : '';
			const body = (Array.isArray(response.body) ? {} : (response.body ?? {})) as ProblemBody;
			const details = body.errors ? Object.values(body.errors).join('; ') : '';
			return {
				message: [body.title ?? (listed || `BigCommerce answered HTTP ${response.status}`), details].filter(Boolean).join(': '),
				rateLimited: response.status === 429,
			};
		},
	};
}
