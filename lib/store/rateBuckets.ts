import type { SqlDatabase, SqlExecutor } from './types';

export interface BucketSpec {
	key: string;
	/** Tokens the bucket holds when full: the largest burst. */
	burst: number;
	/** Tokens added per millisecond. */
	refillPerMs: number;
}

interface BucketRow {
	tokens: number;
	updated_ms: number;
	blocked_until_ms: number;
}

/**
 * Token buckets kept in the store, so every execution and every worker draws from the same budget.
 * Row locks (an UPDATE first) make the read-modify-write atomic on Postgres; SQLite's write lock does the same.
 */
export class RateBucketRepository {
	constructor(private readonly db: SqlDatabase) {}

	/**
	 * Takes one token from every bucket, or none: returns 0 when taken, else how long to wait before asking again.
	 */
	async take(buckets: BucketSpec[], now = Date.now()): Promise<number> {
		if (buckets.length === 0) return 0;
		return this.db.transaction(async (tx) => {
			const states = await Promise.all(buckets.map(async (bucket) => ({ bucket, row: await this.lockRow(tx, bucket, now) })));
			let wait = 0;
			for (const { bucket, row } of states) {
				row.tokens = Math.min(bucket.burst, row.tokens + (now - row.updated_ms) * bucket.refillPerMs);
				row.updated_ms = now;
				if (row.blocked_until_ms > now) wait = Math.max(wait, row.blocked_until_ms - now);
				else if (row.tokens < 1) wait = Math.max(wait, Math.ceil((1 - row.tokens) / bucket.refillPerMs));
			}
			for (const { bucket, row } of states) {
				if (wait === 0) row.tokens -= 1;
				await tx.run('UPDATE rate_buckets SET tokens = ?, updated_ms = ? WHERE bucket_key = ?', [row.tokens, row.updated_ms, bucket.key]);
			}
			return wait;
		});
	}

	/** The vendor said how much is left: never believe we have more than that. */
	async observeRemaining(bucket: BucketSpec, remaining: number, now = Date.now()): Promise<void> {
		await this.db.transaction(async (tx) => {
			const row = await this.lockRow(tx, bucket, now);
			const refilled = Math.min(bucket.burst, row.tokens + (now - row.updated_ms) * bucket.refillPerMs);
			await tx.run('UPDATE rate_buckets SET tokens = ?, updated_ms = ? WHERE bucket_key = ?', [
				Math.min(refilled, remaining),
				now,
				bucket.key,
			]);
		});
	}

	/** The vendor refused (429 / Retry-After): nobody sends on this bucket until `untilMs`. */
	async blockUntil(bucket: BucketSpec, untilMs: number, now = Date.now()): Promise<void> {
		await this.db.transaction(async (tx) => {
			const row = await this.lockRow(tx, bucket, now);
			await tx.run('UPDATE rate_buckets SET tokens = 0, updated_ms = ?, blocked_until_ms = ? WHERE bucket_key = ?', [
				now,
				Math.max(untilMs, row.blocked_until_ms),
				bucket.key,
			]);
		});
	}

	private async lockRow(tx: SqlExecutor, bucket: BucketSpec, now: number): Promise<BucketRow> {
		await tx.run(
			'INSERT INTO rate_buckets (bucket_key, tokens, updated_ms, blocked_until_ms) VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING',
			[bucket.key, bucket.burst, now],
		);
		await tx.run('UPDATE rate_buckets SET tokens = tokens WHERE bucket_key = ?', [bucket.key]);
		const rows = await tx.query<{ tokens: number; updated_ms: number; blocked_until_ms: number }>(
			'SELECT tokens, updated_ms, blocked_until_ms FROM rate_buckets WHERE bucket_key = ?',
			[bucket.key],
		);
		return { ...rows[0] };
	}
}
