import { selectIn } from './inList';
import { DEFAULT_LEASE_MS, leaseName, Leases, type Lease, type LeaseOptions } from './leases';
import type { SqlDatabase, SqlExecutor } from './types';
import { sleep as defaultSleep } from '../records/sleep';

export type Claim =
	| { status: 'claimed'; owner: string }
	| { status: 'done'; result: unknown }
	| { status: 'in_progress'; owner: string };

export interface RunOnceOptions {
	/** How long a claim outlives its holder's last heartbeat (default DEFAULT_LEASE_MS): a dead worker's claim frees then. */
	leaseMs?: number;
	/** How long a loser waits for the winner's result before giving up. */
	waitMs?: number;
	pollMs?: number;
	sleep?: (ms: number) => Promise<void>;
}

/** What runOnceEach's work answers for one key. */
export type EachOutcome<T> = { result: T } | { error: unknown };
/** One key's end: its result (replayed when an earlier or concurrent worker did the work) or its error. */
export type EachResult<T> = { result: T; replayed: boolean } | { error: unknown };

export class IdempotencyConflictError extends Error {
	constructor(readonly scope: string, readonly key: string) {
		super(`Work for idempotency key "${key}" (${scope}) is still in progress in another execution`);
	}
}

const claimName = (scope: string, key: string) => leaseName('idempotency', scope, key);

/**
 * The idempotent consumer: a (scope, key) is claimed by exactly one worker, whose result every later or
 * concurrent caller receives instead of doing the work again. The claim is a store lease on the key; the ledger row
 * keeps its state (pending, then done with the result), which the primary key makes unique.
 */
export class IdempotencyLedger {
	constructor(
		private readonly db: SqlDatabase,
		private readonly leaseOptions: Omit<LeaseOptions, 'ttlMs'> = {},
	) {}

	/**
	 * One claim, renewed by no one: it lapses after `leaseMs` unless completed or released (runOnce holds its claim
	 * by heartbeat instead).
	 */
	async claim(scope: string, key: string, leaseMs = DEFAULT_LEASE_MS): Promise<Claim> {
		const holder = this.leases(leaseMs).holder();
		const claim = await this.claimAs(scope, key, holder);
		holder.abandon();
		return claim;
	}

	private async claimAs(scope: string, key: string, holder: Lease): Promise<Claim> {
		for (;;) {
			const claim = await this.tryClaim(scope, key, holder);
			if (claim) return claim;
		}
	}

	/**
	 * One attempt; undefined when the claim vanished between our statements (its owner released it: on Postgres each
	 * statement sees the latest commit), in which case the caller simply tries again.
	 */
	private async tryClaim(scope: string, key: string, holder: Lease): Promise<Claim | undefined> {
		const stamp = new Date().toISOString();
		return this.db.transaction(async (tx): Promise<Claim | undefined> => {
			const done = await this.doneIn(tx, scope, key);
			if (done) return done;
			if ((await holder.claimIn(tx, [claimName(scope, key)])).size === 1) {
				// Only a pending row is ours to own: the previous holder may have completed it since we read it.
				const owned = await tx.run(
					`INSERT INTO idempotency_ledger (scope, idempotency_key, state, owner, result, created_at, updated_at)
					 VALUES (?, ?, 'pending', ?, NULL, ?, ?)
					 ON CONFLICT (scope, idempotency_key) DO UPDATE SET owner = excluded.owner, updated_at = excluded.updated_at
					 WHERE idempotency_ledger.state = 'pending'`,
					[scope, key, holder.owner, stamp, stamp],
				);
				if (owned.changes === 1) return { status: 'claimed', owner: holder.owner };
				await holder.releaseIn(tx, [claimName(scope, key)]);
				return await this.doneIn(tx, scope, key);
			}
			const current = await this.leases().holderOf(claimName(scope, key), tx);
			return current && { status: 'in_progress', owner: current.owner };
		});
	}

	private async doneIn(tx: SqlExecutor, scope: string, key: string): Promise<Claim | undefined> {
		const [row] = await tx.query<{ state: string; result: string | null }>(
			'SELECT state, result FROM idempotency_ledger WHERE scope = ? AND idempotency_key = ?',
			[scope, key],
		);
		return row?.state === 'done' ? { status: 'done', result: row.result === null ? null : JSON.parse(row.result) } : undefined;
	}

	/** Records the result, if `owner` still holds the claim (a worker whose claim was taken over completes nothing). */
	async complete(scope: string, key: string, owner: string, result: unknown): Promise<void> {
		await this.db.transaction(async (tx) => {
			if ((await this.leases().releaseIn(tx, owner, [claimName(scope, key)])).size === 0) return;
			await tx.run(
				`UPDATE idempotency_ledger SET state = 'done', result = ?, updated_at = ? WHERE scope = ? AND idempotency_key = ? AND state = 'pending'`,
				[JSON.stringify(result ?? null), new Date().toISOString(), scope, key],
			);
		});
	}

	/** Gives a claim back after a failure so that a retry may do the work. */
	async release(scope: string, key: string, owner: string): Promise<void> {
		await this.db.transaction(async (tx) => {
			if ((await this.leases().releaseIn(tx, owner, [claimName(scope, key)])).size === 0) return;
			await tx.run(`DELETE FROM idempotency_ledger WHERE scope = ? AND idempotency_key = ? AND state = 'pending'`, [scope, key]);
		});
	}

