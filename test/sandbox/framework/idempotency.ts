/**
 * Vendor idempotency keys, as payment APIs run them: the first response under a key is saved and replayed for a
 * repeat with the same parameters; other parameters under the same key are refused; a repeat that arrives while
 * the first is still running is refused (Stripe's 409) or waits for the first (Square, PayPal).
 */
import type { SandboxResponse } from './types';

interface Entry {
	fingerprint: string;
	done: Promise<SandboxResponse>;
	settled: boolean;
}

export interface IdempotencyRules {
	/** The vendor's answer to the same key with other parameters. */
	mismatch(key: string): SandboxResponse;
	/** The vendor's answer to a repeat while the first is still running; undefined waits for the first. */
	inFlight?(key: string): SandboxResponse;
	/** Headers added to a replayed response (Stripe's `Idempotent-Replayed: true`). */
	replayHeaders?: Record<string, string>;
}

export class IdempotencyCache {
	private entries = new Map<string, Entry>();

	constructor(private readonly rules: IdempotencyRules) {}

	async run(key: string, fingerprint: string, work: () => Promise<SandboxResponse>): Promise<SandboxResponse> {
		const existing = this.entries.get(key);
		if (existing) {
			if (existing.fingerprint !== fingerprint) return this.rules.mismatch(key);
			if (!existing.settled && this.rules.inFlight) return this.rules.inFlight(key);
			const first = await existing.done;
			return { ...first, headers: { ...first.headers, ...this.rules.replayHeaders } };
		}
		const entry: Entry = { fingerprint, settled: false, done: work() };
		this.entries.set(key, entry);
		try {
			return await entry.done;
		} catch (error) {
			this.entries.delete(key);
			throw error;
		} finally {
			entry.settled = true;
		}
	}

	reset(): void {
		this.entries.clear();
	}
}

/** `processingMs`: how long a charge takes inside the vendor, so concurrent duplicates really overlap. */
export class ProcessingSettings {
	processingMs = 5;

	get(): Record<string, unknown> {
		return { processingMs: this.processingMs };
	}

	update(patch: Record<string, unknown>, reject: (message: string) => Error): Record<string, unknown> {
		for (const [key, value] of Object.entries(patch)) {
			if (key !== 'processingMs') throw reject(`unknown setting ${key}`);
			if (typeof value !== 'number' || value < 0) throw reject('processingMs must be a number >= 0');
			this.processingMs = value;
		}
		return this.get();
	}

	async pause(): Promise<void> {
		if (this.processingMs > 0) await new Promise<void>((resolve) => setTimeout(resolve, this.processingMs).unref());
	}
}
