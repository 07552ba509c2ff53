/** The router's records in the state store: the deduplication window, the route log and the dead letter channel. */
import { randomUUID } from 'node:crypto';

import { selectIn } from '../store/inList';
import { insertMany } from '../store/insertMany';
import { timeOrderedId } from '../store/timeOrderedId';
import type { SqlDatabase } from '../store/types';
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

type DeadLetterRow = {
	id: string;
	event_id: string;
	rule_id: string;
	destination_id: string;
	event: string;
	reason: string;
	attempts: number | string;
	status: 'dead' | 'replayed';
	created_at: string;
	updated_at: string;
};

export class RoutingRepository {
	constructor(
		private readonly db: SqlDatabase,
		private readonly now: () => number = Date.now,
	) {}

	/** The ids among `eventIds` routed less than `windowMs` ago (the deduplication window on incoming events). */
	async seenWithin(eventIds: string[], windowMs: number): Promise<Set<string>> {
		const since = this.now() - windowMs;
		const rows = await selectIn<{ event_id: string }, string>(this.db, eventIds, ({ placeholders, values }) => ({
			sql: `SELECT event_id FROM routing_seen_events WHERE seen_at_ms > ? AND event_id IN (${placeholders})`,
			params: [since, ...values],
		}));
		return new Set(rows.map((row) => row.event_id));
	}

	/**
	 * Records event ids once they have been handled (delivered, dead-lettered or unmatched), not before: an event
	 * whose routing was cut short by a crash is not mistaken for a duplicate when its source sends it again.
	 */
	async recordSeen(eventIds: string[]): Promise<void> {
		if (eventIds.length === 0) return;
		const now = this.now();
		await this.db.transaction(async (tx) => {
			await insertMany(tx, {
				into: 'routing_seen_events (event_id, seen_at_ms)',
				rows: eventIds.map((eventId) => [eventId, now]),
				onConflict: 'ON CONFLICT (event_id) DO UPDATE SET seen_at_ms = excluded.seen_at_ms',
			});
		});
	}

	/** Forgets ids seen longer than `windowMs` ago. */
	async pruneSeen(windowMs: number): Promise<number> {
		return (await this.db.run('DELETE FROM routing_seen_events WHERE seen_at_ms <= ?', [this.now() - windowMs])).changes;
	}

	/** Appends to the route log: one transaction, many rows per statement (a batch of events writes a few statements). */
	async log(entries: RouteLogEntry[]): Promise<void> {
		if (entries.length === 0) return;
		const stamp = new Date(this.now()).toISOString();
		// Time-ordered ids: each insert lands at the end of the primary-key index.
		const rows = entries.map((entry) => [
			timeOrderedId(), entry.eventId ?? null, entry.eventType ?? null, entry.source ?? null, entry.ruleId ?? null,
			entry.destinationId ?? null, entry.status, entry.attempts, entry.detail ?? null, stamp,
		]);
		await this.db.transaction(async (tx) => {
			await insertMany(tx, { into: 'routing_log (id, event_id, event_type, source, rule_id, destination_id, status, attempts, detail, created_at)', rows });
		});
	}

	/** Newest first. */
	async routeLog(filter: { eventId?: string; limit?: number } = {}): Promise<RouteLogRow[]> {
		const where = filter.eventId ? 'WHERE event_id = ?' : '';
		const rows = await this.db.query<Record<string, unknown>>(
			`SELECT * FROM routing_log ${where} ORDER BY created_at DESC, id LIMIT ?`,
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
			createdAt: String(row.created_at),
		}));
	}

	/** One dead letter per (event, rule, destination): a later failure updates it and makes it dead again. */
	async deadLetter(entry: { event: RoutingEvent; ruleId: string; destinationId: string; reason: string; attempts: number }): Promise<string> {
		const stamp = new Date(this.now()).toISOString();
		await this.db.run(
			`INSERT INTO routing_dead_letters (id, event_id, rule_id, destination_id, event, reason, attempts, status, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, 'dead', ?, ?)
			 ON CONFLICT (event_id, rule_id, destination_id) DO UPDATE SET
			 	reason = excluded.reason, attempts = routing_dead_letters.attempts + excluded.attempts, event = excluded.event,
			 	status = 'dead', updated_at = excluded.updated_at`,
			[randomUUID(), entry.event.id, entry.ruleId, entry.destinationId, JSON.stringify(entry.event), entry.reason, entry.attempts, stamp, stamp],
		);
		const rows = await this.db.query<{ id: string }>(
			'SELECT id FROM routing_dead_letters WHERE event_id = ? AND rule_id = ? AND destination_id = ?',
			[entry.event.id, entry.ruleId, entry.destinationId],
		);
		return rows[0].id;
	}

	async markReplayed(id: string): Promise<void> {
		await this.db.run(`UPDATE routing_dead_letters SET status = 'replayed', updated_at = ? WHERE id = ?`, [new Date(this.now()).toISOString(), id]);
	}

	/** Oldest first, dead ones by default. */
	async deadLetters(query: DeadLetterQuery = {}): Promise<DeadLetter[]> {
		const status = query.status ?? 'dead';
		const equalities: Array<[string, string | undefined]> = [
			['status', status === 'all' ? undefined : status],
			['destination_id', query.destinationId],
			['rule_id', query.ruleId],
		];
		const applied = equalities.filter(([, value]) => value);
		const where = applied.length > 0 ? `WHERE ${applied.map(([column]) => `${column} = ?`).join(' AND ')}` : '';
		const params: (string | number)[] = applied.map(([, value]) => value!);
		const rows = await this.db.query<DeadLetterRow>(
			`SELECT * FROM routing_dead_letters ${where} ORDER BY created_at, id LIMIT ?`,
			[...params, query.limit ?? 100],
		);
		return rows.map(toDeadLetter);
	}

	async deadLettersById(ids: string[]): Promise<DeadLetter[]> {
		const rows = await selectIn<DeadLetterRow, string>(this.db, ids, ({ placeholders, values }) => ({
			sql: `SELECT * FROM routing_dead_letters WHERE id IN (${placeholders})`,
			params: values,
		}));
		// Oldest first across every chunk of ids.
		rows.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
		return rows.map(toDeadLetter);
	}
}

function toDeadLetter(row: DeadLetterRow): DeadLetter {
	return {
		id: row.id,
		eventId: row.event_id,
		ruleId: row.rule_id,
		destinationId: row.destination_id,
		event: JSON.parse(row.event) as RoutingEvent,
		reason: row.reason,
		attempts: Number(row.attempts),
		status: row.status,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}
