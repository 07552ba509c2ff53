/** The shapes every vendor sandbox shares: a request as handlers see it, a response, and what a vendor supplies. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Router } from './router';
import type { RateWindow, WindowUsage } from './rateLimit';
import type { WebhookSigner, WebhookTarget } from './webhooks';

export interface SandboxRequest {
	method: string;
	/** Path without the query string, still percent-encoded (the router decodes path parameters). */
	path: string;
	query: URLSearchParams;
	headers: IncomingHttpHeaders;
	/** The body exactly as received, for vendors that sign or hash it. */
	rawBody: string;
	/** JSON- or form-decoded body; undefined when the request has none. */
	body: unknown;
	/** Path parameters filled in by the router. */
	params: Record<string, string>;
}

export interface SandboxResponse {
	status: number;
	/** Serialised as JSON, except a string or a Buffer, which is sent as it is. */
	body?: unknown;
	headers?: Record<string, string>;
}

export type Handler = (request: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

/** Ends a request early with a ready response; the server sends `response` as it is. */
export class SandboxError extends Error {
	constructor(readonly response: SandboxResponse) {
		super(`sandbox response ${response.status}`);
	}
}

/** Which requests a fault or a rate window applies to. */
export interface RequestMatch {
	method?: string;
	/** A path prefix, or a regular expression when it contains one of ^ $ * + ? ( ) [ ] { } | \ */
	path?: string;
}

/** The vendor's own rate-limit vocabulary: its windows, the headers that report them and its 429. */
export interface VendorRateLimits {
	defaults: RateWindow[];
	/** Headers sent on every API response, from the windows that apply to the request. */
	headers(usage: WindowUsage[]): Record<string, string>;
	/** The vendor's response when `blocked` is exhausted. */
	/** `request`, when known, lets a vendor answer in the shape of the API it was sent to (BigCommerce v2 or v3). */
	rejection(blocked: WindowUsage, retryAfterMs: number, request?: SandboxRequest): SandboxResponse;
}

/** The vendor's bodies for failures the framework produces itself. */
export interface VendorErrors {
	/** A server-side failure: the 'error' fault, or an exception inside a handler. */
	serverError(status: number, request?: SandboxRequest): SandboxResponse;
	notFound(request: SandboxRequest): SandboxResponse;
	/** A body that does not parse. */
	badRequest(message: string): SandboxResponse;
}

/** The vendor's records, as the control API sees them. */
export interface VendorData {
	/** Clears every record and restores the vendor's settings. */
	reset(): void;
	/** Adds records, keyed by collection name; throws SandboxError for input it cannot take. Returns what was stored. */
	seed(data: Record<string, unknown[]>): unknown;
	/** Every collection, or one; undefined for a collection the vendor does not have. */
	state(collection?: string): unknown;
}

/** Vendor-specific knobs (e.g. HubSpot's search index lag), read and changed through `/__control/settings`. */
export interface VendorSettings {
	get(): Record<string, unknown>;
	/** Throws SandboxError for an unknown or invalid setting. */
	update(patch: Record<string, unknown>): Record<string, unknown>;
}

export interface VendorSandbox {
	/** What a client needs to authenticate against this sandbox. */
	credentials: Record<string, string>;
	/** Undefined when the request may proceed; otherwise the vendor's 401/403 response. */
	authenticate(request: SandboxRequest): SandboxResponse | undefined;
	rateLimits: VendorRateLimits;
	errors: VendorErrors;
	/** Registers the vendor's API routes. */
	routes(router: Router): void;
	data: VendorData;
	signWebhook: WebhookSigner;
	settings?: VendorSettings;
	/**
	 * Emits a vendor event (e.g. `{ topic: "orders/create" }`) to the webhooks registered through the vendor's own API,
	 * through `/__control/events`; returns what was emitted. Throws SandboxError for an event it cannot emit.
	 */
	emitEvent?(event: Record<string, unknown>): unknown;
	/** Headers the vendor puts on every API response, errors and faults included (Stripe's `Request-Id`). */
	responseHeaders?(response: SandboxResponse): Record<string, string>;
}

/** What the framework lends a vendor. */
export interface SandboxServices {
	/** Sends one webhook body to every registered target, signed with the vendor's scheme. */
	publishWebhook(payload: unknown): void;
	/** Sends one webhook body to one target the vendor keeps itself (registered through its API), signed by `sign`. */
	deliverWebhook(target: WebhookTarget, payload: unknown, sign: WebhookSigner): void;
	/** The sandbox's own base URL (known once it listens), for links in responses. */
	baseUrl(): string;
}

export type VendorSandboxFactory = (services: SandboxServices) => VendorSandbox;
