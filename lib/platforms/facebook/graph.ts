/** Meta's Graph API, as Facebook Pages and Instagram share it: the error body, the rate-limit codes and usage headers. */
import type { HttpResponse, PlatformProfile, RateWindow, VendorError } from '../../transport/types';

/** The Graph API version every request names in its base URL. */
export const GRAPH_VERSION = 'v24.0';
export const graphProductionUrl = `https://graph.facebook.com/${GRAPH_VERSION}`;

interface GraphErrorBody {
	error?: { message?: string; type?: string; code?: number; error_subcode?: number; fbtrace_id?: string };
}

/** Codes by which the Graph API says a rate limit was reached (application, user, page, custom, business use case). */
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80001, 80002]);

/**
 * `{"error":{"message","type","code","error_subcode","fbtrace_id"}}`; a rate limit is waited out. A 5xx is retried
 * only for requests safe to repeat (the transport's rule): a publish that may have landed is looked up instead.
 */
export function graphError(response: HttpResponse): VendorError | undefined {
	const error = (response.body as GraphErrorBody | undefined)?.error;
	if (response.status < 400 && !error) return undefined;
	const code = error?.code;
	return {
		message: error?.message ?? `The Graph API answered HTTP ${response.status}`,
		code: code === undefined ? undefined : String(code),
		rateLimited: response.status === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code)),
	};
}

/**
 * The share of a usage header's quota left (X-App-Usage, X-Page-Usage: `{"call_count","total_cputime","total_time"}`
 * in percent used), as a count of `capacity`.
 */
export function remainingFromUsage(capacity: number): (value: string) => number | undefined {
	return (value) => {
		try {
			const usage = JSON.parse(value) as Record<string, unknown>;
			const used = Math.max(...['call_count', 'total_cputime', 'total_time'].map((field) => Number(usage[field] ?? 0)));
			return Number.isFinite(used) ? Math.max(0, Math.floor(((100 - used) / 100) * capacity)) : undefined;
		} catch {
			return undefined;
		}
	};
}

/**
 * A Graph API profile: a window of `window.capacity` calls, lowered by the usage header's percentage, and the Graph
 * API's error body and rate-limit codes.
 */
export function graphProfile(platform: string, window: RateWindow, usageHeader: string, endpointClasses?: PlatformProfile['endpointClasses']): PlatformProfile {
	return {
		platform,
		endpointClasses,
		rateWindows: [window],
		rateHeaders: [{ window: window.name, remaining: usageHeader, parse: remainingFromUsage(window.capacity) }],
		parseError: graphError,
	};
}
