import type { Migration, SqlDatabase, SqlExecutor } from './types';

/**
 * The outbox of pending work: an entry (say, an accepted order) is written once per (topic, key) with the steps still
 * to do, before anyone is told it was accepted. Whoever holds an entry does its steps and marks each done; an entry
 * whose hold ran out with steps left (its worker died, or a step failed) is handed out again, its attempts counted.
 */
export const outboxMigrations: Migration[] = [
	{
		component: 'outbox',
		version: 1,
		description: 'outbox entries (payload, hold, attempts) and their steps',
		statements: [
			`CREATE TABLE outbox_entries (
				topic TEXT NOT NULL,
				entry_key TEXT NOT NULL,
				payload TEXT NOT NULL,
				open_steps BIGINT NOT NULL,
				attempts BIGINT NOT NULL,
				held_until_ms BIGINT NOT NULL,
				created_at TEXT NOT NULL,
				updated_at TEXT NOT NULL,
				PRIMARY KEY (topic, entry_key)
			)`,
			'CREATE INDEX outbox_entries_due ON outbox_entries (topic, open_steps, held_until_ms)',
			`CREATE TABLE outbox_steps (
				topic TEXT NOT NULL,
				entry_key TEXT NOT NULL,
				step TEXT NOT NULL,
				position BIGINT NOT NULL,
				status TEXT NOT NULL,
				failures BIGINT NOT NULL DEFAULT 0,
				last_error TEXT,
				completed_at TEXT,
				PRIMARY KEY (topic, entry_key, step)
			)`,
		],
	},
];

export interface OutboxEntry<P> {
	topic: string;
	key: string;
	payload: P;
	/** Steps not done yet, in the order they were given. */
	pendingSteps: string[];
	/** How many times the entry was handed out: 1 when accepted, one more per resume. */
	attempts: number;
	createdAt: string;
}

export type CompleteResult =
	| { status: 'completed'; remaining: string[] }
	| { status: 'already_done'; remaining: string[] }
	| { status: 'unknown' };

interface EntryRow {
	entry_key: string;
	payload: string;
	attempts: number | string;
	created_at: string;
}

export class Outbox {
	constructor(
		private readonly db: SqlDatabase,
		private readonly now: () => number = Date.now,
	) {}

	/**
	 * Records the entry with its steps, held by the caller for `holdMs`; `isNew` is false when the (topic, key) was
	 * recorded before, and then nothing changes and the entry as first recorded is returned.
	 */
	async add<P>(topic: string, key: string, payload: P, steps: string[], holdMs: number): Promise<{ isNew: boolean; entry: OutboxEntry<P> }> {
		if (steps.length === 0 || new Set(steps).size !== steps.length) throw new Error('An outbox entry needs distinct steps');
		return this.db.transaction(async (tx) => {
			const now = this.now();
			const stamp = new Date(now).toISOString();
			const inserted = await tx.run(
				`INSERT INTO outbox_entries (topic, entry_key, payload, open_steps, attempts, held_until_ms, created_at, updated_at)
				 VALUES (?, ?, ?, ?, 1, ?, ?, ?) ON CONFLICT DO NOTHING`,
				[topic, key, JSON.stringify(payload), steps.length, now + holdMs, stamp, stamp],
			);
			if (inserted.changes === 1) {
				for (const [position, step] of steps.entries()) {
					await tx.run('INSERT INTO outbox_steps (topic, entry_key, step, position, status) VALUES (?, ?, ?, ?, ?)', [topic, key, step, position, 'pending']);
				}
			}
			const entry = await this.read<P>(tx, topic, key);
			return { isNew: inserted.changes === 1, entry: entry as OutboxEntry<P> };
		});
	}

	/**
	 * Hands out entries with steps left whose hold ran out, oldest first, each held for `holdMs` by this caller and its
	 * attempts counted. Two callers never get the same entry within one hold.
	 */
	async takeDue<P>(topic: string, holdMs: number, limit = 100): Promise<Array<OutboxEntry<P>>> {
		const now = this.now();
		const candidates = await this.db.query<{ entry_key: string }>(
			`SELECT entry_key FROM outbox_entries WHERE topic = ? AND open_steps > 0 AND held_until_ms <= ? ORDER BY created_at, entry_key LIMIT ?`,
			[topic, now, limit],
		);
		const taken: Array<OutboxEntry<P>> = [];
		for (const { entry_key: key } of candidates) {
			const entry = await this.db.transaction(async (tx) => {
				// The hold is re-checked in the update itself: of two callers, only the first one's update matches.
				const claimed = await tx.run(
					`UPDATE outbox_entries SET held_until_ms = ?, attempts = attempts + 1, updated_at = ?
					 WHERE topic = ? AND entry_key = ? AND open_steps > 0 AND held_until_ms <= ?`,
					[now + holdMs, new Date(now).toISOString(), topic, key, now],
				);
				return claimed.changes === 1 ? this.read<P>(tx, topic, key) : undefined;
			});
			if (entry) taken.push(entry);
		}
		return taken;
	}

	/** Marks one step done; only the first call for a step reports `completed`. The entry is released once none is left. */
	async complete(topic: string, key: string, step: string): Promise<CompleteResult> {
		return this.db.transaction(async (tx): Promise<CompleteResult> => {
			const stamp = new Date(this.now()).toISOString();
			const done = await tx.run(
				`UPDATE outbox_steps SET status = 'done', completed_at = ? WHERE topic = ? AND entry_key = ? AND step = ? AND status = 'pending'`,
				[stamp, topic, key, step],
			);
			if (done.changes === 1) {
				await tx.run('UPDATE outbox_entries SET open_steps = open_steps - 1, updated_at = ? WHERE topic = ? AND entry_key = ?', [stamp, topic, key]);
			} else {
				const known = await tx.query('SELECT 1 FROM outbox_steps WHERE topic = ? AND entry_key = ? AND step = ?', [topic, key, step]);
				if (known.length === 0) return { status: 'unknown' };
			}
			const remaining = await this.pendingSteps(tx, topic, key);
			return { status: done.changes === 1 ? 'completed' : 'already_done', remaining };
		});
	}

	/** Notes why a step failed; the step stays pending and the entry is handed out again once its hold runs out. */
	async fail(topic: string, key: string, step: string, reason: string): Promise<void> {
		await this.db.run(
			`UPDATE outbox_steps SET failures = failures + 1, last_error = ? WHERE topic = ? AND entry_key = ? AND step = ? AND status = 'pending'`,
			[reason, topic, key, step],
		);
	}

	async get<P>(topic: string, key: string): Promise<OutboxEntry<P> | undefined> {
		return this.read<P>(this.db, topic, key);
	}

	private async read<P>(db: SqlExecutor, topic: string, key: string): Promise<OutboxEntry<P> | undefined> {
		const rows = await db.query<EntryRow & { [column: string]: unknown }>(
			'SELECT entry_key, payload, attempts, created_at FROM outbox_entries WHERE topic = ? AND entry_key = ?',
			[topic, key],
		);
		const row = rows[0];
		if (!row) return undefined;
		return {
			topic,
			key,
			payload: JSON.parse(row.payload) as P,
			pendingSteps: await this.pendingSteps(db, topic, key),
			attempts: Number(row.attempts),
			createdAt: row.created_at,
		};
	}

	private async pendingSteps(db: SqlExecutor, topic: string, key: string): Promise<string[]> {
		const rows = await db.query<{ step: string }>(
			`SELECT step FROM outbox_steps WHERE topic = ? AND entry_key = ? AND status = 'pending' ORDER BY position`,
			[topic, key],
		);
		return rows.map((row) => row.step);
	}
}
