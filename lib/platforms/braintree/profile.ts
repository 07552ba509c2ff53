import type { HttpResponse, PlatformProfile, VendorError } from '../../transport/types';
import type { FailureTable, ProcessorProfile } from '../payments';
import { apiErrorCodes } from './gateway';
import { GatewayXmlError, readGatewayXml } from './xml';

export const BRAINTREE_VERSION = '2019-01-01';

export interface BraintreeGraphQlError {
	message?: string;
	extensions?: { errorClass?: string; legacyCode?: string };
}

export interface BraintreeBody {
	data?: Record<string, unknown> | null;
	errors?: BraintreeGraphQlError[];
}

/**
 * Braintree GraphQL answers 200 even for errors, in `errors[]`. A response whose data still carries a transaction
 * (a decline) is not an error here: the connector reads the transaction's status. 5xx are never repeated blindly:
 * a charge has no idempotency field, so the connector looks the order id up first.
 */
export function braintreeProfile(options: { requestsPerSecond?: number } = {}): PlatformProfile {
	return {
		platform: 'braintree',
		rateWindows: [{ name: 'per_second', capacity: options.requestsPerSecond ?? 50, windowMs: 1_000 }],
		parseError(response: HttpResponse): VendorError | undefined {
			if (typeof response.body === 'string' || response.body === undefined) return gatewayError(response);
			const body = response.body as BraintreeBody | undefined;
			const errors = body?.errors ?? [];
			const carriesData = Object.values(body?.data ?? {}).some((value) => value !== null);
			if (response.status < 400 && (errors.length === 0 || carriesData)) return undefined;
			const first = errors[0];
			return {
				message: first?.message ?? `Braintree answered HTTP ${response.status}`,
				code: first?.extensions?.legacyCode ?? first?.extensions?.errorClass,
				rateLimited: response.status === 429,
				retryable: response.status >= 500 ? false : undefined,
			};
		},
	};
}

/**
 * The gateway API (XML) answers a refusal with HTTP 422 and an `<api-error-response>` (a message and validation errors
 * nested by object, each with its code); 401, 404, 426, 429 and 5xx come with no body.
 */
function gatewayError(response: HttpResponse): VendorError | undefined {
	if (response.status < 400) return undefined;
	const fallback = { message: `Braintree answered HTTP ${response.status}`, rateLimited: response.status === 429, retryable: response.status >= 500 ? false : undefined };
	if (typeof response.body !== 'string' || !response.body.includes('<api-error-response')) return fallback;
	try {
		const refusal = readGatewayXml(response.body).apiErrorResponse;
		const details = refusal !== null && typeof refusal === 'object' && !Array.isArray(refusal) ? refusal : {};
		const code = apiErrorCodes(details.errors)[0];
		return { ...fallback, message: typeof details.message === 'string' && details.message !== '' ? details.message : fallback.message, code };
	} catch (error) {
		if (error instanceof GatewayXmlError) return fallback;
		throw error;
	}
}

/** Braintree processor response codes and gateway rejection reasons. */
export const braintreeFailures: FailureTable = {
	codes: {
		APPLICATION_INCOMPLETE: 'processor_failure',
		MANUAL_TRANSACTIONS_DISABLED: 'processor_failure',
		TOKEN_ISSUANCE: 'processor_failure',
		EXCESSIVE_RETRY: 'processor_failure',
		AVS: 'hard_decline',
		CVV: 'hard_decline',
		AVS_AND_CVV: 'hard_decline',
		FRAUD: 'hard_decline',
		RISK_THRESHOLD: 'hard_decline',
		PAYMENT_METHOD_BLOCKED: 'hard_decline',
		THREE_D_SECURE: 'hard_decline',
		// An earlier transaction with the same details exists: it may be ours.
		DUPLICATE: 'unknown',
		AUTHENTICATION: 'processor_failure',
		AUTHORIZATION: 'processor_failure',
		INTERNAL: 'processor_failure',
		SERVICE_AVAILABILITY: 'processor_failure',
	},
	ranges: [
		{ from: 2000, to: 2999, kind: 'hard_decline' },
		{ from: 3000, to: 3999, kind: 'processor_failure' },
	],
	unknownDecline: 'hard_decline',
};

/** Braintree's list prices, coverage and typical speed: the router's priors until the merchant's own figures replace them. */
export const braintreeRoutingProfile: ProcessorProfile = {
	processor: 'braintree',
	fees: { '*': { fixedMinor: 49, percent: 2.59 } },
	currencies: ['*'],
	countries: ['*'],
	methods: ['card', 'paypal', 'wallet'],
	successRate: 0.94,
	latencyMs: 600,
};
