import type { HttpResponse, PlatformProfile, VendorError } from '../../transport/types';
import type { FailureTable, ProcessorProfile } from '../payments';

export const SQUARE_VERSION = '2025-08-20';

export interface SquareErrorBody {
	errors?: Array<{ category?: string; code?: string; detail?: string; field?: string }>;
}

/** Square's error shape as data. Square publishes no fixed rate; it answers 429 `RATE_LIMITED` when pressed. */
export function squareProfile(options: { requestsPerSecond?: number } = {}): PlatformProfile {
	return {
		platform: 'square',
		rateWindows: [{ name: 'per_second', capacity: options.requestsPerSecond ?? 20, windowMs: 1_000 }],
		retryableCodes: ['RATE_LIMITED', 'SERVICE_UNAVAILABLE', 'GATEWAY_TIMEOUT', 'INTERNAL_SERVER_ERROR'],
		parseError(response: HttpResponse): VendorError | undefined {
			if (response.status < 400) return undefined;
			const first = (response.body as SquareErrorBody | undefined)?.errors?.[0];
			return {
				message: first?.detail ?? `Square answered HTTP ${response.status}`,
				code: first?.code ?? first?.category,
				rateLimited: response.status === 429 || first?.code === 'RATE_LIMITED',
			};
		},
	};
}

/** Square payment error codes (`errors[0].code`). */
export const squareFailures: FailureTable = {
	codes: {
		GENERIC_DECLINE: 'hard_decline',
		CVV_FAILURE: 'hard_decline',
		ADDRESS_VERIFICATION_FAILURE: 'hard_decline',
		INVALID_ACCOUNT: 'hard_decline',
		INSUFFICIENT_FUNDS: 'hard_decline',
		CARD_EXPIRED: 'hard_decline',
		INVALID_EXPIRATION: 'hard_decline',
		INVALID_CARD: 'hard_decline',
		CARD_NOT_SUPPORTED: 'hard_decline',
		CARD_DECLINED_VERIFICATION_REQUIRED: 'hard_decline',
		TRANSACTION_LIMIT: 'hard_decline',
		VOICE_FAILURE: 'hard_decline',
		PAN_FAILURE: 'hard_decline',
		INVALID_PIN: 'hard_decline',
		CARD_TOKEN_USED: 'hard_decline',
		TEMPORARY_ERROR: 'processor_failure',
		INTERNAL_SERVER_ERROR: 'processor_failure',
		SERVICE_UNAVAILABLE: 'processor_failure',
		GATEWAY_TIMEOUT: 'processor_failure',
		RATE_LIMITED: 'processor_failure',
		UNAUTHORIZED: 'processor_failure',
		// The key was first used with other data: that first request may have charged.
		IDEMPOTENCY_KEY_REUSED: 'unknown',
	},
	unknownDecline: 'hard_decline',
};

/** Square's list prices, coverage and typical speed: the router's priors until the merchant's own figures replace them. */
export const squareRoutingProfile: ProcessorProfile = {
	processor: 'square',
	fees: { '*': { fixedMinor: 30, percent: 2.9 } },
	currencies: ['USD', 'CAD', 'GBP', 'EUR', 'AUD', 'JPY'],
	countries: ['US', 'CA', 'GB', 'IE', 'FR', 'ES', 'AU', 'JP'],
	methods: ['card', 'wallet'],
	successRate: 0.95,
	latencyMs: 500,
};
