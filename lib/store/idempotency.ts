import { randomUUID } from 'node:crypto';

import type { SqlDatabase } from './types';

export type Claim =
	| { status: 'claimed'; owner: string }
	| { status: 'done'; result: unknown }
	| { status: 'in_progress'; owner: string };

export interface RunOnceOptions {
	/** How long a claim holds before another worker may take it over (its holder is presumed dead). */
	leaseMs?: number;
	/** How long a loser waits for the winner's result before giving up. */
	waitMs?: number;
	pollMs?: number;
	sleep?: (ms: number) => Promise<void>;
}

export class IdempotencyConflictError extends Error {
	constructor(readonly scope: string, readonly key: string) {
		super(`Work for idempotency key "${key}" (${scope}) is still in progress in another execution`);
	}
}

const defaultSleep = async (ms: number) => await new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The idempotent consumer: a (scope, key) is claimed by exactly one worker, whose result every later or
 * concurrent caller receives instead of doing the work again. The primary key makes the claim atomic.
 */
export class IdempotencyLedger {
	constructor(private readonly db: SqlDatabase) {}

	async claim(scope: string, key: string, leaseMs = 60_000): Promise<Claim> {
		for (;;) {
			const claim = await this.tryClaim(scope, key, leaseMs);
			if (claim) return claim;
		}
	}

	/**
	 * One attempt; undefined when the row vanished between our statements (its owner released it: on Postgres each
	 * statement sees the latest commit), in which case the caller simply tries again.
	 */
	private async tryClaim(scope: string, key: string, leaseMs: number): Promise<Claim | undefined> {
		const owner = randomUUID();
		const now = Date.now();
		const stamp = new Date(now).toISOString();
		return this.db.transaction(async (tx): Promise<Claim | undefined> => {
			const inserted = await tx.run(
				`INSERT INTO idempotency_ledger (scope, idempotency_key, state, owner, result, lease_until_ms, created_at, updated_at)
				 VALUES (?, ?, 'pending', ?, NULL, ?, ?, ?) ON CONFLICT DO NOTHING`,
				[scope, key, owner, now + leaseMs, stamp, stamp],
			);
			if (inserted.changes === 1) return { status: 'claimed', owner };
			// A pending claim whose lease ran out belongs to a worker that died: take it over.
			const takenOver = await tx.run(
				`UPDATE idempotency_ledger SET owner = ?, lease_until_ms = ?, updated_at = ?
				 WHERE scope = ? AND idempotency_key = ? AND state = 'pending' AND lease_until_ms < ?`,
				[owner, now + leaseMs, stamp, scope, key, now],
			);
			if (takenOver.changes === 1) return { status: 'claimed', owner };
			const rows = await tx.query<{ state: string; owner: string; result: string | null }>(
				'SELECT state, owner, result FROM idempotency_ledger WHERE scope = ? AND idempotency_key = ?',
				[scope, key],
			);
			const row = rows[0];
			if (!row) return undefined;
			return row.state === 'done'
				? { status: 'done', result: row.result === null ? null : JSON.parse(row.result) }
				: { status: 'in_progress', owner: row.owner };
		});
	}

	async complete(scope: string, key: string, owner: string, result: unknown): Promise<void> {
		await this.db.run(
			`UPDATE idempotency_ledger SET state = 'done', result = ?, updated_at = ?
			 WHERE scope = ? AND idempotency_key = ? AND owner = ?`,
			[JSON.stringify(result ?? null), new Date().toISOString(), scope, key, owner],
		);
	}

	/** Gives a claim back after a failure so that a retry may do the work. */
	async release(scope: string, key: string, owner: string): Promise<void> {
		await this.db.run(
			`DELETE FROM idempotency_ledger WHERE scope = ? AND idempotency_key = ? AND owner = ? AND state = 'pending'`,
			[scope, key, owner],
		);
	}

	async get(scope: string, key: string): Promise<{ state: string; result: unknown } | undefined> {
		const rows = await this.db.query<{ state: string; result: string | null }>(
			'SELECT state, result FROM idempotency_ledger WHERE scope = ? AND idempotency_key = ?',
			[scope, key],
		);
		return rows[0] && { state: rows[0].state, result: rows[0].result === null ? null : JSON.parse(rows[0].result) };
	}

	/** Runs `work` once per (scope, key) across every execution and worker; everyone gets the winner's result. */
	async runOnce<T>(scope: string, key: string, work: () => Promise<T>, options: RunOnceOptions = {}): Promise<{ result: T; replayed: boolean }> {
		const { leaseMs = 60_000, waitMs = 120_000, pollMs = 50, sleep = defaultSleep } = options;
		const deadline = Date.now() + waitMs;
		for (;;) {
			const claim = await this.claim(scope, key, leaseMs);
			if (claim.status === 'done') return { result: claim.result as T, replayed: true };
			if (claim.status === 'claimed') {
				let result: T;
				try {
					result = await work();
				} catch (error) {
					await this.release(scope, key, claim.owner);
					throw error;
				}
				await this.complete(scope, key, claim.owner, result);
				return { result, replayed: false };
			}
			if (Date.now() > deadline) throw new IdempotencyConflictError(scope, key);
			await sleep(pollMs);
		}
	}
}
