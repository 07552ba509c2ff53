import { insertMany } from '../store/insertMany';
import type { Migration, SqlExecutor } from '../store/types';
import { inboxTopic, stagedKey } from './inbox';

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
	{
		component: 'sync',
		version: 2,
		description: 'the change inbox on the store outbox: staged changes moved there with their attempts and revisions',
		statements: [],
		run: async (tx) => {
			await moveInboxToOutbox(tx);
			await tx.run('DROP TABLE sync_inbox');
		},
	},
	{
		component: 'sync',
		version: 3,
		description: 'hub records by update time, with the stores their last run wrote them to: the others catch up',
		statements: [
			'ALTER TABLE sync_records ADD COLUMN written_for TEXT',
			'CREATE INDEX sync_records_updated ON sync_records (integration, entity, updated_at)',
		],
	},
];

interface InboxRow {
	integration: string;
	entity: string;
	platform: string;
	external_id: string;
	group_key: string;
	data: string;
	modified_at: string | null;
	deleted: number | string;
	attempts: number | string;
	revision: number | string;
	staged_at: string;
	[column: string]: unknown;
}

/** Changes staged before version 2 keep their group, attempts and revision, so a sync resumes where it was. */
async function moveInboxToOutbox(tx: SqlExecutor): Promise<void> {
	const rows = await tx.query<InboxRow>('SELECT * FROM sync_inbox ORDER BY integration, entity, platform, external_id');
	const now = Date.now();
	await insertMany(tx, {
		into: 'outbox_entries (topic, entry_key, group_key, payload, open_steps, attempts, revision, next_attempt_ms, created_at, updated_at)',
		rows: rows.map((row) => [
			inboxTopic({ integration: row.integration, entity: row.entity }),
			stagedKey(row.platform, row.external_id),
			row.group_key,
			JSON.stringify({ platform: row.platform, externalId: row.external_id, data: JSON.parse(row.data) as unknown, modifiedAt: row.modified_at ?? undefined, deleted: Number(row.deleted) === 1 }),
			1,
			Number(row.attempts),
			Number(row.revision),
			now,
			row.staged_at,
			row.staged_at,
		]),
	});
}
