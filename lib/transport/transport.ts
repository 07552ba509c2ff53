import type { RateBucketRepository } from '../store/rateBuckets';
import type { ConcurrencyGate } from './concurrency';
import { PlatformApiError, redactDeep, redactError, redactSecrets } from './errors';
import { backoffDelay, isNetworkError, networkErrorCode, parseRetryAfter } from './retry';
import {
	defaultRetryPolicy,
	type HttpClient,
	type HttpRequest,
	type HttpResponse,
	type PlatformProfile,
	type RequestCounter,
	type RetryPolicy,
} from './types';
import { endpointClassOf, refusalWaitMs, refusingWindows, windowBuckets, windowsFor, type WindowBucket } from './windows';
import { sleep as defaultSleep } from '../records/sleep';

export interface TransportOptions {
	profile: PlatformProfile;
	client: HttpClient;
	baseUrl: string;
	/** Identifies the account behind the credential: rate windows are shared per platform + account. */
	accountKey: string;
	/** Shared rate windows; without them requests are not paced (limits lifted, e.g. in engine benchmarks). */
	rateBuckets?: RateBucketRepository;
	/** Counts every request sent (retries too: the vendor counts each), for metering API calls; the store's. */
	requestCounter?: RequestCounter;
	/**
	 * Slots for a profile's concurrency limit, shared by every process and worker: the store's `concurrency`. Required
	 * when the profile declares a limit; a process keeping its own count would let every worker open the vendor's limit.
	 */
	concurrency?: ConcurrencyGate;
	retry?: Partial<RetryPolicy>;
	/** Values that must never leave the transport in a message (tokens, keys). */
	secrets?: string[];
	sleep?: (ms: number) => Promise<void>;
	random?: () => number;
	now?: () => number;
}

export interface SendOptions {
	/**
	 * False for writes that are not safe to repeat when the response was lost (a create without an idempotency
	 * key): a network failure then surfaces at once so the caller can look the outcome up instead.
	 */
	replaySafe?: boolean;
}

export interface TransportStats {
	requests: number;
	retries: number;
	rateLimited: number;
	waitedMs: number;
}

interface Outcome {
	response?: HttpResponse;
	error: PlatformApiError;
	/** How long a refused request waits before the vendor can admit it again. */
	retryAfterMs?: number;
	rateLimited: boolean;
	/** The windows a refusal blocks for everyone sending on this account. */
	refusing: WindowBucket[];
}

/**
 * The single HTTP door for every connector: waits for a rate-window token, sends, reads the vendor's rate
 * headers, retries what is worth retrying (429, 5xx, timeouts, resets, the connector's transient codes) with
 * full-jitter backoff and `Retry-After`, and turns everything else into one `PlatformApiError`.
 */
export class Transport {
	readonly stats: TransportStats = { requests: 0, retries: 0, rateLimited: 0, waitedMs: 0 };
	private readonly policy: RetryPolicy;
	private readonly windows: WindowBucket[];
	private readonly sleep: (ms: number) => Promise<void>;
	private readonly now: () => number;

	constructor(private readonly options: TransportOptions) {
		this.policy = { ...defaultRetryPolicy, ...options.retry };
		this.sleep = options.sleep ?? defaultSleep;
		this.now = options.now ?? Date.now;
		this.windows = windowBuckets(options.profile, options.accountKey);
		if (options.profile.concurrencyLimit !== undefined && !options.concurrency) {
			throw new Error(
				`${options.profile.platform} allows ${options.profile.concurrencyLimit} requests open at once per account: its transport needs the store's concurrency slots (the concurrency option), shared by every process`,
			);
		}
	}

	get platform(): string {
		return this.options.profile.platform;
	}

	/** Sends and returns the parsed body of a successful response. */
	async request<T = unknown>(request: HttpRequest, sendOptions?: SendOptions): Promise<T> {
		return (await this.send(request, sendOptions)).body as T;
	}

	/** Sends with pacing and retries; resolves with the successful response or throws `PlatformApiError`. */
	async send(request: HttpRequest, { replaySafe = true }: SendOptions = {}): Promise<HttpResponse> {
		const started = this.now();
		const resolved = { ...request, url: this.resolveUrl(request.url) };
		const covering = windowsFor(this.windows, endpointClassOf(this.options.profile, resolved, this.options.baseUrl));
		for (let attempt = 1; ; attempt++) {
			const takenAt = await this.waitForToken(covering);
			this.stats.requests++;
			await this.options.requestCounter?.count(this.options.profile.platform, this.options.accountKey, takenAt);
			const outcome = await this.holdingConnection(async () => await this.attempt(resolved, attempt, replaySafe, covering));
			await this.options.rateBuckets?.settle(covering.map(({ bucket }) => bucket), takenAt, this.now());
			if ('status' in outcome) return outcome;
			if (outcome.rateLimited) await this.noteRateLimited(outcome.refusing, outcome.retryAfterMs);
			// A refusal waits until the window can admit the request: a shorter backoff would only be refused again.
			const delay = Math.max(outcome.retryAfterMs ?? 0, backoffDelay(this.policy, attempt, this.options.random));
			const giveUp =
				!outcome.error.retryable ||
				attempt >= this.policy.maxAttempts ||
				this.now() - started + delay > this.policy.maxTotalMs;
			if (giveUp) throw outcome.error;
			this.stats.retries++;
			await this.sleep(delay);
		}
	}

