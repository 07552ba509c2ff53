import type { Leases } from './leases';
import type { SqlExecutor } from './types';
import { sleep as defaultSleep } from '../records/sleep';

export interface ExclusiveOptions {
	/** How long to wait for the holder before giving up (default 10 minutes: a sync run's length). */
	waitMs?: number;
	pollMs?: number;
	sleep?: (ms: number) => Promise<void>;
}

export class StillRunningError extends Error {
	constructor(readonly name: string) {
		super(`Another run of ${name} is still going: this one waited for it and gave up`);
	}
}

/**
 * Runs `work` while holding the lease `name`, one holder at a time across every process sharing the store: a second
 * caller waits for the first to finish (or to die: its lease lapses within seconds), then runs on what it left.
 */
export async function runExclusive<T>(leases: Leases, name: string, work: () => Promise<T>, options: ExclusiveOptions = {}): Promise<T> {
	const sleep = options.sleep ?? defaultSleep;
	const deadline = leases.now() + (options.waitMs ?? 600_000);
	const holder = leases.holder();
	while ((await holder.claim([name])).size === 0) {
		if (leases.now() >= deadline) throw new StillRunningError(name);
		await sleep(options.pollMs ?? 200);
	}
	try {
		return await work();
	} finally {
		await holder.release([name]).catch(() => holder.abandon([name]));
	}
}

/**
 * Holds the store-wide lock `name` until the caller's transaction ends, so transactions that read and then write under
 * one name run one after the other. SQLite needs nothing more: its transactions begin IMMEDIATE, one writer at a time.
 * On PostgreSQL an advisory lock keyed by the schema and the name (one integration's store does not hold up another's).
 */
export async function lockInTransaction(tx: SqlExecutor, name: string): Promise<void> {
	if (tx.dialect === 'postgres') await tx.query("SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ':' || ?, 0))", [name]);
}
