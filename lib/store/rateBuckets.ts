import type { SqlDatabase, SqlExecutor } from './types';

/** One vendor window for one credential: at most `capacity` requests in any `windowMs`. */
export interface BucketSpec {
	key: string;
	capacity: number;
	windowMs: number;
}

/** Slots per window: the count is kept per slot, so a request is forgotten at most one slot late. */
const SLOTS_PER_WINDOW = 20;

type Slot = [startMs: number, count: number];

interface BucketRow {
	slots: Slot[];
	blockedUntilMs: number;
}

/**
 * Rolling-window budgets kept in the store, so every execution and worker draws from the same budget.
 * A token bucket that refills continuously can send twice its capacity within one rolling window; vendors
 * such as HubSpot count a rolling window, so we count requests per slot instead and never exceed it.
 * An UPDATE first takes the row lock (Postgres); SQLite's write lock does the same.
 */
export class RateBucketRepository {
	constructor(private readonly db: SqlDatabase) {}

	/** Counts one request in every window, or none: returns 0 when granted, else how long to wait before asking again. */
	async take(buckets: BucketSpec[], now = Date.now()): Promise<number> {
		if (buckets.length === 0) return 0;
		return this.db.transaction(async (tx) => {
			const states: Array<{ bucket: BucketSpec; row: BucketRow }> = [];
			for (const bucket of inLockOrder(buckets)) states.push({ bucket, row: await this.lockRow(tx, bucket, now) });
			const wait = Math.max(...states.map(({ bucket, row }) => waitFor(bucket, row, now)));
			if (wait > 0) return wait;
			for (const { bucket, row } of states) {
				addToCurrentSlot(bucket, row, now, 1);
				await this.save(tx, bucket, row);
			}
			return 0;
		});
	}

	/**
	 * Moves a request counted when it was let through (`takenAt`) to when its answer came (`now`). A vendor counts a
	 * request when it arrives, which may be well after it was let through (a loaded machine, a slow connection):
	 * counted at the answer, it stays in our window at least as long as in the vendor's, so the next one the
	 * window lets through can never reach the vendor inside the same window.
	 */
	async settle(buckets: BucketSpec[], takenAt: number, now = Date.now()): Promise<void> {
		const moving = inLockOrder(buckets).filter((bucket) => slotStart(bucket, takenAt) !== slotStart(bucket, now));
		if (moving.length === 0) return;
		await this.db.transaction(async (tx) => {
			for (const bucket of moving) {
				const row = await this.lockRow(tx, bucket, now);
				const taken = row.slots.find(([start]) => start === slotStart(bucket, takenAt));
				if (taken) taken[1] -= 1;
				row.slots = row.slots.filter(([, count]) => count > 0);
				addToCurrentSlot(bucket, row, now, 1);
				await this.save(tx, bucket, row);
			}
		});
	}

	/** The vendor said how much is left in this window: never believe we have more than that. */
	async observeRemaining(bucket: BucketSpec, remaining: number, now = Date.now()): Promise<void> {
		await this.db.transaction(async (tx) => {
			const row = await this.lockRow(tx, bucket, now);
			const ourRemaining = bucket.capacity - used(row);
			if (remaining < ourRemaining) {
				addToCurrentSlot(bucket, row, now, ourRemaining - Math.max(0, remaining));
				await this.save(tx, bucket, row);
			}
		});
	}

	/** The vendor refused (429 / Retry-After): nobody sends on this window until `untilMs`. */
	async blockUntil(bucket: BucketSpec, untilMs: number, now = Date.now()): Promise<void> {
		await this.db.transaction(async (tx) => {
			const row = await this.lockRow(tx, bucket, now);
			row.blockedUntilMs = Math.max(row.blockedUntilMs, untilMs);
			await this.save(tx, bucket, row);
		});
	}

	private async lockRow(tx: SqlExecutor, bucket: BucketSpec, now: number): Promise<BucketRow> {
		await tx.run(
			`INSERT INTO rate_buckets (bucket_key, slots, blocked_until_ms) VALUES (?, '[]', 0) ON CONFLICT DO NOTHING`,
			[bucket.key],
		);
		await tx.run('UPDATE rate_buckets SET slots = slots WHERE bucket_key = ?', [bucket.key]);
		const rows = await tx.query<{ slots: string; blocked_until_ms: number }>(
			'SELECT slots, blocked_until_ms FROM rate_buckets WHERE bucket_key = ?',
			[bucket.key],
		);
		const slotMs = slotLength(bucket);
		// A slot stays counted until its whole span has left the window.
		const live = (JSON.parse(rows[0].slots) as Slot[]).filter(([start]) => start + slotMs + bucket.windowMs > now);
		return { slots: live, blockedUntilMs: rows[0].blocked_until_ms };
	}

	private async save(tx: SqlExecutor, bucket: BucketSpec, row: BucketRow): Promise<void> {
		await tx.run('UPDATE rate_buckets SET slots = ?, blocked_until_ms = ? WHERE bucket_key = ?', [
			JSON.stringify(row.slots),
			row.blockedUntilMs,
			bucket.key,
		]);
	}
}

/**
 * Row locks are taken in key order, so two takes naming the same buckets in different orders cannot deadlock on
 * Postgres; a key named twice is counted once (two copies of one row would overwrite each other's count).
 */
function inLockOrder(buckets: BucketSpec[]): BucketSpec[] {
	const byKey = new Map(buckets.map((bucket) => [bucket.key, bucket]));
	return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function slotLength(bucket: BucketSpec): number {
	return Math.max(1, Math.ceil(bucket.windowMs / SLOTS_PER_WINDOW));
}

function slotStart(bucket: BucketSpec, at: number): number {
	return at - (at % slotLength(bucket));
}

function used(row: BucketRow): number {
	return row.slots.reduce((sum, [, count]) => sum + count, 0);
}

function waitFor(bucket: BucketSpec, row: BucketRow, now: number): number {
	if (row.blockedUntilMs > now) return row.blockedUntilMs - now;
	let excess = used(row) + 1 - bucket.capacity;
	if (excess <= 0) return 0;
	const slotMs = slotLength(bucket);
	for (const [start, count] of row.slots) {
		excess -= count;
		if (excess <= 0) return Math.max(1, start + slotMs + bucket.windowMs - now);
	}
	return bucket.windowMs;
}

/** Slots stay in time order (another process may have counted a later slot already), as `waitFor` expects. */
function addToCurrentSlot(bucket: BucketSpec, row: BucketRow, now: number, count: number): void {
	const start = slotStart(bucket, now);
	const same = row.slots.find(([slotStart]) => slotStart === start);
	if (same) same[1] += count;
	else {
		row.slots.push([start, count]);
		row.slots.sort((a, b) => a[0] - b[0]);
	}
}
