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
	{
		component: 'routing',
		version: 3,
		description: 'the route log keyed by (created_at, id), in key order on SQLite (WITHOUT ROWID), with one index (by event): its rows moved with their ids',
		statements: [],
		run: async (tx) => {
			await tx.run(`CREATE TABLE routing_log_keyed (${ROUTE_LOG_COLUMNS}, PRIMARY KEY (created_at, id))${tx.dialect === 'sqlite' ? ' WITHOUT ROWID' : ''}`);
			await tx.run(`INSERT INTO routing_log_keyed (${ROUTE_LOG_COLUMN_NAMES}) SELECT ${ROUTE_LOG_COLUMN_NAMES} FROM routing_log`);
			await tx.run('DROP TABLE routing_log');
			await tx.run('ALTER TABLE routing_log_keyed RENAME TO routing_log');
			await tx.run('CREATE INDEX routing_log_by_event ON routing_log (event_id, created_at)');
		},
	},
];

/**
 * The route log's columns since version 3. Its key leads with the time, so the newest entries are read off the key and
 * an append lands at its end; on SQLite the rows live in the key's B-tree (no rowid tree beside it). With the index by
 * event (the deduplication window and a single event's entries), a row updates two B-trees where it updated four.
 */
const ROUTE_LOG_COLUMNS = `created_at TEXT NOT NULL,
	id TEXT NOT NULL,
	event_id TEXT,
	event_type TEXT,
	source TEXT,
	rule_id TEXT,
	destination_id TEXT,
	status TEXT NOT NULL,
	attempts BIGINT NOT NULL,
	detail TEXT`;
const ROUTE_LOG_COLUMN_NAMES = 'created_at, id, event_id, event_type, source, rule_id, destination_id, status, attempts, detail';

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
