import type { Migration } from '../store/types';

/** CRM sync's own tables: the hub copy of each record and the inbox of staged changes. */
export const syncMigrations: Migration[] = [
	{
		component: 'sync',
		version: 1,
		description: 'hub records (last agreed version of each record, unique match key) and the change inbox',
		statements: [
			`CREATE TABLE sync_records (
				integration TEXT NOT NULL,
				entity TEXT NOT NULL,
				internal_id TEXT NOT NULL,
				match_key TEXT,
				data TEXT NOT NULL,
				updated_at TEXT NOT NULL,
				PRIMARY KEY (integration, entity, internal_id)
			)`,
			// One hub record per email (contacts) or domain (companies): two platforms' records with the same key are one record.
			'CREATE UNIQUE INDEX sync_records_match ON sync_records (integration, entity, match_key)',
			`CREATE TABLE sync_inbox (
				integration TEXT NOT NULL,
				entity TEXT NOT NULL,
				platform TEXT NOT NULL,
				external_id TEXT NOT NULL,
				group_key TEXT NOT NULL,
				data TEXT NOT NULL,
				modified_at TEXT,
				deleted BIGINT NOT NULL,
				attempts BIGINT NOT NULL,
				revision BIGINT NOT NULL,
				staged_at TEXT NOT NULL,
				PRIMARY KEY (integration, entity, platform, external_id)
			)`,
			'CREATE INDEX sync_inbox_by_group ON sync_inbox (integration, entity, group_key)',
		],
	},
];
