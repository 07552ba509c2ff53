import { insertMany } from '../store/insertMany';
import type { Migration, SqlExecutor } from '../store/types';
import { pendingKey, pendingTopicOf } from './repository';

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
	{
		component: 'marketing',
		version: 4,
		description: 'pending member changes on the store outbox, with their attempts and last error',
		statements: [],
		run: async (tx) => {
			await movePendingToOutbox(tx);
			await tx.run('DROP TABLE marketing_pending');
		},
	},
	{
		component: 'marketing',
		version: 5,
		description: 'segment memberships (a leave counted once per membership) and journey states per contact',
		statements: [
			// `version` counts the contact's leaves of the segment: each leave is done once per platform under its version.
			`CREATE TABLE marketing_segment_members (
				integration TEXT NOT NULL,
				email TEXT NOT NULL,
				segment TEXT NOT NULL,
				state TEXT NOT NULL,
				version BIGINT NOT NULL,
				source TEXT NOT NULL,
				updated_at TEXT NOT NULL,
				PRIMARY KEY (integration, email, segment)
			)`,
			// A journey is started at most once and, once stopped, stays stopped.
			`CREATE TABLE marketing_journeys (
				integration TEXT NOT NULL,
				email TEXT NOT NULL,
				journey TEXT NOT NULL,
				state TEXT NOT NULL,
				was_started BIGINT NOT NULL,
				stage TEXT NOT NULL,
				updated_at TEXT NOT NULL,
				PRIMARY KEY (integration, email, journey)
			)`,
		],
	},
];

interface PendingRow {
	integration: string;
	platform: string;
	email: string;
	change: string;
	attempts: number | string;
	error_code: string | null;
	error_message: string | null;
	updated_at: string;
	[column: string]: unknown;
}

/** Changes pending before version 4 keep their attempts and error, so the next run retries them as it would have. */
async function movePendingToOutbox(tx: SqlExecutor): Promise<void> {
	const rows = await tx.query<PendingRow>('SELECT * FROM marketing_pending ORDER BY integration, platform, email');
	const now = Date.now();
	await insertMany(tx, {
		into: 'outbox_entries (topic, entry_key, group_key, payload, open_steps, attempts, revision, next_attempt_ms, last_error_code, last_error, created_at, updated_at)',
		rows: rows.map((row) => [
			pendingTopicOf(row.integration), pendingKey(row.platform, row.email), row.platform, row.change, 1, Number(row.attempts), 1, now,
			row.error_code, row.error_message, row.updated_at, row.updated_at,
		]),
	});
}
