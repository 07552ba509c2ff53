import { InListSql, runIn, selectIn } from './inList';
import { insertMany, lastOfEach } from './insertMany';
import type { Migration, SqlDatabase, SqlExecutor, SqlValue } from './types';

/**
 * The outbox of pending work, the one queue of the store: an entry is written once per (topic, key) with its payload,
 * the attempts made so far and the time of its next attempt (`next_attempt_ms`: until then a holder has it, or it
 * waits). Entries with named steps (an accepted order) are handed out again once their next-attempt time passes with
 * steps left, their attempts counted (`Outbox`); single-step entries (the sync inbox, marketing's pending changes,
 * the dead letters) are read a topic at a time, ordered or filtered by a group, their failures counted with the last
 * error, and removed or closed once handled (`OutboxTopic`).
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
	{
		component: 'outbox',
		version: 2,
		description: 'every pending queue on the outbox: a group per entry, a revision per payload, the last error, the next-attempt time',
		statements: [
			'ALTER TABLE outbox_entries RENAME COLUMN held_until_ms TO next_attempt_ms',
			"ALTER TABLE outbox_entries ADD COLUMN group_key TEXT NOT NULL DEFAULT ''",
			'ALTER TABLE outbox_entries ADD COLUMN revision BIGINT NOT NULL DEFAULT 1',
			'ALTER TABLE outbox_entries ADD COLUMN last_error_code TEXT',
			'ALTER TABLE outbox_entries ADD COLUMN last_error TEXT',
			'CREATE INDEX outbox_entries_by_group ON outbox_entries (topic, group_key, entry_key)',
		],
	},
];

/** A topic or key made of parts (any characters, NUL included, which Postgres TEXT refuses raw): unambiguous. */
export function outboxKey(...parts: string[]): string {
	return JSON.stringify(parts);
}

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
				`INSERT INTO outbox_entries (topic, entry_key, payload, open_steps, attempts, next_attempt_ms, created_at, updated_at)
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
			`SELECT entry_key FROM outbox_entries WHERE topic = ? AND open_steps > 0 AND next_attempt_ms <= ? ORDER BY created_at, entry_key LIMIT ?`,
			[topic, now, limit],
		);
		const taken: Array<OutboxEntry<P>> = [];
		for (const { entry_key: key } of candidates) {
			const entry = await this.db.transaction(async (tx) => {
				// The hold is re-checked in the update itself: of two callers, only the first one's update matches.
				const claimed = await tx.run(
					`UPDATE outbox_entries SET next_attempt_ms = ?, attempts = attempts + 1, updated_at = ?
					 WHERE topic = ? AND entry_key = ? AND open_steps > 0 AND next_attempt_ms <= ?`,
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

	/**
	 * Notes why a step failed; the step stays pending and the entry is handed out again once its hold runs out, or from
	 * `retryAtMs` when given (a failure worth retrying at the next pass rather than after the whole hold).
	 */
	async fail(topic: string, key: string, step: string, reason: string, retryAtMs?: number): Promise<void> {
		await this.db.run(
			`UPDATE outbox_steps SET failures = failures + 1, last_error = ? WHERE topic = ? AND entry_key = ? AND step = ? AND status = 'pending'`,
			[reason, topic, key, step],
		);
		if (retryAtMs !== undefined) {
			await this.db.run('UPDATE outbox_entries SET next_attempt_ms = ?, updated_at = ? WHERE topic = ? AND entry_key = ? AND open_steps > 0', [
				retryAtMs, new Date(this.now()).toISOString(), topic, key,
			]);
		}
	}

	async get<P>(topic: string, key: string): Promise<OutboxEntry<P> | undefined> {
		return this.read<P>(this.db, topic, key);
	}

	/** One topic of single-step entries, read and written through `executor` (the store, or a caller's transaction). */
	topic<P>(topic: string, executor: SqlExecutor = this.db): OutboxTopic<P> {
		return new OutboxTopic<P>(executor, topic, this.now);
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

/** A single-step entry of a topic: its payload, group, attempts, revision, last error, and whether it is still open. */
export interface QueuedEntry<P> {
	key: string;
	group: string;
	payload: P;
	/** Failed attempts counted so far (reset when a newer payload replaces the entry). */
	attempts: number;
	/** 1 when first written, one more each time a newer payload replaced it. */
	revision: number;
	/** False once the entry was closed (handled, kept for the record). */
	open: boolean;
	/** When the entry may next be attempted (ms since the epoch). */
	nextAttemptMs: number;
	error?: { code?: string; message: string };
	createdAt: string;
	updatedAt: string;
}

/** An open entry as `inGroups` reads it. */
export type GroupEntry<P> = Pick<QueuedEntry<P>, 'key' | 'group' | 'payload' | 'attempts' | 'revision'>;

export interface QueuedWrite<P> {
	key: string;
	group?: string;
	payload: P;
}

export interface QueuedFailure<P> extends QueuedWrite<P> {
	error: { code?: string; message: string };
	/** Attempts this failure took (1 by default), added to those counted before. */
	attempts?: number;
	/** When it may be attempted again; now by default. */
	retryAtMs?: number;
}

export interface QueueQuery {
	group?: string;
	/** Only entries with fewer failed attempts. */
	maxAttempts?: number;
	/** Open entries by default. */
	state?: 'open' | 'closed' | 'all';
	/** Equalities on top-level text fields of the payload. */
	payload?: Record<string, string>;
	/** `updated`: least recently written first; `created`: oldest first; `group`: by group, then key. */
	order?: 'updated' | 'created' | 'group';
	limit?: number;
}

interface QueuedRow {
	entry_key: string;
	group_key: string;
	payload: string;
	attempts: number | string;
	revision: number | string;
	open_steps: number | string;
	next_attempt_ms: number | string;
	last_error_code: string | null;
	last_error: string | null;
	created_at: string;
	updated_at: string;
	[column: string]: unknown;
}

const IN_GROUPS = new InListSql(
	'SELECT entry_key, group_key, payload, attempts, revision FROM outbox_entries WHERE topic = ? AND +open_steps > 0 AND group_key IN (',
	') ORDER BY group_key, entry_key',
);

type GroupRow = Pick<QueuedRow, 'entry_key' | 'group_key' | 'payload' | 'attempts' | 'revision'> & { [column: string]: unknown };

const QUEUED_COLUMNS = 'entry_key, group_key, payload, attempts, revision, open_steps, next_attempt_ms, last_error_code, last_error, created_at, updated_at';
const ORDERS = { updated: 'updated_at, entry_key', created: 'created_at, entry_key', group: 'group_key, entry_key' };
const PAYLOAD_FIELD = /^[A-Za-z][A-Za-z0-9_]*$/;

function toQueued<P>(row: QueuedRow): QueuedEntry<P> {
	return {
		key: row.entry_key,
		group: row.group_key,
		payload: JSON.parse(row.payload) as P,
		attempts: Number(row.attempts),
		revision: Number(row.revision),
		open: Number(row.open_steps) > 0,
		nextAttemptMs: Number(row.next_attempt_ms),
		error: row.last_error === null ? undefined : { code: row.last_error_code ?? undefined, message: row.last_error },
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}

/** Writes in key order, so two transactions writing the same keys wait for each other instead of deadlocking on Postgres. */
const inKeyOrder = <T extends { key: string }>(entries: T[]): T[] => [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/** The last write of each key, in key order: one multi-row upsert cannot touch a row twice on Postgres. */
const lastOfEachKey = <T extends { key: string }>(entries: T[]): T[] => inKeyOrder(lastOfEach(entries, (entry) => entry.key));

/**
 * One topic of the outbox as a queue of single-step work: written many rows per statement, read by group or filter,
 * failures counted with their last error, entries removed or closed once handled. Whatever the caller's executor is
 * (the store, or its transaction), the statements run there.
 */
export class OutboxTopic<P> {
	constructor(
		private readonly db: SqlExecutor,
		readonly topic: string,
		private readonly now: () => number = Date.now,
	) {}

	/**
	 * Writes entries due now; a key written before is replaced by the newer payload: a new revision, its attempts and
	 * error cleared, open again. Within one call the last write of a key wins.
	 */
	async put(entries: Array<QueuedWrite<P>>): Promise<void> {
		const now = this.now();
		const stamp = new Date(now).toISOString();
		await insertMany(this.db, {
			into: 'outbox_entries (topic, entry_key, group_key, payload, open_steps, attempts, revision, next_attempt_ms, created_at, updated_at)',
			values: this.putValues(lastOfEachKey(entries), now, stamp),
			width: 10,
			onConflict: `ON CONFLICT (topic, entry_key) DO UPDATE SET group_key = excluded.group_key, payload = excluded.payload, open_steps = 1,
			 attempts = 0, revision = outbox_entries.revision + 1, next_attempt_ms = excluded.next_attempt_ms, last_error_code = NULL, last_error = NULL,
			 updated_at = excluded.updated_at`,
		});
	}

	/** `put`'s rows one after another: insertMany's flat form, no array per entry. */
	private putValues(entries: Array<QueuedWrite<P>>, now: number, stamp: string): SqlValue[] {
		const values: SqlValue[] = new Array(entries.length * 10);
		let at = 0;
		for (let index = 0; index < entries.length; index++) {
			const entry = entries[index];
			values[at++] = this.topic;
			values[at++] = entry.key;
			values[at++] = entry.group ?? '';
			values[at++] = JSON.stringify(entry.payload);
			values[at++] = 1;
			values[at++] = 0;
			values[at++] = 1;
			values[at++] = now;
			values[at++] = stamp;
			values[at++] = stamp;
		}
		return values;
	}

	/**
	 * Records failed attempts: a new key is written with them, a known one takes the payload given, adds the attempts and
	 * keeps the last error; either way the entry is open and due at `retryAtMs`.
	 */
	async recordFailures(failures: Array<QueuedFailure<P>>): Promise<void> {
		const now = this.now();
		const stamp = new Date(now).toISOString();
		await insertMany(this.db, {
			into: 'outbox_entries (topic, entry_key, group_key, payload, open_steps, attempts, revision, next_attempt_ms, last_error_code, last_error, created_at, updated_at)',
			rows: lastOfEachKey(failures).map((failure) => [
				this.topic, failure.key, failure.group ?? '', JSON.stringify(failure.payload), 1, failure.attempts ?? 1, 1, failure.retryAtMs ?? now,
				failure.error.code ?? null, failure.error.message, stamp, stamp,
			]),
			onConflict: `ON CONFLICT (topic, entry_key) DO UPDATE SET group_key = excluded.group_key, payload = excluded.payload, open_steps = 1,
			 attempts = outbox_entries.attempts + excluded.attempts, next_attempt_ms = excluded.next_attempt_ms, last_error_code = excluded.last_error_code,
			 last_error = excluded.last_error, updated_at = excluded.updated_at`,
		});
	}

	/**
	 * Counts an attempt about to be made: a new key is written open with one attempt, a known one (open, or closed by an
	 * earlier outcome) is reopened with one more and takes the payload given; its last error is kept until an outcome.
	 */
	async noteAttempt(entry: QueuedWrite<P>): Promise<void> {
		const now = this.now();
		const stamp = new Date(now).toISOString();
		await this.db.run(
			`INSERT INTO outbox_entries (topic, entry_key, group_key, payload, open_steps, attempts, revision, next_attempt_ms, created_at, updated_at)
			 VALUES (?, ?, ?, ?, 1, 1, 1, ?, ?, ?)
			 ON CONFLICT (topic, entry_key) DO UPDATE SET group_key = excluded.group_key, payload = excluded.payload, open_steps = 1,
			 attempts = outbox_entries.attempts + 1, next_attempt_ms = excluded.next_attempt_ms, updated_at = excluded.updated_at`,
			[this.topic, entry.key, entry.group ?? '', JSON.stringify(entry.payload), now, stamp, stamp],
		);
	}

	/** Counts one failed attempt of a key, unless a newer revision of it was written meanwhile. */
	async countAttempt(key: string, revision: number): Promise<void> {
		await this.db.run(
			'UPDATE outbox_entries SET attempts = attempts + 1, updated_at = ? WHERE topic = ? AND entry_key = ? AND revision = ?',
			[new Date(this.now()).toISOString(), this.topic, key, revision],
		);
	}

	/** Removes a handled entry; given a revision, only that one (a newer payload written meanwhile stays). */
	async remove(key: string, revision?: number): Promise<void> {
		const onlyRevision = revision === undefined ? '' : ' AND revision = ?';
		await this.db.run(`DELETE FROM outbox_entries WHERE topic = ? AND entry_key = ?${onlyRevision}`, [this.topic, key, ...(revision === undefined ? [] : [revision])]);
	}

	/** Removes handled entries, in key order. */
	async removeMany(keys: string[]): Promise<void> {
		for (const key of [...new Set(keys)].sort()) await this.remove(key);
	}

	/**
	 * `remove` with a revision for many entries: one statement per revision and 500 keys (a fresh sync's entries are
	 * all at revision 1), in key order. An entry rewritten since its revision was read stays.
	 */
	async removeRevisions(entries: Array<{ key: string; revision: number }>): Promise<void> {
		const byRevision = new Map<number, string[]>();
		for (const { key, revision } of entries) {
			const keys = byRevision.get(revision);
			if (keys) keys.push(key);
			else byRevision.set(revision, [key]);
		}
		for (const [revision, keys] of byRevision) {
			await runIn(this.db, keys.sort(), ({ placeholders, values }) => ({
				sql: `DELETE FROM outbox_entries WHERE topic = ? AND revision = ? AND entry_key IN (${placeholders})`,
				params: [this.topic, revision, ...values],
			}));
		}
	}

	/**
	 * Closes an entry that is settled but kept for the record (open or closed already), adding the attempts the
	 * settling took and keeping its outcome's note as the entry's error (null clears it). True when it was open.
	 */
	async settle(key: string, outcome: { attempts?: number; error: { code?: string; message: string } | null }): Promise<boolean> {
		const open = await this.db.query('SELECT 1 FROM outbox_entries WHERE topic = ? AND entry_key = ? AND open_steps > 0', [this.topic, key]);
		await this.db.run(
			`UPDATE outbox_entries SET open_steps = 0, attempts = attempts + ?, last_error_code = ?, last_error = ?, updated_at = ?
			 WHERE topic = ? AND entry_key = ?`,
			[outcome.attempts ?? 0, outcome.error?.code ?? null, outcome.error?.message ?? null, new Date(this.now()).toISOString(), this.topic, key],
		);
		return open.length === 1;
	}

	/** Closes entries that were handled but are kept for the record; true for each one that was open. */
	async close(key: string): Promise<boolean> {
		const closed = await this.db.run('UPDATE outbox_entries SET open_steps = 0, updated_at = ? WHERE topic = ? AND entry_key = ? AND open_steps > 0', [
			new Date(this.now()).toISOString(), this.topic, key,
		]);
		return closed.changes === 1;
	}

	/** The next `limit` groups with open entries after `afterGroup`, in order. */
	async groupsAfter(afterGroup: string, limit: number): Promise<string[]> {
		const rows = await this.db.query<{ group_key: string }>(
			'SELECT DISTINCT group_key FROM outbox_entries WHERE topic = ? AND open_steps > 0 AND group_key > ? ORDER BY group_key LIMIT ?',
			[this.topic, afterGroup, limit],
		);
		return rows.map((row) => row.group_key);
	}

	/**
	 * Every open entry of these groups, by group then key: what working through a group needs of each (not its times or
	 * last error), as a sync reads every record it stages this way.
	 */
	async inGroups(groups: string[]): Promise<Array<GroupEntry<P>>> {
		// The groups are in order, so the chunks' rows, each chunk ordered, are in order too. `+open_steps` keeps SQLite on
		// the group index: on the due index it read every open entry of the topic for each chunk (a sync's inbox, quadratic).
		const rows = await selectIn<GroupRow, string>(this.db, groups, ({ values }) => ({
			sql: IN_GROUPS.text(values.length),
			params: [this.topic, ...values],
		}));
		return rows.map((row) => ({ key: row.entry_key, group: row.group_key, payload: JSON.parse(row.payload) as P, attempts: Number(row.attempts), revision: Number(row.revision) }));
	}

	async list(query: QueueQuery = {}): Promise<Array<QueuedEntry<P>>> {
		const clauses = ['topic = ?'];
		const params: SqlValue[] = [this.topic];
		const state = query.state ?? 'open';
		if (state !== 'all') clauses.push(state === 'open' ? 'open_steps > 0' : 'open_steps = 0');
		if (query.group !== undefined) {
			clauses.push('group_key = ?');
			params.push(query.group);
		}
		if (query.maxAttempts !== undefined) {
			clauses.push('attempts < ?');
			params.push(query.maxAttempts);
		}
		for (const [field, value] of Object.entries(query.payload ?? {})) {
			clauses.push(`${this.payloadField(field)} = ?`);
			params.push(value);
		}
		const rows = await this.db.query<QueuedRow>(
			`SELECT ${QUEUED_COLUMNS} FROM outbox_entries WHERE ${clauses.join(' AND ')} ORDER BY ${ORDERS[query.order ?? 'created']} LIMIT ?`,
			[...params, query.limit ?? 100],
		);
		return rows.map((row) => toQueued<P>(row));
	}

	/** Entries, open or closed, whose payload field holds one of `values` (any number of them). */
	async wherePayload(field: string, values: string[]): Promise<Array<QueuedEntry<P>>> {
		const rows = await selectIn<QueuedRow, string>(this.db, values, ({ placeholders, values: chunk }) => ({
			sql: `SELECT ${QUEUED_COLUMNS} FROM outbox_entries WHERE topic = ? AND ${this.payloadField(field)} IN (${placeholders})`,
			params: [this.topic, ...chunk],
		}));
		return rows.map((row) => toQueued<P>(row));
	}

	async get(key: string): Promise<QueuedEntry<P> | undefined> {
		const rows = await this.db.query<QueuedRow>(`SELECT ${QUEUED_COLUMNS} FROM outbox_entries WHERE topic = ? AND entry_key = ?`, [this.topic, key]);
		return rows[0] && toQueued<P>(rows[0]);
	}

	/** The entries of these keys (any number of them), by key; keys never written are left out. */
	async getMany(keys: string[]): Promise<Map<string, QueuedEntry<P>>> {
		const rows = await selectIn<QueuedRow, string>(this.db, [...new Set(keys)], ({ placeholders, values }) => ({
			sql: `SELECT ${QUEUED_COLUMNS} FROM outbox_entries WHERE topic = ? AND entry_key IN (${placeholders})`,
			params: [this.topic, ...values],
		}));
		return new Map(rows.map((row) => [row.entry_key, toQueued<P>(row)]));
	}

	/** Open entries. */
	async size(): Promise<number> {
		const rows = await this.db.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM outbox_entries WHERE topic = ? AND open_steps > 0', [this.topic]);
		return Number(rows[0].n);
	}

	/** A top-level text field of the payload, in the backend's JSON syntax; only plain field names are accepted. */
	private payloadField(field: string): string {
		if (!PAYLOAD_FIELD.test(field)) throw new Error(`Invalid payload field "${field}"`);
		return this.db.dialect === 'postgres' ? `(payload::jsonb ->> '${field}')` : `json_extract(payload, '$.${field}')`;
	}
}
