/** The one HTTP door: every connector's request goes through a `Transport`, which sends through an `HttpClient`. */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
	method: HttpMethod;
	/** Absolute URL, or a path appended to the connector's base URL. */
	url: string;
	headers?: Record<string, string>;
	qs?: Record<string, string | number | boolean | undefined>;
	/** JSON by default; `form` sends application/x-www-form-urlencoded (Stripe). */
	body?: unknown;
	bodyType?: 'json' | 'form';
	timeoutMs?: number;
}

export interface HttpResponse {
	status: number;
	/** Header names in lower case. */
	headers: Record<string, string>;
	body: unknown;
}

/**
 * Sends one request. Resolves for every HTTP status (the transport decides what a status means); rejects only
 * when no response arrived (connection refused or reset, timeout), with a Node-style `code` on the error.
 * Inside n8n the client adds the credential's authentication; outside n8n a plain client does.
 */
export interface HttpClient {
	send(request: HttpRequest): Promise<HttpResponse>;
}

/** One vendor rate window, e.g. 190 requests per 10 s, or 250,000 per day. */
export interface RateWindow {
	name: string;
	capacity: number;
	windowMs: number;
}

/** A vendor header that reports what is left in one window (HubSpot X-HubSpot-RateLimit-Remaining). */
export interface RateHeader {
	window: string;
	remaining: string;
	/** Reads the remaining count from a header that is not a plain number (Salesforce `api-usage=used/max`). */
	parse?: (value: string) => number | undefined;
}

/** What a connector understood from a vendor's error response. */
export interface VendorError {
	message: string;
	code?: string;
	/** Overrides the status-based decision, e.g. Salesforce's 403 REQUEST_LIMIT_EXCEEDED is a rate limit. */
	retryable?: boolean;
	rateLimited?: boolean;
	/** How long the vendor asked us to wait. */
	retryAfterMs?: number;
}

/** A connector's HTTP behaviour as data: where it lives, its limits, how its errors read. */
export interface PlatformProfile {
	platform: string;
	rateWindows: RateWindow[];
	rateHeaders?: RateHeader[];
	/** Vendor error codes that are transient and worth retrying. */
	retryableCodes?: string[];
	/** Reads the vendor's error body; called for every status >= 400 (and for 2xx bodies that report errors). */
	parseError(response: HttpResponse): VendorError | undefined;
}

export interface RetryPolicy {
	maxAttempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** No retry is started once this much time has passed since the first attempt. */
	maxTotalMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
	maxAttempts: 6,
	baseDelayMs: 250,
	maxDelayMs: 20_000,
	maxTotalMs: 120_000,
};
