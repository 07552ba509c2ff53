import type { Migration } from '../store/types';

/**
 * Consent per contact email (an unsubscribe is final: the upsert that records consent cannot overwrite it), and the
 * work a platform could not take yet, unique per (integration, platform, email), retried by the next run.
 */
export const marketingMigrations: Migration[] = [
	{
		component: 'marketing',
		version: 1,
		description: 'marketing consent and pending per-platform member changes',
		statements: [
			`CREATE TABLE marketing_consent (
				integration TEXT NOT NULL,
				email TEXT NOT NULL,
				status TEXT NOT NULL,
				source TEXT NOT NULL,
				changed_at TEXT NOT NULL,
				PRIMARY KEY (integration, email)
			)`,
			`CREATE TABLE marketing_pending (
				integration TEXT NOT NULL,
				platform TEXT NOT NULL,
				email TEXT NOT NULL,
				change TEXT NOT NULL,
				attempts BIGINT NOT NULL,
				error_code TEXT,
				error_message TEXT,
				updated_at TEXT NOT NULL,
				PRIMARY KEY (integration, platform, email)
			)`,
		],
	},
];
