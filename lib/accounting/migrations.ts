import type { Migration } from '../store/types';

/**
 * One row per source transaction and kind of entry on one accounting connection: whether the entry is being posted
 * (a write that may have landed), recorded (with the platform's id) or refused. The primary key makes the row unique;
 * the idempotency ledger makes its writer unique.
 */
export const accountingMigrations: Migration[] = [
	{
		component: 'accounting',
		version: 1,
		description: 'accounting entries per source transaction',
		statements: [
			`CREATE TABLE accounting_entries (
				connection TEXT NOT NULL,
				kind TEXT NOT NULL,
				source_id TEXT NOT NULL,
				state TEXT NOT NULL,
				reference TEXT NOT NULL,
				attempts BIGINT NOT NULL DEFAULT 0,
				external_id TEXT,
				external_type TEXT,
				external_number TEXT,
				total_minor BIGINT,
				currency TEXT,
				last_error TEXT,
				created_at TEXT NOT NULL,
				updated_at TEXT NOT NULL,
				PRIMARY KEY (connection, kind, source_id)
			)`,
		],
	},
];
