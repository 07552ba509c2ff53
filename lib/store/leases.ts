import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

import { runIn, selectIn } from './inList';
import { insertMany } from './insertMany';
import type { SqlDatabase, SqlExecutor, SqlValue } from './types';

/**
 * How long a claim outlives its holder's last renewal. Short, because a live holder renews it by heartbeat: a process
 * that dies (SIGKILL, crash, lost host) frees everything it held within this time.
 */
export const DEFAULT_LEASE_MS = 15_000;

/** The timer functions the heartbeat uses; injected by tests to tick it by hand. */
export interface LeaseTimers {
	setInterval(tick: () => void, ms: number): unknown;
	clearInterval(handle: unknown): void;
}

export interface LeaseOptions {
	/** How long a claim lasts without renewal (default DEFAULT_LEASE_MS). */
	ttlMs?: number;
	/** How often a holder renews while it works (default a third of ttlMs, so two renewals may fail before it lapses). */
	renewEveryMs?: number;
	now?: () => number;
	timers?: LeaseTimers;
}

export class LeaseLostError extends Error {
	constructor(readonly names: string[]) {
		super(`The lease on ${names.join(', ')} was lost: it was not renewed in time and another holder may have taken it`);
	}
}

/** A lease name made of parts (any characters, NUL included, which Postgres TEXT refuses raw): unambiguous and printable. */
export function leaseName(...parts: string[]): string {
	return JSON.stringify(parts);
}

