import { leaseName, Leases, type Lease, type LeaseTimers } from './leases';
import { selectIn } from './inList';
import type { SqlDatabase } from './types';
import { sleep as defaultSleep } from '../records/sleep';

/**
 * A concurrency limit shared by every process and queue-mode worker (Mailchimp's 10 connections per account, Marketo's
 * 10 concurrent calls per instance): `limit` slots per key, each one a short store lease. A caller holds a slot while
 * its request is open (renewed by the lease's heartbeat) and gives it back at once after; a process that dies holding
 * slots frees them when their lease runs out, in seconds.
 */
export const DEFAULT_SLOT_TTL_MS = 10_000;

export interface ConcurrencySlotOptions {
	/** How long a slot outlives its holder's last renewal (default DEFAULT_SLOT_TTL_MS). */
	ttlMs?: number;
	/** How long a caller waits between looks for a free slot (default 20 ms, with jitter). */
	pollMs?: number;
	/** How long a caller waits for a slot before giving up (default 120 s). */
	maxWaitMs?: number;
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
	random?: () => number;
	timers?: LeaseTimers;
}

export class ConcurrencyWaitError extends Error {
	constructor(
		readonly key: string,
		readonly limit: number,
		readonly waitedMs: number,
	) {
		super(`No free slot of the ${limit} for "${key}" after ${Math.round(waitedMs / 1000)} s: other workers hold them all`);
		this.name = 'ConcurrencyWaitError';
	}
}

/** One held slot; give it back with release() (a slot never released lapses after the lease). */
export class ConcurrencySlot {
	constructor(
		private readonly holder: Lease,
		readonly name: string,
	) {}

	async release(): Promise<void> {
		await this.holder.release([this.name]);
	}
}

export class ConcurrencySlots {
	private readonly leases: Leases;
	private readonly pollMs: number;
	private readonly maxWaitMs: number;
	private readonly now: () => number;
	private readonly sleep: (ms: number) => Promise<void>;
	private readonly random: () => number;

	constructor(
		private readonly db: SqlDatabase,
		options: ConcurrencySlotOptions = {},
	) {
		this.now = options.now ?? Date.now;
		this.leases = new Leases(db, { ttlMs: options.ttlMs ?? DEFAULT_SLOT_TTL_MS, now: this.now, timers: options.timers });
		this.pollMs = options.pollMs ?? 20;
		this.maxWaitMs = options.maxWaitMs ?? 120_000;
		this.sleep = options.sleep ?? defaultSleep;
		this.random = options.random ?? Math.random;
	}

	/** Runs `work` holding one of the key's `limit` slots, waiting for one if every slot is taken. */
	async run<T>(key: string, limit: number, work: () => Promise<T>): Promise<T> {
		const slot = await this.acquire(key, limit);
		try {
			return await work();
		} finally {
			// A slot the store could not free lapses on its own after the lease; the work's own outcome is what counts.
			await slot.release().catch(() => undefined);
		}
	}

	/** Waits (polling, with jitter) until a slot is free and takes it; ConcurrencyWaitError after maxWaitMs. */
	async acquire(key: string, limit: number): Promise<ConcurrencySlot> {
		const started = this.now();
		for (;;) {
			const slot = await this.tryAcquire(key, limit);
			if (slot) return slot;
			const waited = this.now() - started;
			if (waited >= this.maxWaitMs) throw new ConcurrencyWaitError(key, limit, waited);
			await this.sleep(this.pollMs * (0.5 + this.random()));
		}
	}

	/** Takes a free (or lapsed) slot if there is one, without waiting. */
	async tryAcquire(key: string, limit: number): Promise<ConcurrencySlot | undefined> {
		if (!(Number.isSafeInteger(limit) && limit >= 1)) throw new Error(`A concurrency limit is a whole number of at least 1, got ${limit} for "${key}"`);
		const names = slotNames(key, limit);
		const busy = await this.busy(names);
		const free = names.filter((name) => !busy.has(name));
		// From a random place, so callers racing for the free slots mostly try different ones.
		const offset = Math.floor(this.random() * free.length);
		const holder = this.leases.holder();
		for (let index = 0; index < free.length; index++) {
			const name = free[(offset + index) % free.length];
			if ((await holder.claim([name])).size === 1) return new ConcurrencySlot(holder, name);
		}
		return undefined;
	}

	/** How many of the key's slots are held now (by live holders). */
	async inUse(key: string, limit: number): Promise<number> {
		return (await this.busy(slotNames(key, limit))).size;
	}

	private async busy(names: string[]): Promise<Set<string>> {
		const rows = await selectIn<{ lease_name: string }, string>(this.db, names, ({ placeholders, values }) => ({
			sql: `SELECT lease_name FROM store_leases WHERE lease_until_ms >= ? AND lease_name IN (${placeholders})`,
			params: [Math.floor(this.now()), ...values],
		}));
		return new Set(rows.map((row) => row.lease_name));
	}
}

function slotNames(key: string, limit: number): string[] {
	return Array.from({ length: limit }, (_, index) => leaseName('concurrency', key, String(index)));
}
