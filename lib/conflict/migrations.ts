import type { Migration } from '../store/types';

/** The conflict review queue and the Conflict Resolver's last-synced bases. */
export const conflictMigrations: Migration[] = [
	{
		component: 'conflict',
		version: 1,
		description: 'conflict review queue (one pending review per record) and last-synced bases',
		statements: [
			`CREATE TABLE conflict_reviews (
				id TEXT PRIMARY KEY,
				scope TEXT NOT NULL,
				record_key TEXT NOT NULL,
				status TEXT NOT NULL,
				fields TEXT NOT NULL,
				base TEXT,
				versions TEXT NOT NULL,
				decision TEXT,
				created_at TEXT NOT NULL,
				updated_at TEXT NOT NULL
			)`,
			// At most one open review per record: a newer conflict on the same record updates it instead of queueing twice.
			`CREATE UNIQUE INDEX conflict_reviews_open ON conflict_reviews (scope, record_key) WHERE status = 'pending'`,
			'CREATE INDEX conflict_reviews_by_status ON conflict_reviews (scope, status, created_at)',
			`CREATE TABLE conflict_bases (
				scope TEXT NOT NULL,
				record_key TEXT NOT NULL,
				data TEXT NOT NULL,
				updated_at TEXT NOT NULL,
				PRIMARY KEY (scope, record_key)
			)`,
		],
	},
];
