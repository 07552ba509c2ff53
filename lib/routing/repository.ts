/** The router's records in the state store: the deduplication window, the route log and the dead letter channel. */
import { randomUUID } from 'node:crypto';

import { selectIn } from '../store/inList';
import { lockInTransaction } from '../store/exclusive';
import { INSERT_CHUNK_ROWS, insertMany } from '../store/insertMany';
import { OutboxTopic, outboxKey, type QueuedEntry } from '../store/outbox';
import type { SqlDatabase, SqlExecutor, SqlValue } from '../store/types';
import type { RoutingEvent } from './types';

export type RouteLogStatus = 'delivered' | 'already_delivered' | 'handed_off' | 'failed' | 'unmatched' | 'rejected' | 'duplicate' | 'transform_failed';

export interface RouteLogEntry {
	eventId?: string;
	eventType?: string;
	source?: string;
	ruleId?: string;
	destinationId?: string;
	status: RouteLogStatus;
	attempts: number;
	detail?: string;
}

export interface RouteLogRow extends RouteLogEntry {
	id: string;
	createdAt: string;
}

/** Destination id of a dead letter whose rule's transform failed (no destination was tried). */
export const ALL_DESTINATIONS = '*';

export interface DeadLetter {
	id: string;
	eventId: string;
	ruleId: string;
	/** `*` when the transform failed before any destination. */
	destinationId: string;
	event: RoutingEvent;
	reason: string;
	attempts: number;
	status: 'dead' | 'replayed';
	createdAt: string;
	updatedAt: string;
}

export interface DeadLetterQuery {
	status?: 'dead' | 'replayed' | 'all';
	destinationId?: string;
	ruleId?: string;
	limit?: number;
}

export class RoutingRepository {
	constructor(
		private readonly db: SqlDatabase,
		private readonly now: () => number = Date.now,
	) {}

	/**
	 * The ids among `eventIds` handled less than `windowMs` ago (the deduplication window on incoming events): the route
	 * log is the record of it, since an event is logged once handled (routed, dead-lettered or unmatched) and not before,
	 * so an event whose routing was cut short by a crash is not mistaken for a duplicate when its source sends it again.
	 * A rejected event was not handled, and a duplicate's entry does not extend the window. Ids recorded in the
	 * deduplication table of earlier versions still count until they leave the window.
	 */
	async seenWithin(eventIds: ReadonlySet<string> | readonly string[], windowMs: number, executor: SqlExecutor = this.db): Promise<Set<string>> {
		if (('size' in eventIds ? eventIds.size : eventIds.length) === 0) return new Set();
		const since = this.now() - windowMs;
		const earlier = await this.earlierSeenIds(since, executor);
		const rows = await selectIn<{ event_id: string }, string>(executor, eventIds, ({ placeholders, values }) => ({
			sql: `SELECT event_id FROM routing_log WHERE event_id IN (${placeholders}) AND created_ms > ? AND status NOT IN ('rejected', 'duplicate')${
				earlier ? ` UNION SELECT event_id FROM routing_seen_events WHERE seen_at_ms > ? AND event_id IN (${placeholders})` : ''
			}`,
			params: earlier ? [...values, since, since, ...values] : [...values, since],
		}));
		const seen = new Set<string>();
		for (const row of rows) seen.add(row.event_id);
		return seen;
	}

	/** Whether the deduplication table of earlier versions holds an id seen after `since` (empty a window after the upgrade). */
	private async earlierSeenIds(since: number, executor: SqlExecutor): Promise<boolean> {
		return (await executor.query('SELECT 1 AS found FROM routing_seen_events WHERE seen_at_ms > ? LIMIT 1', [since])).length > 0;
	}

	/** Appends to the route log in one transaction (with no deduplication window to keep). */
	async log(entries: RouteLogEntry[]): Promise<void> {
		if (entries.length === 0) return;
		await this.db.transaction(async (tx) => await this.append(tx, entries));
	}

	/**
	 * Logs a batch of handled events exactly once across executions: under the route log's lock, in the transaction that
	 * writes the entries, finds which of `eventIds` another execution logged within the window since this one looked,
	 * and writes the entries `entriesFor` gives knowing them (those events are duplicates after all). Two executions
	 * logging one event run one after the other, and the second sees the first's entries. Ids of the previous versions'
	 * deduplication table that have left the window are forgotten in the same transaction.
	 */
	async logHandled(eventIds: ReadonlySet<string>, windowMs: number, entriesFor: (loggedBefore: Set<string>) => RouteLogEntry[]): Promise<void> {
		await this.db.transaction(async (tx) => {
			await lockInTransaction(tx, ROUTE_LOG_LOCK);
			const loggedBefore = await this.seenWithin(eventIds, windowMs, tx);
			await this.append(tx, entriesFor(loggedBefore));
			await tx.run('DELETE FROM routing_seen_events WHERE seen_at_ms <= ?', [this.now() - windowMs]);
		});
	}

