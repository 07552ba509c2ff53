/**
 * Sends one envelope to one destination: Standard Webhooks signing for webhooks, a body template for HTTP APIs,
 * per-destination timeout, throttle (a rate window in the store), bounded exponential retries with jitter (both
 * through the transport) and a circuit breaker. Every delivery carries its idempotency key.
 */
import type { CircuitBreakers } from '../store/circuitBreakers';
import type { RateBucketRepository } from '../store/rateBuckets';
import { PlatformApiError, Transport, type HttpClient, type HttpRequest, type HttpResponse, type PlatformProfile, type RateWindow } from '../transport';
import { CircuitOpenError, DestinationCircuit } from './circuitBreaker';
import { readPath, splitPath } from '../records/paths';
import { signHeaders } from './standardWebhooks';
import type { DeliveredEnvelope, DestinationSpec } from './types';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const defaultDestinationRetry = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 10_000, maxTotalMs: 60_000 };

/** Secrets for destinations, from the node's credentials; never logged, redacted from every error. */
export interface DestinationSecrets {
	/** The `whsec_…` secret a webhook destination is signed with. */
	signingSecret(destinationId: string): string | undefined;
	/** A bearer token a webhook destination also wants (optional). */
	bearerToken?(destinationId: string): string | undefined;
}

export interface DeliveryEnvironment {
	/** The client that sends to a destination (inside n8n, HTTP API destinations go through their credential). */
	clientFor(destination: DestinationSpec): HttpClient;
	secrets: DestinationSecrets;
	/** Base URL for HTTP API destinations whose url is a path. */
	httpBaseUrl?: string;
	rateBuckets?: RateBucketRepository;
	/** The store's circuit breakers, shared by every worker; needed by destinations with a circuit breaker. */
	circuits?: CircuitBreakers;
	sleep?: (ms: number) => Promise<void>;
	now?: () => number;
	random?: () => number;
}

export interface DeliveryReceipt {
	attempts: number;
	httpStatus: number;
}

/** A delivery that did not succeed: how many attempts, the last status, and why. */
export class DeliveryError extends Error {
	constructor(
		message: string,
		readonly attempts: number,
		readonly httpStatus?: number,
	) {
		super(message);
		this.name = 'DeliveryError';
	}
}

function throttleWindows(ratePerSecond: number | undefined): RateWindow[] {
	if (!ratePerSecond) return [];
	if (ratePerSecond >= 1) return [{ name: 'throttle', capacity: Math.floor(ratePerSecond), windowMs: 1000 }];
	return [{ name: 'throttle', capacity: 1, windowMs: Math.ceil(1000 / ratePerSecond) }];
}

function destinationProfile(destination: DestinationSpec): PlatformProfile {
	return {
		platform: `destination:${destination.id}`,
		rateWindows: throttleWindows(destination.ratePerSecond),
		parseError: (response) => {
			if (response.status < 400) return undefined;
			const body = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? '');
			return { message: `HTTP ${response.status}${body ? `: ${body.slice(0, 200)}` : ''}` };
		},
	};
}

/** Fills `{{path}}` placeholders from the envelope; a string that is only a placeholder takes the value as it is. */
export function renderTemplate(template: unknown, envelope: DeliveredEnvelope): unknown {
	if (typeof template === 'string') {
		const whole = /^\{\{\s*([\w.$@-]+)\s*\}\}$/.exec(template);
		if (whole) return readPath(envelope, splitPath(whole[1])).value ?? null;
		return template.replace(/\{\{\s*([\w.$@-]+)\s*\}\}/g, (_, path: string) => {
			const value = readPath(envelope, splitPath(path)).value;
			return value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
		});
	}
	if (Array.isArray(template)) return template.map((item) => renderTemplate(item, envelope));
	if (typeof template === 'object' && template !== null) {
		return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, renderTemplate(value, envelope)]));
	}
	return template;
}

/**
 * A circuit outcome the store could not record is dropped: the delivery's own outcome (done, or its error) is what the
 * caller must learn, and one uncounted outcome only delays or hastens the circuit by one.
 */
async function recordOutcome(recording: Promise<void> | undefined): Promise<void> {
	await recording?.catch(() => undefined);
}

