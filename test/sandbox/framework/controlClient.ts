/** A typed client for a sandbox's `/__control/` API, for tests, benchmarks and the demo. */
import type { ActiveFault, FaultSpec } from './faults';
import type { RateLimitSpec, RateLimitState } from './rateLimit';
import type { RequestLogEntry } from './requestLog';
import type { WebhookDelivery } from './webhooks';

export type { ActiveFault, FaultSpec, RateLimitSpec, RateLimitState, RequestLogEntry, WebhookDelivery };

export interface WebhookState {
	targets: string[];
	deliveries: WebhookDelivery[];
}

export class SandboxControl {
	private readonly baseUrl: string;

	constructor(baseUrl: string) {
		this.baseUrl = baseUrl.replace(/\/+$/, '');
	}

	/** Clears records, faults, the request log and webhook targets; restores the default rate limits and settings. */
	async reset(): Promise<void> {
		await this.call('POST', 'reset');
	}

	/** `{ "<collection>": [records] }`; returns what the vendor stored, by collection. */
	seed<T = Record<string, unknown[]>>(data: Record<string, unknown[]>): Promise<T> {
		return this.call('POST', 'seed', data);
	}

	/** Every collection, or one. */
	state<T = unknown>(collection?: string): Promise<T> {
		return this.call('GET', collection ? `state/${encodeURIComponent(collection)}` : 'state');
	}

	requests(): Promise<RequestLogEntry[]> {
		return this.call('GET', 'requests');
	}

	async clearRequests(): Promise<void> {
		await this.call('DELETE', 'requests');
	}

	fault(spec: FaultSpec): Promise<ActiveFault> {
		return this.call('POST', 'faults', spec);
	}

	faults(): Promise<ActiveFault[]> {
		return this.call('GET', 'faults');
	}

	async clearFaults(): Promise<void> {
		await this.call('DELETE', 'faults');
	}

	setRateLimits(spec: RateLimitSpec): Promise<RateLimitState> {
		return this.call('PUT', 'rate-limits', spec);
	}

	rateLimits(): Promise<RateLimitState> {
		return this.call('GET', 'rate-limits');
	}

	async registerWebhook(url: string, secret: string): Promise<void> {
		await this.call('POST', 'webhooks', { url, secret });
	}

	/** Registered targets and the deliveries made so far, after the ones under way have finished. */
	webhooks(): Promise<WebhookState> {
		return this.call('GET', 'webhooks');
	}

	async clearWebhooks(): Promise<void> {
		await this.call('DELETE', 'webhooks');
	}

	/** Emits a vendor event to the webhooks registered through the vendor's API (see each sandbox for the event's shape). */
	emitEvent<T = unknown>(event: Record<string, unknown>): Promise<T> {
		return this.call('POST', 'events', event);
	}

	settings<T = Record<string, unknown>>(): Promise<T> {
		return this.call('GET', 'settings');
	}

	updateSettings<T = Record<string, unknown>>(patch: Record<string, unknown>): Promise<T> {
		return this.call('PUT', 'settings', patch);
	}

	private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.baseUrl}/__control/${path}`, {
			method,
			headers: body === undefined ? undefined : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		const parsed: unknown = text === '' ? undefined : JSON.parse(text);
		if (!response.ok) {
			const message = (parsed as { error?: string } | undefined)?.error ?? text;
			throw new Error(`sandbox control ${method} ${path} failed with ${response.status}: ${message}`);
		}
		return parsed as T;
	}
}