	/** Each request holds one of the account's slots while it is open, when the vendor limits concurrency. */
	private async holdingConnection<T>(work: () => Promise<T>): Promise<T> {
		const { concurrency: gate } = this.options;
		const limit = this.options.profile.concurrencyLimit;
		if (limit === undefined || !gate) return await work();
		return await gate.run(`${this.options.profile.platform}:${this.options.accountKey}`, limit, work);
	}

	private async attempt(request: HttpRequest, attempt: number, replaySafe: boolean, covering: WindowBucket[]): Promise<HttpResponse | Outcome> {
		let response: HttpResponse;
		try {
			response = await this.options.client.send(request);
		} catch (error) {
			if (!isNetworkError(error)) throw redactError(error, this.options.secrets ?? []);
			return {
				rateLimited: false,
				refusing: [],
				error: this.error({
					message: `${request.method} ${pathOf(request.url)} failed: no response (${networkErrorCode(error)})`,
					code: networkErrorCode(error),
					retryable: replaySafe,
					attempts: attempt,
				}),
			};
		}
		// A 429 says when to send again (Retry-After, a reset header): its remaining count (0) would hold the whole window.
		if (response.status !== 429) await this.observeRateHeaders(response, covering);
		const vendorError = this.options.profile.parseError(response);
		if (response.status < 400 && !vendorError) return response;
		const rateLimited = response.status === 429 || vendorError?.rateLimited === true;
		const code = vendorError?.code;
		const retryable =
			vendorError?.retryable ??
			(rateLimited ||
				// A 5xx may come after the write was committed: only writes safe to repeat are retried blindly.
				(response.status >= 500 && replaySafe) ||
				response.status === 408 ||
				(code !== undefined && (this.options.profile.retryableCodes ?? []).includes(code)));
		return {
			response,
			rateLimited,
			retryAfterMs: rateLimited
				? refusalWaitMs(this.options.profile, response, vendorError, covering, this.now())
				: (vendorError?.retryAfterMs ?? parseRetryAfter(response.headers['retry-after'], this.now())),
			refusing: rateLimited ? refusingWindows(covering, vendorError) : [],
			error: this.error({
				message: vendorError?.message ?? `HTTP ${response.status}`,
				status: response.status,
				code,
				retryable,
				attempts: attempt,
				responseBody: response.body,
			}),
		};
	}

	private error(details: Omit<ConstructorParameters<typeof PlatformApiError>[0], 'platform'>): PlatformApiError {
		const secrets = this.options.secrets ?? [];
		return new PlatformApiError({
			...details,
			platform: this.options.profile.platform,
			message: redactSecrets(details.message, secrets),
			responseBody: redactDeep(details.responseBody, secrets),
		});
	}

	/** Waits until every window that counts the request admits it; returns when it was let through. */
	private async waitForToken(covering: WindowBucket[]): Promise<number> {
		const store = this.options.rateBuckets;
		if (!store) return this.now();
		const buckets = covering.map(({ bucket }) => bucket);
		for (;;) {
			const now = this.now();
			const wait = await store.take(buckets, now);
			if (wait === 0) return now;
			this.stats.waitedMs += wait;
			await this.sleep(wait);
		}
	}

	/**
	 * A rate header lowers the window it reports, read only from answers to requests that window counts: a vendor that
	 * reports each endpoint's own window in the same header (X) says nothing there about the other endpoints' windows.
	 */
	private async observeRateHeaders(response: HttpResponse, covering: WindowBucket[]): Promise<void> {
		const store = this.options.rateBuckets;
		if (!store) return;
		for (const header of this.options.profile.rateHeaders ?? []) {
			const value = response.headers[header.remaining.toLowerCase()];
			const remaining = value === undefined || value.trim() === '' ? Number.NaN : (header.parse ?? Number)(value) ?? Number.NaN;
			const bucket = covering.find(({ window }) => window.name === header.window)?.bucket;
			if (bucket && Number.isFinite(remaining)) await store.observeRemaining(bucket, remaining, this.now());
		}
	}

	/** Nobody sending on this account uses the refusing windows again before the vendor can admit a request. */
	private async noteRateLimited(refusing: WindowBucket[], retryAfterMs: number | undefined): Promise<void> {
		this.stats.rateLimited++;
		const store = this.options.rateBuckets;
		if (!store || retryAfterMs === undefined) return;
		for (const { bucket } of refusing) await store.blockUntil(bucket, this.now() + retryAfterMs, this.now());
	}

	private resolveUrl(url: string): string {
		if (/^https?:\/\//i.test(url)) return url;
		return `${this.options.baseUrl.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
	}
}

function pathOf(url: string): string {
	try {
		return new URL(url).pathname;
	} catch {
		return url;
	}
}
