/**
 * A vendor's limit on requests open at once (QuickBooks' 10 per realm, Xero's 5 per tenant): a request arriving while
 * `limit` are in flight gets the vendor's refusal. `holdMs` keeps each request open, so tests can make them overlap.
 */
import type { Handler, SandboxResponse } from './types';

export class ConnectionLimit {
	inFlight = 0;
	peak = 0;
	holdMs = 0;

	constructor(
		readonly limit: number,
		private readonly refuse: () => SandboxResponse,
	) {}

	/** The handler, counted as one open request while it runs. */
	wrap(handler: Handler): Handler {
		return async (request) => {
			if (this.inFlight >= this.limit) return this.refuse();
			this.inFlight++;
			this.peak = Math.max(this.peak, this.inFlight);
			try {
				if (this.holdMs > 0) await new Promise((resolve) => setTimeout(resolve, this.holdMs).unref());
				return await handler(request);
			} finally {
				this.inFlight--;
			}
		};
	}

	reset(): void {
		this.peak = 0;
		this.holdMs = 0;
	}

	view(): { inFlight: number; peak: number; limit: number } {
		return { inFlight: this.inFlight, peak: this.peak, limit: this.limit };
	}
}
