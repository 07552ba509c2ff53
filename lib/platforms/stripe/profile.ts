import type { EndpointClass, HttpResponse, PlatformProfile, VendorError } from '../../transport/types';
import type { FailureTable, ProcessorProfile } from '../payments';

export interface StripeErrorBody {
	error?: { type?: string; code?: string; decline_code?: string; message?: string; param?: string };
}

/** The Stripe endpoints this package calls: each named operation has its own 25 a second besides the account's. */
const stripeEndpoints: EndpointClass[] = [
	{ name: 'payment_intent_create', method: 'POST', path: /^\/v1\/payment_intents$/ },
	...['confirm', 'capture', 'cancel'].map((action): EndpointClass => ({ name: `payment_intent_${action}`, method: 'POST', path: new RegExp(`^/v1/payment_intents/[^/]+/${action}$`) })),
];

/**
 * Stripe's limits and error shape as data: 100 requests a second per account live, 25 in test mode (the default
 * here); every endpoint 25 a second unless Stripe says otherwise; the Search API 20 reads a second. Stripe's per-object
 * limit (1,000 updates of one PaymentIntent an hour) is far above what one payment needs and is not declared.
 */
export function stripeProfile(options: { requestsPerSecond?: number } = {}): PlatformProfile {
	return {
		platform: 'stripe',
		endpointClasses: [{ name: 'search', method: 'GET', path: /^\/v1\/[a-z_]+\/search$/ }, ...stripeEndpoints],
		rateWindows: [
			{ name: 'per_second', capacity: options.requestsPerSecond ?? 25, windowMs: 1_000 },
			{ name: 'search', capacity: 20, windowMs: 1_000, endpointClasses: ['search'] },
			...stripeEndpoints.map(({ name }) => ({ name, capacity: 25, windowMs: 1_000, endpointClasses: [name] })),
		],
		retryableCodes: ['idempotency_key_in_use', 'lock_timeout', 'rate_limit'],
		parseError(response: HttpResponse): VendorError | undefined {
			if (response.status < 400) return undefined;
			const error = (response.body as StripeErrorBody | undefined)?.error ?? {};
			return {
				message: error.message ?? `Stripe answered HTTP ${response.status}`,
				code: error.decline_code ?? error.code ?? error.type,
				rateLimited: response.status === 429,
				// Stripe saves a 500 under the idempotency key and replays it: repeating it cannot help.
				retryable: error.type === 'api_error' ? false : undefined,
			};
		},
	};
}

/** Stripe decline and error codes (`decline_code`, else `code`, else `type`). */
export const stripeFailures: FailureTable = {
	codes: {
		generic_decline: 'hard_decline',
		card_declined: 'hard_decline',
		insufficient_funds: 'hard_decline',
		lost_card: 'hard_decline',
		stolen_card: 'hard_decline',
		pickup_card: 'hard_decline',
		fraudulent: 'hard_decline',
		do_not_honor: 'hard_decline',
		expired_card: 'hard_decline',
		incorrect_cvc: 'hard_decline',
		invalid_cvc: 'hard_decline',
		incorrect_number: 'hard_decline',
		invalid_expiry_month: 'hard_decline',
		invalid_expiry_year: 'hard_decline',
		restricted_card: 'hard_decline',
		card_velocity_exceeded: 'hard_decline',
		transaction_not_allowed: 'hard_decline',
		authentication_required: 'hard_decline',
		// The customer failed (or abandoned) 3-D Secure: a decline, never a processor failure.
		payment_intent_authentication_failure: 'hard_decline',
		processing_error: 'processor_failure',
		try_again_later: 'processor_failure',
		issuer_not_available: 'processor_failure',
		api_error: 'processor_failure',
		rate_limit: 'processor_failure',
		idempotency_key_in_use: 'unknown',
		// The key was first used with other parameters: that first request may have charged.
		idempotency_error: 'unknown',
	},
	unknownDecline: 'hard_decline',
};

/** Stripe's list prices, coverage and typical speed: the router's priors until the merchant's own figures replace them. */
export const stripeRoutingProfile: ProcessorProfile = {
	processor: 'stripe',
	fees: { '*': { fixedMinor: 30, percent: 2.9 }, EUR: { fixedMinor: 25, percent: 1.5 }, GBP: { fixedMinor: 20, percent: 1.5 } },
	currencies: ['*'],
	countries: ['*'],
	methods: ['card', 'wallet'],
	successRate: 0.95,
	latencyMs: 400,
};
