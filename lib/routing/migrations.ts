import type { Migration } from '../store/types';

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
];
