import type { HttpResponse, PlatformProfile, VendorError } from '../../transport/types';

/** The minor version every request pins (QuickBooks reads any version below 75 as 75 since 2025). */
export const QUICKBOOKS_MINOR_VERSION = '75';

export const quickBooksProductionUrl = 'https://quickbooks.api.intuit.com';
export const quickBooksSandboxUrl = 'https://sandbox-quickbooks.api.intuit.com';

interface FaultError {
	Message?: string;
	Detail?: string | null;
	code?: string;
	message?: string;
	detail?: string | null;
}

/** `{"Fault":{"Error":[…],"type"}}`, or the gateway's lower-case `{"fault":{"error":[…],"type"}}` on a refused token. */
export interface QuickBooksFaultBody {
	Fault?: { Error?: FaultError[]; type?: string };
	fault?: { error?: FaultError[]; type?: string };
}

/** The first error of a Fault body: its code, message and detail, whichever envelope carried it. */
export function quickBooksFault(body: unknown): { type?: string; code?: string; message: string } | undefined {
	const envelope = (body as QuickBooksFaultBody | undefined)?.Fault ?? (body as QuickBooksFaultBody | undefined)?.fault;
	if (!envelope) return undefined;
	const error = ('Error' in envelope ? envelope.Error : (envelope as { error?: FaultError[] }).error)?.[0] ?? {};
	const message = error.Message ?? error.message ?? 'QuickBooks refused the request';
	const detail = error.Detail ?? error.detail;
	return { type: envelope.type, code: error.code, message: detail ? `${message}: ${detail}` : message };
}

/**
 * QuickBooks Online's limits and faults as data: 500 requests a minute per realm and 10 at once per realm and app, both
 * refused with 429 ThrottleExceeded (code 3001), which sends no Retry-After: the transport waits the minute window out
 * (`throttleWaitMs` shortens that wait, for sandboxes whose windows are shorter).
 */
export function quickBooksProfile(options: { throttleWaitMs?: number } = {}): PlatformProfile {
	return {
		platform: 'quickbooks',
		rateWindows: [{ name: 'realm_per_minute', capacity: 500, windowMs: 60_000 }],
		concurrencyLimit: 10,
		retryableCodes: ['3001', '10000'],
		parseError(response: HttpResponse): VendorError | undefined {
			const fault = quickBooksFault(response.body);
			if (response.status < 400 && !fault) return undefined;
			return {
				message: fault?.message ?? `QuickBooks answered HTTP ${response.status}`,
				code: fault?.code,
				rateLimited: response.status === 429 || fault?.code === '3001',
				retryAfterMs: response.status === 429 ? options.throttleWaitMs : undefined,
			};
		},
	};
}
