import type { HttpResponse, PlatformProfile, VendorError } from '../../transport/types';

interface GraphQlError {
	message?: string;
	extensions?: { code?: string };
}

interface ShopifyBody {
	errors?: GraphQlError[] | string;
	extensions?: { cost?: ShopifyCost };
}

export interface ShopifyCost {
	requestedQueryCost?: number;
	actualQueryCost?: number | null;
	throttleStatus?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

/**
 * Shopify Admin GraphQL: a cost bucket (PLATFORMS.md: restores 100 points/s on standard plans, 1,000 points deep),
 * paced here as requests (an inventory mutation costs about 10 points, so 10 per second sustained, 100 in a burst).
 * A throttled query answers HTTP 200 with `errors: [{message: "Throttled"}]`: parseError reports it as a rate limit
 * and waits exactly until the bucket holds the requested cost again.
 */
export function shopifyProfile(options: { requestsPerSecond?: number; burst?: number } = {}): PlatformProfile {
	return {
		platform: 'shopify',
		rateWindows: [
			{ name: 'graphql_cost_burst', capacity: options.burst ?? 100, windowMs: 10_000 },
			{ name: 'graphql_cost_sustained', capacity: options.requestsPerSecond ?? 10, windowMs: 1_000 },
		],
		retryableCodes: ['THROTTLED', 'INTERNAL_SERVER_ERROR'],
		parseError(response: HttpResponse): VendorError | undefined {
			const body = (response.body ?? {}) as ShopifyBody;
			const errors = body.errors;
			if (response.status < 400 && !(Array.isArray(errors) && errors.length > 0)) return undefined;
			const first = Array.isArray(errors) ? errors[0] : undefined;
			const message = typeof errors === 'string' ? errors : (first?.message ?? `Shopify answered HTTP ${response.status}`);
			const code = first?.extensions?.code ?? (message === 'Throttled' ? 'THROTTLED' : undefined);
			const throttled = code === 'THROTTLED' || response.status === 429;
			return {
				message,
				code,
				rateLimited: throttled,
				retryable: throttled ? true : response.status < 400 ? false : undefined,
				retryAfterMs: throttled ? refillWait(body.extensions?.cost) : undefined,
			};
		},
	};
}

/** How long until the bucket holds the requested cost again. */
function refillWait(cost: ShopifyCost | undefined): number | undefined {
	const status = cost?.throttleStatus;
	if (!status || !cost?.requestedQueryCost || status.restoreRate <= 0) return undefined;
	const missing = cost.requestedQueryCost - status.currentlyAvailable;
	return missing <= 0 ? 0 : Math.ceil((missing / status.restoreRate) * 1000);
}
