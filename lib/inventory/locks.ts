import { randomUUID } from 'node:crypto';

import { Mutex } from '../store/mutex';
import type { SqlDatabase, SqlExecutor } from '../store/types';

export interface LockOptions {
	/** How long a holder keeps the lock before another worker may take it (its holder is presumed dead). */
	leaseMs: number;
	pollMs: number;
	sleep: (ms: number) => Promise<void>;
	now: () => number;
}

/** Work done under a lock, with the reads and writes that belong to taking and giving it back in their transactions. */
export interface LockedWork<P, T> {
	/** Runs in the transaction that takes the lock (e.g. reading the ledger row, which no one else may now change). */
	prepare: (tx: SqlExecutor) => Promise<P>;
	work: (prepared: P) => Promise<T>;
	/** Runs in the transaction that releases the lock, when `work` succeeded (e.g. recording its outcome). */
	finish?: (tx: SqlExecutor, result: T) => Promise<void>;
}

/**
 * One writer per (store, SKU) across every execution and worker: an in-process FIFO queue, so writers in one process
 * never poll, in front of a leased row in the state store, which the primary key makes exclusive across processes.
 * WooCommerce and Magento have no compare-and-set, so this is what keeps their read-modify-writes from losing updates.
 * Taking the lock and releasing it each share one transaction with the caller's ledger work, and the takes (and the
 * releases) requested in the same turn of the event loop share one commit: a fan-out to four stores commits twice.
 */
export class StockLocks {
	private readonly local = new Map<string, { mutex: Mutex; users: number }>();
	private readonly commits: GroupCommit;

	constructor(
		private readonly db: SqlDatabase,
		private readonly options: LockOptions,
	) {
		this.commits = new GroupCommit(db);
	}

	/** Runs `work` in the next group commit, beside the lock takes and releases queued in the same turn. */
	inCommit<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
		return this.commits.run(work);
	}

	async run<P, T>(storeId: string, sku: string, locked: LockedWork<P, T>): Promise<T> {
		const key = `${storeId}\u0000${sku}`;
		const entry = this.local.get(key) ?? { mutex: new Mutex(), users: 0 };
		entry.users++;
		this.local.set(key, entry);
		try {
			return await entry.mutex.runExclusive(async () => {
				const { owner, prepared } = await this.acquire(storeId, sku, locked.prepare);
				let result: T;
				try {
					result = await locked.work(prepared);
				} catch (error) {
					await this.db.run('DELETE FROM inventory_locks WHERE store_id = ? AND sku = ? AND owner = ?', [storeId, sku, owner]);
					throw error;
				}
				await this.commits.run(async (tx) => {
					await locked.finish?.(tx, result);
					await tx.run('DELETE FROM inventory_locks WHERE store_id = ? AND sku = ? AND owner = ?', [storeId, sku, owner]);
				});
				return result;
			});
		} finally {
			if (--entry.users === 0) this.local.delete(key);
		}
	}

	private async acquire<P>(storeId: string, sku: string, prepare: (tx: SqlExecutor) => Promise<P>): Promise<{ owner: string; prepared: P }> {
		const owner = randomUUID();
		for (;;) {
			const now = this.options.now();
			const until = now + this.options.leaseMs;
			const taken = await this.commits.run(async (tx) => {
				const inserted = await tx.run(
					'INSERT INTO inventory_locks (store_id, sku, owner, lease_until_ms) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
					[storeId, sku, owner, until],
				);
				const got =
					inserted.changes === 1 ||
					(
						await tx.run('UPDATE inventory_locks SET owner = ?, lease_until_ms = ? WHERE store_id = ? AND sku = ? AND lease_until_ms < ?', [
							owner,
							until,
							storeId,
							sku,
							now,
						])
					).changes === 1;
				return got ? { owner, prepared: await prepare(tx) } : undefined;
			});
			if (taken) return taken;
			await this.options.sleep(this.options.pollMs * (0.5 + Math.random()));
		}
	}
}

interface QueuedWork {
	work: (tx: SqlExecutor) => Promise<unknown>;
	resolve: (value: unknown) => void;
	reject: (error: unknown) => void;
}

/**
 * Group commit: work queued in one turn of the event loop runs in one transaction, each piece in its own savepoint.
 * A piece that fails is rolled back and reported to its caller alone; the writes of the others still commit.
 */
class GroupCommit {
	private queue: QueuedWork[] = [];

	constructor(private readonly db: SqlDatabase) {}

	run<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			if (this.queue.length === 0) setImmediate(() => void this.flush());
			this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
		});
	}

	private async flush(): Promise<void> {
		const batch = this.queue;
		this.queue = [];
		const settled: Array<() => void> = [];
		try {
			await this.db.transaction(async (tx) => {
				for (const entry of batch) {
					await tx.run('SAVEPOINT group_commit_piece');
					try {
						const value = await entry.work(tx);
						settled.push(() => entry.resolve(value));
					} catch (error) {
						await tx.run('ROLLBACK TO SAVEPOINT group_commit_piece');
						settled.push(() => entry.reject(error));
					}
					await tx.run('RELEASE SAVEPOINT group_commit_piece');
				}
			});
		} catch (error) {
			for (const entry of batch) entry.reject(error);
			return;
		}
		for (const settle of settled) settle();
	}
}