	/**
	 * The keys still pending, each with when it was first claimed: work begun and not ended (its worker may be at it, or
	 * died after acting). A claim is written before its work starts and a take-over keeps that time, so a retry can ask
	 * the platform about what an earlier attempt may have done since then.
	 */
	async pendingSince(scope: string, keys: string[]): Promise<Map<string, string>> {
		const rows = await selectIn<{ idempotency_key: string; created_at: string }, string>(this.db, keys, (chunk) => ({
			sql: `SELECT idempotency_key, created_at FROM idempotency_ledger WHERE scope = ? AND state = 'pending' AND idempotency_key IN (${chunk.placeholders})`,
			params: [scope, ...chunk.values],
		}));
		return new Map(rows.map((row) => [row.idempotency_key, row.created_at]));
	}

	async get(scope: string, key: string): Promise<{ state: string; result: unknown } | undefined> {
		const rows = await this.db.query<{ state: string; result: string | null }>(
			'SELECT state, result FROM idempotency_ledger WHERE scope = ? AND idempotency_key = ?',
			[scope, key],
		);
		return rows[0] && { state: rows[0].state, result: rows[0].result === null ? null : JSON.parse(rows[0].result) };
	}

	/**
	 * Runs `work` once per (scope, key) across every execution and worker; everyone gets the winner's result. The winner
	 * renews its claim by heartbeat while it works, so only a dead winner's claim is taken over, seconds after it died.
	 */
	async runOnce<T>(scope: string, key: string, work: () => Promise<T>, options: RunOnceOptions = {}): Promise<{ result: T; replayed: boolean }> {
		const { leaseMs = DEFAULT_LEASE_MS, waitMs = 120_000, pollMs = 50, sleep = defaultSleep } = options;
		const deadline = Date.now() + waitMs;
		const holder = this.leases(leaseMs).holder();
		for (;;) {
			const claim = await this.claimAs(scope, key, holder);
			if (claim.status === 'done') return { result: claim.result as T, replayed: true };
			if (claim.status === 'claimed') {
				let result: T;
				try {
					result = await work();
				} catch (error) {
					await this.release(scope, key, claim.owner);
					holder.abandon();
					throw error;
				}
				await this.complete(scope, key, claim.owner, result);
				holder.abandon();
				return { result, replayed: false };
			}
			if (Date.now() > deadline) throw new IdempotencyConflictError(scope, key);
			await sleep(pollMs);
		}
	}

	/**
	 * runOnce for many keys whose work is done together (one batch request for all of them): one holder claims every key
	 * it can and renews them all by one heartbeat; `work` gets the keys claimed and answers each one's result or error;
	 * keys already done are replayed, and keys another worker holds are waited for (and taken over if it dies). A key's
	 * error releases it, so a retry may do its work; `work` throwing fails every key it was given.
	 */
	async runOnceEach<T>(
		scope: string,
		keys: string[],
		work: (claimed: string[]) => Promise<Map<string, EachOutcome<T>>>,
		options: RunOnceOptions = {},
	): Promise<Map<string, EachResult<T>>> {
		const { leaseMs = DEFAULT_LEASE_MS, waitMs = 120_000, pollMs = 50, sleep = defaultSleep } = options;
		const deadline = Date.now() + waitMs;
		const holder = this.leases(leaseMs).holder();
		const results = new Map<string, EachResult<T>>();
		let waiting = [...new Set(keys)];
		try {
			while (waiting.length > 0) {
				const claimed: string[] = [];
				const busy: string[] = [];
				for (const key of waiting) {
					const claim = await this.claimAs(scope, key, holder);
					if (claim.status === 'done') results.set(key, { result: claim.result as T, replayed: true });
					else (claim.status === 'claimed' ? claimed : busy).push(key);
				}
				if (claimed.length > 0) await this.doEach(scope, claimed, holder, work, results);
				waiting = busy;
				if (waiting.length === 0) break;
				if (Date.now() > deadline) {
					for (const key of waiting) results.set(key, { error: new IdempotencyConflictError(scope, key) });
					break;
				}
				await sleep(pollMs);
			}
		} finally {
			holder.abandon();
		}
		return results;
	}

	private async doEach<T>(scope: string, claimed: string[], holder: Lease, work: (claimed: string[]) => Promise<Map<string, EachOutcome<T>>>, results: Map<string, EachResult<T>>): Promise<void> {
		let outcomes: Map<string, EachOutcome<T>>;
		try {
			outcomes = await work(claimed);
		} catch (error) {
			outcomes = new Map(claimed.map((key) => [key, { error }]));
		}
		for (const key of claimed) {
			const outcome = outcomes.get(key) ?? { error: new Error(`No result for idempotency key "${key}" (${scope})`) };
			if ('error' in outcome) {
				await this.release(scope, key, holder.owner);
				results.set(key, { error: outcome.error });
			} else {
				await this.complete(scope, key, holder.owner, outcome.result);
				results.set(key, { result: outcome.result, replayed: false });
			}
			holder.abandon([claimName(scope, key)]);
		}
	}

	private leases(ttlMs?: number): Leases {
		return new Leases(this.db, { ...this.leaseOptions, ttlMs });
	}
}