	/** Many rows per statement: a batch of events writes a few statements. */
	private async append(tx: SqlExecutor, entries: RouteLogEntry[]): Promise<void> {
		const stamp = this.now();
		// The store numbers the rows in the order written. Rows are made a statement's worth at a time, so a large batch
		// does not hold all of them at once.
		const row = (entry: RouteLogEntry) => [
			stamp, entry.eventId ?? null, entry.eventType ?? null, entry.source ?? null, entry.ruleId ?? null,
			entry.destinationId ?? null, entry.status, entry.attempts, entry.detail ?? null,
		];
		for (let start = 0; start < entries.length; start += INSERT_CHUNK_ROWS) {
			const rows = new Array<SqlValue[]>(Math.min(INSERT_CHUNK_ROWS, entries.length - start));
			for (let index = 0; index < rows.length; index++) rows[index] = row(entries[start + index]);
			await insertMany(tx, { into: 'routing_log (created_ms, event_id, event_type, source, rule_id, destination_id, status, attempts, detail)', rows });
		}
	}

	/** Newest first: the reverse of the order written. */
	async routeLog(filter: { eventId?: string; limit?: number } = {}): Promise<RouteLogRow[]> {
		const where = filter.eventId ? 'WHERE event_id = ?' : '';
		const rows = await this.db.query<Record<string, unknown>>(
			`SELECT * FROM routing_log ${where} ORDER BY id DESC LIMIT ?`,
			[...(filter.eventId ? [filter.eventId] : []), filter.limit ?? 100],
		);
		return rows.map((row) => ({
			id: String(row.id),
			eventId: (row.event_id as string | null) ?? undefined,
			eventType: (row.event_type as string | null) ?? undefined,
			source: (row.source as string | null) ?? undefined,
			ruleId: (row.rule_id as string | null) ?? undefined,
			destinationId: (row.destination_id as string | null) ?? undefined,
			status: row.status as RouteLogStatus,
			attempts: Number(row.attempts),
			detail: (row.detail as string | null) ?? undefined,
			createdAt: new Date(Number(row.created_ms)).toISOString(),
		}));
	}

	/** One dead letter per (event, rule, destination): a later failure updates it, adds its attempts and makes it dead again. */
	async deadLetter(entry: { event: RoutingEvent; ruleId: string; destinationId: string; reason: string; attempts: number }): Promise<string> {
		const key = deadLetterKey(entry.event.id, entry.ruleId, entry.destinationId);
		return this.db.transaction(async (tx) => {
			const letters = this.letters(tx);
			const id = (await letters.get(key))?.payload.id ?? randomUUID();
			const payload: DeadLetterPayload = { id, eventId: entry.event.id, ruleId: entry.ruleId, destinationId: entry.destinationId, event: entry.event };
			// Never handed out by itself: a dead letter waits for a replay.
			await letters.recordFailures([{ key, group: entry.destinationId, payload, error: { message: entry.reason }, attempts: entry.attempts }]);
			return id;
		});
	}

	async markReplayed(id: string): Promise<void> {
		const letters = this.letters();
		for (const letter of await letters.wherePayload('id', [id])) await letters.close(letter.key);
	}

	/** Oldest first, dead ones by default. */
	async deadLetters(query: DeadLetterQuery = {}): Promise<DeadLetter[]> {
		const status = query.status ?? 'dead';
		const entries = await this.letters().list({
			state: status === 'all' ? 'all' : status === 'dead' ? 'open' : 'closed',
			group: query.destinationId || undefined,
			payload: query.ruleId ? { ruleId: query.ruleId } : undefined,
			order: 'created',
			limit: query.limit ?? 100,
		});
		return entries.map(toDeadLetter);
	}

	async deadLettersById(ids: string[]): Promise<DeadLetter[]> {
		const entries = await this.letters().wherePayload('id', ids);
		// Oldest first across every chunk of ids.
		entries.sort((a, b) => compare(a.createdAt, b.createdAt) || compare(a.payload.id, b.payload.id));
		return entries.map(toDeadLetter);
	}

	/** The dead letter channel, on the store's outbox: one entry per (event, rule, destination), grouped by destination. */
	private letters(executor: SqlExecutor = this.db): OutboxTopic<DeadLetterPayload> {
		return new OutboxTopic<DeadLetterPayload>(executor, DEAD_LETTER_TOPIC, this.now);
	}
}

/** Held by the transaction that re-checks the deduplication window and writes the route log. */
const ROUTE_LOG_LOCK = 'routing.log';

/** The outbox topic of the dead letters, and a letter's key in it. */
export const DEAD_LETTER_TOPIC = 'routing-dead-letters';
export const deadLetterKey = (eventId: string, ruleId: string, destinationId: string): string => outboxKey(eventId, ruleId, destinationId);

/** What a dead letter keeps beside its attempts, reason and status. */
export interface DeadLetterPayload {
	id: string;
	eventId: string;
	ruleId: string;
	destinationId: string;
	event: RoutingEvent;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function toDeadLetter(entry: QueuedEntry<DeadLetterPayload>): DeadLetter {
	const { id, eventId, ruleId, destinationId, event } = entry.payload;
	return {
		id,
		eventId,
		ruleId,
		destinationId,
		event,
		reason: entry.error?.message ?? '',
		attempts: entry.attempts,
		status: entry.open ? 'dead' : 'replayed',
		createdAt: entry.createdAt,
		updatedAt: entry.updatedAt,
	};
}