const realTimers: LeaseTimers = {
	setInterval: (tick, ms) => {
		const handle = setInterval(tick, ms);
		// A heartbeat alone must not keep a finished process (a test, a CLI run) alive.
		handle.unref();
		return handle;
	},
	clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

/**
 * Captured at load, outside any transaction: a heartbeat started inside a transaction's work must not inherit its async
 * context, or the SQLite store would take its renewals for calls made inside that transaction.
 */
const outsideTransactions = AsyncLocalStorage.snapshot();

/** In name order, each once: two holders claiming overlapping names wait for each other instead of deadlocking. */
const inLockOrder = (names: Iterable<string>) => [...new Set(names)].sort();

/**
 * The one lease of the package, on the `store_leases` table: a name is held by one owner token until its lease
 * (`lease_until_ms`) runs out. Claiming takes a name that is free, lapsed, or already the caller's; renewing and
 * releasing touch only the caller's own rows. Every statement here may run inside a caller's transaction, so a claim
 * can commit with the reads that depend on it, and a result with the proof (confirmIn) that its lease was still held.
 * Times are the holders' own clocks (Date.now by default): hosts sharing a Postgres store need synchronised clocks.
 */
export class Leases {
	readonly ttlMs: number;
	readonly renewEveryMs: number;
	readonly now: () => number;
	readonly timers: LeaseTimers;

	constructor(
		readonly db: SqlDatabase,
		options: LeaseOptions = {},
	) {
		this.ttlMs = Math.ceil(options.ttlMs ?? DEFAULT_LEASE_MS);
		this.renewEveryMs = options.renewEveryMs ?? Math.max(1, Math.floor(this.ttlMs / 3));
		this.now = options.now ?? Date.now;
		this.timers = options.timers ?? realTimers;
	}

	/** A holder with its own owner token (or the one given), holding nothing yet. */
	holder(owner: string = randomUUID()): Lease {
		return new Lease(this, owner);
	}

	/** Takes each name that is free, lapsed or already `owner`'s, until now + ttl; returns the names `owner` now holds. */
	async claimIn(tx: SqlExecutor, owner: string, names: string[], at = this.now()): Promise<Set<string>> {
		const nowMs = Math.floor(at);
		const wanted = inLockOrder(names);
		// Every free name in a few multi-row statements, in name order (the common case: all of them free).
		const rows = wanted.map((name): SqlValue[] => [name, owner, nowMs + this.ttlMs]);
		const inserted = await insertMany(tx, { into: 'store_leases (lease_name, owner, lease_until_ms)', rows, onConflict: 'ON CONFLICT DO NOTHING' });
		if (inserted === wanted.length) return new Set(wanted);
		const taken = await this.claimedNow(tx, owner, wanted, nowMs);
		for (const name of wanted) {
			if (taken.has(name)) continue;
			// Two statements, not ON CONFLICT DO UPDATE … WHERE: that one locks a live holder's row even when it leaves it
			// alone, until this transaction ends, and so would hold up that holder's heartbeat and release.
			const inserted = await tx.run('INSERT INTO store_leases (lease_name, owner, lease_until_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [
				name,
				owner,
				nowMs + this.ttlMs,
			]);
			const claimed =
				inserted.changes === 1 ||
				(
					await tx.run('UPDATE store_leases SET owner = ?, lease_until_ms = ? WHERE lease_name = ? AND (lease_until_ms < ? OR owner = ?)', [
						owner,
						nowMs + this.ttlMs,
						name,
						nowMs,
						owner,
					])
				).changes === 1;
			if (claimed) taken.add(name);
		}
		return taken;
	}

	/** Of `names`, those the insert at `nowMs` just gave `owner` (the others were held: by a live holder, a lapsed one, or `owner` before). */
	private async claimedNow(tx: SqlExecutor, owner: string, names: string[], nowMs: number): Promise<Set<string>> {
		const rows = await selectIn<{ lease_name: string }, string>(tx, names, ({ placeholders, values }) => ({
			sql: `SELECT lease_name FROM store_leases WHERE owner = ? AND lease_until_ms = ? AND lease_name IN (${placeholders})`,
			params: [owner, nowMs + this.ttlMs, ...values],
		}));
		return new Set(rows.map((row) => row.lease_name));
	}

	/** Extends `owner`'s lease on the names it still holds (lapsed or not: no one took them); returns those names. */
	async renewIn(tx: SqlExecutor, owner: string, names: string[], at = this.now()): Promise<Set<string>> {
		const nowMs = Math.floor(at);
		const wanted = inLockOrder(names);
		const renewed = await runIn(tx, wanted, ({ placeholders, values }) => ({
			sql: `UPDATE store_leases SET lease_until_ms = ? WHERE owner = ? AND lease_name IN (${placeholders})`,
			params: [nowMs + this.ttlMs, owner, ...values],
		}));
		if (renewed === wanted.length) return new Set(wanted);
		return await this.heldIn(tx, owner, wanted);
	}

	/** Gives the names back at once; returns the ones that were still `owner`'s. */
	async releaseIn(tx: SqlExecutor, owner: string, names: string[]): Promise<Set<string>> {
		const wanted = inLockOrder(names);
		const held = await this.heldIn(tx, owner, wanted);
		await runIn(tx, held, ({ placeholders, values }) => ({
			sql: `DELETE FROM store_leases WHERE owner = ? AND lease_name IN (${placeholders})`,
			params: [owner, ...values],
		}));
		return held;
	}

	/** Who holds a name and until when; undefined when no one does (never claimed, or released). */
	async holderOf(name: string, executor: SqlExecutor = this.db): Promise<{ owner: string; untilMs: number } | undefined> {
		const [row] = await executor.query<{ owner: string; lease_until_ms: number | string }>(
			'SELECT owner, lease_until_ms FROM store_leases WHERE lease_name = ?',
			[name],
		);
		return row && { owner: row.owner, untilMs: Number(row.lease_until_ms) };
	}

	private async heldIn(tx: SqlExecutor, owner: string, names: string[]): Promise<Set<string>> {
		const rows = await selectIn<{ lease_name: string }, string>(tx, names, ({ placeholders, values }) => ({
			sql: `SELECT lease_name FROM store_leases WHERE owner = ? AND lease_name IN (${placeholders})`,
			params: [owner, ...values],
		}));
		return new Set(rows.map((row) => row.lease_name));
	}
}

/**
 * One holder (one owner token) of any number of names. While it holds any, a heartbeat renews them all in one
 * statement; a name the renewal did not find, or could not renew, is marked lost once its lease may have run out (only
 * then can another holder have taken it), so the holder learns it before it commits what depended on it (`assertHeld`,
 * or `confirmIn` in the committing transaction). Before that, a name the renewal did not find is still this holder's:
 * its claim's transaction has not committed yet (a group commit's batch still open), or it was given back and claimed
 * again while the renewal was under way.
 */
export class Lease {
	private readonly held = new Set<string>();
	private readonly lostNames = new Set<string>();
	/** Until when each held name is surely ours: the lease its claim or last renewal wrote, which no one takes before it runs out. */
	private readonly heldUntilMs = new Map<string, number>();
	private heartbeat: unknown;
	private renewing?: Promise<void>;

	constructor(
		private readonly leases: Leases,
		readonly owner: string,
	) {}

	/** The names held now, as far as this holder knows. */
	get names(): string[] {
		return [...this.held];
	}

	/** True once a renewal found that a name was lost. */
	get lost(): boolean {
		return this.lostNames.size > 0;
	}

	/** Throws LeaseLostError if any of `names` (default: every name this holder claimed) was lost. */
	assertHeld(names: string[] = [...this.held, ...this.lostNames]): void {
		const lost = names.filter((name) => this.lostNames.has(name) || !this.held.has(name));
		if (lost.length > 0) throw new LeaseLostError(lost);
	}

