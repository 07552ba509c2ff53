import type { HttpResponse, PlatformProfile, VendorError } from '../../transport/types';
import type { FailureTable, ProcessorProfile } from '../payments';

export interface PayPalErrorBody {
	name?: string;
	message?: string;
	debug_id?: string;
	details?: Array<{ field?: string; issue?: string; description?: string }>;
	/** OAuth errors use these instead. */
	error?: string;
	error_description?: string;
}

/** A cheap authenticated GET, for making n8n see a 401 and refresh the credential's token. */
export const PAYPAL_REFRESH_PROBE_PATH = '/v1/notifications/webhooks-event-types';

/** The issue that explains a PayPal error: the first detail's `issue`, else the error's name. */
export function payPalIssue(body: PayPalErrorBody | undefined): string | undefined {
	return body?.details?.[0]?.issue ?? body?.name ?? body?.error;
}

/** PayPal's error shape as data. PayPal publishes no fixed rate; it answers 429 `RATE_LIMIT_REACHED`. */
export function payPalProfile(options: { requestsPerSecond?: number } = {}): PlatformProfile {
	return {
		platform: 'paypal',
		rateWindows: [{ name: 'per_second', capacity: options.requestsPerSecond ?? 50, windowMs: 1_000 }],
		retryableCodes: ['RATE_LIMIT_REACHED', 'INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE'],
		parseError(response: HttpResponse): VendorError | undefined {
			if (response.status < 400) return undefined;
			const body = response.body as PayPalErrorBody | undefined;
			const detail = body?.details?.[0];
			return {
				message: detail?.description ?? body?.message ?? body?.error_description ?? `PayPal answered HTTP ${response.status}`,
				code: payPalIssue(body),
				rateLimited: response.status === 429,
			};
		},
	};
}

/** PayPal Orders v2 issues (`details[0].issue`). */
export const payPalFailures: FailureTable = {
	codes: {
		INSTRUMENT_DECLINED: 'hard_decline',
		TRANSACTION_REFUSED: 'hard_decline',
		PAYER_ACTION_REQUIRED: 'hard_decline',
		PAYER_CANNOT_PAY: 'hard_decline',
		CARD_EXPIRED: 'hard_decline',
		CARD_CLOSED: 'hard_decline',
		INVALID_SECURITY_CODE_LENGTH: 'hard_decline',
		COMPLIANCE_VIOLATION: 'hard_decline',
		PAYEE_BLOCKED_TRANSACTION: 'processor_failure',
		ORDER_NOT_APPROVED: 'processor_failure',
		CURRENCY_NOT_SUPPORTED: 'processor_failure',
		INTERNAL_SERVER_ERROR: 'processor_failure',
		SERVICE_UNAVAILABLE: 'processor_failure',
		AUTHENTICATION_FAILURE: 'processor_failure',
		invalid_client: 'processor_failure',
		RATE_LIMIT_REACHED: 'processor_failure',
		// An order with this invoice id exists already: it may have been captured.
		DUPLICATE_INVOICE_ID: 'unknown',
	},
	unknownDecline: 'hard_decline',
};

/** PayPal's list prices, coverage and typical speed: the router's priors until the merchant's own figures replace them. */
export const payPalRoutingProfile: ProcessorProfile = {
	processor: 'paypal',
	fees: { '*': { fixedMinor: 49, percent: 3.49 } },
	currencies: ['*'],
	countries: ['*'],
	methods: ['paypal', 'card'],
	successRate: 0.93,
	latencyMs: 900,
};
