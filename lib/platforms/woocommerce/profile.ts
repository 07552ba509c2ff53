import type { HttpResponse, PlatformProfile, VendorError } from '../../transport/types';

interface WooErrorBody {
	code?: string;
	message?: string;
	data?: { status?: number };
}

/** WooCommerce REST v3 is self-hosted: no vendor rate limit, so only a polite default pace (override per site). */
export function wooCommerceProfile(options: { requestsPerSecond?: number } = {}): PlatformProfile {
	return {
		platform: 'woocommerce',
		rateWindows: [{ name: 'site', capacity: options.requestsPerSecond ?? 25, windowMs: 1_000 }],
		parseError(response: HttpResponse): VendorError | undefined {
			if (response.status < 400) return undefined;
			const body = (response.body ?? {}) as WooErrorBody;
			return { message: body.message ?? `WooCommerce answered HTTP ${response.status}`, code: body.code };
		},
	};
}
