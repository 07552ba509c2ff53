/** Signed webhook delivery: targets registered through the control API, one POST per published payload per target. */

export interface WebhookSignatureInput {
	method: 'POST';
	/** The target URL exactly as registered. */
	url: string;
	body: string;
	secret: string;
	/** Milliseconds since the epoch, taken when the delivery is sent. */
	timestamp: number;
}

/** A vendor's signature scheme: the headers that carry the signature (and its timestamp) for one delivery. */
export type WebhookSigner = (input: WebhookSignatureInput) => Record<string, string>;

export interface WebhookTarget {
	url: string;
	secret: string;
}

export interface WebhookDelivery {
	url: string;
	/** The receiver's status, or null when it could not be reached. */
	status: number | null;
	/** What the receiver answered (its first 2,000 characters). */
	response?: string;
	error?: string;
	at: string;
	headers: Record<string, string>;
	body: string;
}

const deliveryTimeoutMs = 10_000;

export class WebhookHub {
	private targets: WebhookTarget[] = [];
	private deliveries: WebhookDelivery[] = [];
	private readonly inFlight = new Set<Promise<void>>();
	private readonly aborter = new AbortController();

	constructor(private readonly maxDeliveries = 1000) {}

	/** Throws an Error for a target that is not an http(s) URL with a secret. */
	register(target: WebhookTarget): void {
		if (typeof target?.secret !== 'string' || target.secret === '') throw new Error('secret is required');
		const protocol = safeProtocol(target.url);
		if (protocol !== 'http:' && protocol !== 'https:') throw new Error('url must be an http(s) URL');
		this.targets = this.targets.filter((existing) => existing.url !== target.url);
		this.targets.push({ url: target.url, secret: target.secret });
	}

	/** Registered target URLs; secrets stay inside. */
	targetUrls(): string[] {
		return this.targets.map((target) => target.url);
	}

	publish(payload: unknown, sign: WebhookSigner): void {
		for (const target of this.targets) this.deliverTo(target, payload, sign);
	}

	/**
	 * One delivery to a target the vendor keeps itself (a webhook registered through the vendor's own API). A string
	 * payload is sent as it is (a vendor that posts a form, such as Braintree); anything else as JSON.
	 */
	deliverTo(target: WebhookTarget, payload: unknown, sign: WebhookSigner): void {
		const delivery = this.deliver(target, typeof payload === 'string' ? payload : JSON.stringify(payload), sign).finally(() => this.inFlight.delete(delivery));
		this.inFlight.add(delivery);
	}

	/** Deliveries so far, once the ones under way have finished. */
	async settledDeliveries(): Promise<WebhookDelivery[]> {
		while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
		return [...this.deliveries];
	}

	reset(): void {
		this.targets = [];
		this.deliveries = [];
	}

	close(): void {
		this.aborter.abort();
	}

	private async deliver(target: WebhookTarget, body: string, sign: WebhookSigner): Promise<void> {
		const timestamp = Date.now();
		const headers = {
			'content-type': 'application/json',
			...sign({ method: 'POST', url: target.url, body, secret: target.secret, timestamp }),
		};
		const delivery: WebhookDelivery = { url: target.url, status: null, at: new Date(timestamp).toISOString(), headers, body };
		try {
			const signal = AbortSignal.any([this.aborter.signal, AbortSignal.timeout(deliveryTimeoutMs)]);
			const response = await fetch(target.url, { method: 'POST', headers, body, signal });
			delivery.response = (await response.text()).slice(0, 2000);
			delivery.status = response.status;
		} catch (error) {
			delivery.error = (error as Error).message;
		}
		this.deliveries.push(delivery);
		if (this.deliveries.length > this.maxDeliveries) this.deliveries.shift();
	}
}

function safeProtocol(url: unknown): string | undefined {
	try {
		return new URL(String(url)).protocol;
	} catch {
		return undefined;
	}
}
