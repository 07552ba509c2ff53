import { leaseName, Leases, type Lease, type LeaseTimers } from '../store/leases';
import { Mutex } from '../store/mutex';
import { isDeadlock } from '../store/postgres';
import type { SqlDatabase, SqlExecutor } from '../store/types';

export interface LockOptions {
	/** How long a lock outlives its holder's last heartbeat, so a dead process frees it (default DEFAULT_LEASE_MS). */
	leaseMs?: number;
	pollMs: number;
	sleep: (ms: number) => Promise<void>;
	now: () => number;
	timers?: LeaseTimers;
}

/** Work done under a lock, with the reads and writes that belong to taking and giving it back in their transactions. */
export interface LockedWork<P, T> {
	/** Runs in the transaction that takes the lock (e.g. reading the ledger row, which no one else may now change). */
	prepare: (tx: SqlExecutor) => Promise<P>;
	/** `lock.assertHeld()` throws LeaseLostError once a heartbeat found the lock taken (its lease lapsed): check before writing. */
	work: (prepared: P, lock: { assertHeld(): void }) => Promise<T>;
	/** Runs in the transaction that releases the lock, when `work` succeeded (e.g. recording its outcome). */
	finish?: (tx: SqlExecutor, result: T) => Promise<void>;
}

/**
 * One writer per (store, SKU) across every execution and worker: an in-process FIFO queue, so writers in one process
 * never poll, in front of a store lease on the (store, SKU), which is exclusive across processes. The lease is short
 * and renewed by heartbeat while its holder works, so a process that dies holding it blocks the SKU for seconds only.
 * WooCommerce and Magento have no compare-and-set, so this is what keeps their read-modify-writes from losing updates.
 * Taking the lock and releasing it each share one transaction with the caller's ledger work, and the takes (and the
 * releases) requested in the same turn of the event loop share one commit: a fan-out to four stores commits twice.
 */
export class StockLocks {
	private readonly local = new Map<string, { mutex: Mutex; users: number }>();
	private readonly commits: GroupCommit;
	/** One owner token for every lock this engine holds: one heartbeat renews them all. */
	private readonly lease: Lease;

	constructor(
		db: SqlDatabase,
		private readonly options: LockOptions,
	) {
		this.commits = new GroupCommit(db);
		this.lease = new Leases(db, { ttlMs: options.leaseMs, now: options.now, timers: options.timers }).holder();
	}

	/** Runs `work` in the next group commit, beside the lock takes and releases queued in the same turn. */
	inCommit<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
		return this.commits.run(work);
	}

	async run<P, T>(storeId: string, sku: string, locked: LockedWork<P, T>): Promise<T> {
		const name = leaseName('inventory-lock', storeId, sku);
		const entry = this.local.get(name) ?? { mutex: new Mutex(), users: 0 };
		entry.users++;
		this.local.set(name, entry);
		try {
			return await entry.mutex.runExclusive(async () => {
				const prepared = await this.acquire(name, locked.prepare);
				let result: T;
				try {
					result = await locked.work(prepared, { assertHeld: () => this.lease.assertHeld([name]) });
				} catch (error) {
					await this.lease.release([name]);
					throw error;
				}
				try {
					await this.commits.run(async (tx) => {
						await locked.finish?.(tx, result);
						await this.lease.releaseIn(tx, [name]);
					});
				} catch (error) {
					// The release rolled back with the finish: give the lock back on its own rather than let it lapse.
					await this.lease.release([name]).catch(() => undefined);
					throw error;
				}
				return result;
			});
		} finally {
			if (--entry.users === 0) this.local.delete(name);
		}
	}

	private async acquire<P>(name: string, prepare: (tx: SqlExecutor) => Promise<P>): Promise<P> {
		for (;;) {
			let taken: { prepared: P } | undefined;
			try {
				taken = await this.commits.run(async (tx) => ((await this.lease.claimIn(tx, [name])).size === 1 ? { prepared: await prepare(tx) } : undefined));
			} catch (error) {
				// The claim rolled back with the failed prepare: stop renewing a name this engine does not hold.
				this.lease.abandon([name]);
				throw error;
			}
			if (taken) return taken.prepared;
			await this.options.sleep(this.options.pollMs * (0.5 + Math.random()));
		}
	}
}

interface QueuedWork {
	work: (tx: SqlExecutor) => Promise<unknown>;
	resolve: (value: unknown) => void;
	reject: (error: unknown) => void;
	/** How often the piece was a deadlock's victim and moved to a later batch. */
	deadlocks: number;
}

/** How often a piece chosen as a deadlock's victim moves to the next batch before its caller gets the error. */
const DEADLOCK_RETRIES = 5;

/**
 * Group commit: work queued while no batch is open runs in the next turn of the event loop, work queued while one is
 * open runs in the batch after it, each batch in one transaction and each piece in its own savepoint. A piece relies
 * on the writes of the pieces queued before it (a fan-out's lock takes read the rows its record wrote), so one batch
 * runs at a time: two side by side, on two connections, would not see each other's uncommitted writes. A piece that
 * fails is rolled back and reported to its caller alone; the writes of the others still commit. Two processes'
 * batches can take the same rows in opposite orders (the same orders redelivered to both): PostgreSQL then makes one
 * piece a deadlock's victim. Run again in the same transaction it would wait on the same holder, so it goes to the
 * next batch, which starts once this one has committed and freed what the other process waits for, and the pieces
 * queued after it go with it, still after it.
 */
class GroupCommit {
	private queue: QueuedWork[] = [];
	private flushing = false;
	private scheduled = false;

	constructor(private readonly db: SqlDatabase) {}

	run<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject, deadlocks: 0 });
			this.schedule();
		});
	}

	private schedule(): void {
		if (this.flushing || this.scheduled || this.queue.length === 0) return;
		this.scheduled = true;
		setImmediate(() => {
			this.scheduled = false;
			void this.flush();
		});
	}

	private async flush(): Promise<void> {
		this.flushing = true;
		const batch = this.queue;
		this.queue = [];
		try {
			// The victim and the pieces after it go first in the next batch, before anything queued since.
			this.queue = [...(await this.commit(batch)), ...this.queue];
		} finally {
			this.flushing = false;
			this.schedule();
		}
	}

	/** Runs one batch; returns the pieces to run again in the next one (a deadlock's victim and those after it). */
	private async commit(batch: QueuedWork[]): Promise<QueuedWork[]> {
		const settled: Array<() => void> = [];
		let again: QueuedWork[] = [];
		try {
			await this.db.transaction(async (tx) => {
				for (const [index, entry] of batch.entries()) {
					await tx.run('SAVEPOINT group_commit_piece');
					try {
						const value = await entry.work(tx);
						settled.push(() => entry.resolve(value));
					} catch (error) {
						await tx.run('ROLLBACK TO SAVEPOINT group_commit_piece');
						if (isDeadlock(error) && entry.deadlocks < DEADLOCK_RETRIES) again = [{ ...entry, deadlocks: entry.deadlocks + 1 }, ...batch.slice(index + 1)];
						else settled.push(() => entry.reject(error));
					}
					await tx.run('RELEASE SAVEPOINT group_commit_piece');
					if (again.length > 0) break;
				}
			});
		} catch (error) {
			for (const entry of batch) entry.reject(error);
			return [];
		}
		for (const settle of settled) settle();
		return again;
	}
}
