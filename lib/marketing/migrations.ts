import type { Migration } from '../store/types';

/**
 * Consent per contact email (an unsubscribe is final: the upsert that records consent cannot overwrite it), the
 * work a platform could not take yet, unique per (integration, platform, email), retried by the next run, and the
 * welcome ledger (version 2: claimed a batch at a time, where the store's per-key idempotency ledger took one
 * transaction per contact).
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
	{
		component: 'marketing',
		version: 2,
		description: 'welcome campaign ledger, one row per (integration, platform, email)',
		statements: [
			// The welcome runs once per contact and platform: whoever inserts the row (or takes over a lapsed claim) owns it.
			`CREATE TABLE marketing_welcomes (
				integration TEXT NOT NULL,
				platform TEXT NOT NULL,
				email TEXT NOT NULL,
				state TEXT NOT NULL,
				owner TEXT NOT NULL,
				lease_until_ms BIGINT NOT NULL,
				updated_at TEXT NOT NULL,
				PRIMARY KEY (integration, platform, email)
			)`,
		],
	},
	{
		component: 'marketing',
		version: 3,
		description: 'welcome claims held as store leases (renewed while their run works, freed seconds after it dies)',
		statements: ['ALTER TABLE marketing_welcomes DROP COLUMN lease_until_ms'],
	},
];
