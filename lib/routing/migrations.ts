import { insertMany } from '../store/insertMany';
import type { Migration, SqlExecutor } from '../store/types';
import { DEAD_LETTER_TOPIC, deadLetterKey, type DeadLetterPayload } from './repository';
import type { RoutingEvent } from './types';

/** The event router's tables: incoming event ids (deduplication window), the route log and the dead letters. */
export const routingMigrations: Migration[] = [
	{
		component: 'routing',
		version: 1,
		description: 'seen event ids, route log, dead letters',
		statements: [
			`CREATE TABLE routing_seen_events (
				event_id TEXT PRIMARY KEY,
				seen_at_ms BIGINT NOT NULL
			)`,
			'CREATE INDEX routing_seen_events_by_time ON routing_seen_events (seen_at_ms)',
			`CREATE TABLE routing_log (
				id TEXT PRIMARY KEY,
				event_id TEXT,
				event_type TEXT,
				source TEXT,
				rule_id TEXT,
				destination_id TEXT,
				status TEXT NOT NULL,
				attempts BIGINT NOT NULL,
				detail TEXT,
				created_at TEXT NOT NULL
			)`,
			'CREATE INDEX routing_log_by_event ON routing_log (event_id, created_at)',
			'CREATE INDEX routing_log_by_time ON routing_log (created_at)',
			`CREATE TABLE routing_dead_letters (
				id TEXT PRIMARY KEY,
				event_id TEXT NOT NULL,
				rule_id TEXT NOT NULL,
				destination_id TEXT NOT NULL,
				event TEXT NOT NULL,
				reason TEXT NOT NULL,
				attempts BIGINT NOT NULL,
				status TEXT NOT NULL,
				created_at TEXT NOT NULL,
				updated_at TEXT NOT NULL,
				UNIQUE (event_id, rule_id, destination_id)
			)`,
			'CREATE INDEX routing_dead_letters_by_status ON routing_dead_letters (status, created_at)',
		],
	},
	{
		component: 'routing',
		version: 2,
		description: 'the dead letter channel on the store outbox: letters moved there with their ids, attempts, reasons and status',
		statements: [],
		run: async (tx) => {
			await moveDeadLettersToOutbox(tx);
			await tx.run('DROP TABLE routing_dead_letters');
		},
	},
];

interface DeadLetterRow {
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
	[column: string]: unknown;
}

/** Letters written before version 2 keep their ids (a workflow may replay them by id), attempts, reasons and status. */
async function moveDeadLettersToOutbox(tx: SqlExecutor): Promise<void> {
	const rows = await tx.query<DeadLetterRow>('SELECT * FROM routing_dead_letters ORDER BY created_at, id');
	const now = Date.now();
	await insertMany(tx, {
		into: 'outbox_entries (topic, entry_key, group_key, payload, open_steps, attempts, revision, next_attempt_ms, last_error_code, last_error, created_at, updated_at)',
		rows: rows.map((row) => {
			const payload: DeadLetterPayload = { id: row.id, eventId: row.event_id, ruleId: row.rule_id, destinationId: row.destination_id, event: JSON.parse(row.event) as RoutingEvent };
			return [
				DEAD_LETTER_TOPIC, deadLetterKey(row.event_id, row.rule_id, row.destination_id), row.destination_id, JSON.stringify(payload),
				row.status === 'dead' ? 1 : 0, Number(row.attempts), 1, now, null, row.reason, row.created_at, row.updated_at,
			];
		}),
	});
}
