/** The one HTTP door: every connector's request goes through a `Transport`, which sends through an `HttpClient`. */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
	method: HttpMethod;
	/** Absolute URL, or a path appended to the connector's base URL. */
	url: string;
	headers?: Record<string, string>;
	qs?: Record<string, string | number | boolean | undefined>;
	/** JSON by default; `form` sends application/x-www-form-urlencoded (Stripe); `binary` sends a Buffer as it is (an image upload). */
	body?: unknown;
	bodyType?: 'json' | 'form' | 'binary';
	/** `binary`: the answer's body comes back as a Buffer, as sent (an image downloaded for a store that takes uploads). */
	responseType?: 'binary';
	timeoutMs?: number;
	/** The vendor's endpoint class (`search`, `bulk`…) when the profile cannot tell it from the method and path. */
	endpointClass?: string;
	/**
	 * Sent without the credential: a URL the vendor signed for another host (Shopify's staged upload target, a bulk
	 * operation's result file), which must never receive the account's token.
	 */
	unauthenticated?: boolean;
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
/** Where a transport counts the requests it sends (the state store's API call counter, for metering). */
export interface RequestCounter {
	count(platform: string, accountKey: string, atMs: number): Promise<void>;
}

export interface HttpClient {
	send(request: HttpRequest): Promise<HttpResponse>;
}

/** One vendor rate window, e.g. 190 requests per 10 s, or 250,000 per day. */
export interface RateWindow {
	name: string;
	capacity: number;
	windowMs: number;
	/**
	 * The endpoint classes this window counts (HubSpot's search endpoints have a 5-per-second window of their own);
	 * absent for an account-wide window, which counts every request, whatever its class.
	 */
	endpointClasses?: string[];
}

/** A group of endpoints a vendor limits on their own, recognised by method and path (the path without the base URL). */
export interface EndpointClass {
	name: string;
	method?: HttpMethod;
	path: RegExp;
}

/** A response header that says when a refused request may be sent again. */
export interface ResetHeader {
	header: string;
	/** `ms` / `seconds`: a delay (BigCommerce X-Rate-Limit-Time-Reset-Ms); `epochSeconds`: a moment (Intercom X-RateLimit-Reset). */
	unit: 'ms' | 'seconds' | 'epochSeconds';
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
	/** The declared window the vendor says refused the request (HubSpot's `policyName`), to wait that window out. */
	window?: string;
}

/** A connector's HTTP behaviour as data: where it lives, its limits, how its errors read. */
export interface PlatformProfile {
	platform: string;
	rateWindows: RateWindow[];
	/** Endpoints the vendor limits on their own; the first that matches a request names its class. */
	endpointClasses?: EndpointClass[];
	rateHeaders?: RateHeader[];
	/** Headers of a refusal that say when to try again, besides `Retry-After`; the first present one counts. */
	resetHeaders?: ResetHeader[];
	/** Vendor error codes that are transient and worth retrying. */
	retryableCodes?: string[];
	/**
	 * Requests the vendor lets one account have open at once (Mailchimp's 10 connections, Marketo's 10 concurrent
	 * calls): the transport holds a slot per request, shared by every worker through the store.
	 */
	concurrencyLimit?: number;
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