export class DestinationChannel {
	constructor(
		private readonly destination: DestinationSpec,
		private readonly environment: DeliveryEnvironment,
	) {}

	/** Delivers or throws DeliveryError after the retries (or at once when the circuit is open). */
	async deliver(envelope: DeliveredEnvelope, idempotencyKey: string): Promise<DeliveryReceipt> {
		const { destination, environment } = this;
		const breaker = this.circuit();
		const { request, secrets, client } = this.buildRequest(envelope, idempotencyKey);
		try {
			await breaker?.admit();
		} catch (error) {
			if (!(error instanceof CircuitOpenError)) throw error;
			throw new DeliveryError(error.message, 0);
		}
		const transport = new Transport({
			profile: destinationProfile(destination),
			client,
			baseUrl: environment.httpBaseUrl ?? '',
			accountKey: destination.id,
			rateBuckets: environment.rateBuckets,
			retry: { ...defaultDestinationRetry, ...destination.retry },
			secrets,
			sleep: environment.sleep,
			now: environment.now,
			random: environment.random,
		});
		let response: HttpResponse;
		try {
			response = await transport.send(request);
		} catch (error) {
			await recordOutcome(breaker?.failure());
			if (error instanceof PlatformApiError) throw new DeliveryError(error.message, error.attempts, error.status);
			throw new DeliveryError((error as Error).message, transport.stats.requests);
		}
		await recordOutcome(breaker?.success());
		return { attempts: transport.stats.requests, httpStatus: response.status };
	}

	private circuit(): DestinationCircuit | undefined {
		const { destination, environment } = this;
		if (!destination.circuitBreaker) return undefined;
		if (!environment.circuits) throw new DeliveryError(`destination "${destination.id}" has a circuit breaker but no state store to keep it in`, 0);
		const retry = { ...defaultDestinationRetry, ...destination.retry };
		const slowestDeliveryMs = retry.maxTotalMs + (destination.timeoutMs ?? DEFAULT_TIMEOUT_MS);
		return new DestinationCircuit(environment.circuits, destination, destination.circuitBreaker, slowestDeliveryMs);
	}

	private buildRequest(envelope: DeliveredEnvelope, idempotencyKey: string): { request: HttpRequest; secrets: string[]; client: HttpClient } {
		const { destination, environment } = this;
		const timeoutMs = destination.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		const client = environment.clientFor(destination);
		if (destination.kind === 'webhook') {
			const secret = environment.secrets.signingSecret(destination.id);
			if (!secret) throw new DeliveryError(`no signing secret for webhook destination "${destination.id}"`, 0);
			const token = environment.secrets.bearerToken?.(destination.id);
			const headers: Record<string, string> = { 'idempotency-key': idempotencyKey, ...(token ? { authorization: `Bearer ${token}` } : {}) };
			return {
				request: { method: 'POST', url: destination.url!, headers, body: envelope, timeoutMs },
				secrets: [secret, token ?? ''],
				client: new SigningClient(client, secret, idempotencyKey, environment.now ?? Date.now),
			};
		}
		const method = destination.method ?? 'POST';
		const body = method === 'GET' || method === 'DELETE' ? undefined : destination.bodyTemplate === undefined ? envelope : renderTemplate(destination.bodyTemplate, envelope);
		return {
			request: { method, url: destination.url!, headers: { ...destination.headers, 'idempotency-key': idempotencyKey }, body, timeoutMs },
			secrets: [],
			client,
		};
	}

}

/**
 * Signs each attempt as it is sent (the transport calls `send` once per attempt): the same `webhook-id` every time,
 * a fresh `webhook-timestamp`, so a retry late in the schedule is still within the receiver's tolerance.
 */
class SigningClient implements HttpClient {
	constructor(
		private readonly inner: HttpClient,
		private readonly secret: string,
		private readonly messageId: string,
		private readonly now: () => number,
	) {}

	send(request: HttpRequest): Promise<HttpResponse> {
		const signed = signHeaders(this.secret, this.messageId, Math.floor(this.now() / 1000), JSON.stringify(request.body));
		return this.inner.send({ ...request, headers: { ...request.headers, ...signed } });
	}
}