	/** Claims in its own transaction; see claimIn. */
	async claim(names: string[]): Promise<Set<string>> {
		return await this.leases.db.transaction(async (tx) => await this.claimIn(tx, names));
	}

	/**
	 * Claims the names that are free or lapsed (or already this holder's) in the caller's transaction, and starts the
	 * heartbeat. Returns the names now held; the others belong to a live holder.
	 */
	async claimIn(tx: SqlExecutor, names: string[]): Promise<Set<string>> {
		const nowMs = this.leases.now();
		const taken = await this.leases.claimIn(tx, this.owner, names, nowMs);
		if (taken.size === 0) return taken;
		for (const name of taken) {
			this.held.add(name);
			this.lostNames.delete(name);
			this.heldUntilMs.set(name, nowMs + this.leases.ttlMs);
		}
		this.startHeartbeat();
		return taken;
	}

	/**
	 * Proves, inside the transaction that commits work depending on the lease, that every one of `names` (default: all
	 * held) is still this holder's, and extends it; throws LeaseLostError otherwise, so the caller's writes roll back.
	 */
	async confirmIn(tx: SqlExecutor, names: string[] = [...this.held, ...this.lostNames]): Promise<void> {
		this.assertHeld(names);
		const nowMs = this.leases.now();
		const kept = await this.leases.renewIn(tx, this.owner, names, nowMs);
		this.renewed(kept, nowMs);
		const lost = names.filter((name) => !kept.has(name));
		if (lost.length === 0) return;
		this.markLost(lost);
		throw new LeaseLostError(lost);
	}

	/** Releases in its own transaction; see releaseIn. */
	async release(names: string[] = this.names): Promise<Set<string>> {
		return await this.leases.db.transaction(async (tx) => await this.releaseIn(tx, names));
	}

	/** Frees the names at once (default: all held) in the caller's transaction; returns those that were still ours. */
	async releaseIn(tx: SqlExecutor, names: string[] = this.names): Promise<Set<string>> {
		const released = await this.leases.releaseIn(tx, this.owner, names);
		this.forget(names);
		return released;
	}

	/**
	 * Stops renewing `names` (default: all) without releasing them: they lapse after the lease, as if this process had
	 * died. Also what to call when the transaction that claimed them rolled back.
	 */
	abandon(names: string[] = this.names): void {
		this.forget(names);
	}

	/** One heartbeat: renews every held name; names found gone, or not renewable before they lapse, are marked lost. */
	async renew(): Promise<void> {
		this.renewing ??= this.renewHeld().finally(() => (this.renewing = undefined));
		await this.renewing;
	}

	private async renewHeld(): Promise<void> {
		const names = this.names;
		if (names.length === 0) return;
		const nowMs = this.leases.now();
		try {
			const kept = await this.leases.db.transaction(async (tx) => await this.leases.renewIn(tx, this.owner, names, nowMs));
			this.renewed(kept, nowMs);
			this.markLost(this.mayHaveLapsed(names.filter((name) => !kept.has(name))));
		} catch {
			// The store did not answer: the names are ours until their lease runs out, and presumed lost after.
			this.markLost(this.mayHaveLapsed(names));
		}
	}

	/**
	 * The renewal wrote now + ttl on these names. It may have run just after a claim of the same name that wrote a later
	 * time (the name was given back and claimed again meanwhile): the renewal's time is the one to count on.
	 */
	private renewed(kept: Set<string>, nowMs: number): void {
		for (const name of kept) if (this.held.has(name)) this.heldUntilMs.set(name, nowMs + this.leases.ttlMs);
	}

	/** Of `names`, those whose lease may have run out by now: another holder may have taken them since. */
	private mayHaveLapsed(names: string[]): string[] {
		const nowMs = this.leases.now();
		return names.filter((name) => nowMs >= (this.heldUntilMs.get(name) ?? 0));
	}

	private markLost(names: string[]): void {
		for (const name of names) {
			if (!this.held.has(name)) continue;
			this.lostNames.add(name);
		}
		this.forget(names);
	}

	private forget(names: string[]): void {
		for (const name of names) {
			this.held.delete(name);
			this.heldUntilMs.delete(name);
		}
		if (this.held.size === 0 && this.heartbeat !== undefined) {
			this.leases.timers.clearInterval(this.heartbeat);
			this.heartbeat = undefined;
		}
	}

	private startHeartbeat(): void {
		if (this.heartbeat !== undefined) return;
		this.heartbeat = outsideTransactions(() => this.leases.timers.setInterval(() => void this.renew(), this.leases.renewEveryMs));
	}
}
