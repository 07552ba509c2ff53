import { circuitMigration } from './circuitBreakers';
import type { Migration } from './types';

/** Tables shared by every capability: ID map, cursors, snapshots, logs, idempotency ledger, rate buckets, leases, circuits. */
export const coreMigrations: Migration[] = [
	{
		component: 'core',
		version: 1,
		description: 'id map, cursors, snapshots, activity and error logs, idempotency ledger, rate buckets',
		statements: [
			`CREATE TABLE id_map (
				integration TEXT NOT NULL,
				platform TEXT NOT NULL,
				entity TEXT NOT NULL,
				internal_id TEXT NOT NULL,
				external_id TEXT NOT NULL,
				created_at TEXT NOT NULL,
				PRIMARY KEY (integration, platform, entity, internal_id),
				UNIQUE (integration, platform, entity, external_id)
			)`,
			`CREATE TABLE sync_cursors (
				integration TEXT NOT NULL,
				platform TEXT NOT NULL,
				entity TEXT NOT NULL,
				cursor TEXT NOT NULL,
				updated_at TEXT NOT NULL,
				PRIMARY KEY (integration, platform, entity)
			)`,
			`CREATE TABLE sync_snapshots (
				integration TEXT NOT NULL,
				platform TEXT NOT NULL,
				entity TEXT NOT NULL,
				external_id TEXT NOT NULL,
				fingerprint TEXT NOT NULL,
				data TEXT NOT NULL,
				modified_at TEXT,
				written_by_us BIGINT NOT NULL,
				updated_at TEXT NOT NULL,
				PRIMARY KEY (integration, platform, entity, external_id)
			)`,
			`CREATE TABLE activity_log (
				run_id TEXT NOT NULL,
				integration TEXT NOT NULL,
				operation TEXT NOT NULL,
				platform TEXT NOT NULL,
				entity TEXT NOT NULL,
				created BIGINT NOT NULL,
				updated BIGINT NOT NULL,
				skipped BIGINT NOT NULL,
				failed BIGINT NOT NULL,
				conflicts BIGINT NOT NULL,
				started_at TEXT NOT NULL,
				finished_at TEXT NOT NULL,
				PRIMARY KEY (run_id, platform, entity)
			)`,
			`CREATE TABLE error_log (
				id TEXT PRIMARY KEY,
				integration TEXT NOT NULL,
				scope TEXT NOT NULL,
				platform TEXT NOT NULL,
				record_key TEXT,
				code TEXT,
				message TEXT NOT NULL,
				detail TEXT,
				created_at TEXT NOT NULL
			)`,
			'CREATE INDEX error_log_by_integration ON error_log (integration, created_at)',
			`CREATE TABLE idempotency_ledger (
				scope TEXT NOT NULL,
				idempotency_key TEXT NOT NULL,
				state TEXT NOT NULL,
				owner TEXT NOT NULL,
				result TEXT,
				lease_until_ms BIGINT NOT NULL,
				created_at TEXT NOT NULL,
				updated_at TEXT NOT NULL,
				PRIMARY KEY (scope, idempotency_key)
			)`,
			`CREATE TABLE rate_buckets (
				bucket_key TEXT PRIMARY KEY,
				slots TEXT NOT NULL,
				blocked_until_ms BIGINT NOT NULL
			)`,
		],
	},
	{
		component: 'core',
		version: 2,
		description: 'leases: one table of named claims (owner token, lease-until), renewed by their holders while they work',
		statements: [
			`CREATE TABLE store_leases (
				lease_name TEXT PRIMARY KEY,
				owner TEXT NOT NULL,
				lease_until_ms BIGINT NOT NULL
			)`,
		],
	},
	{
		component: 'core',
		version: 3,
		description: 'idempotency claims held as leases: the ledger keeps only the state and result of each key',
		statements: ['ALTER TABLE idempotency_ledger DROP COLUMN lease_until_ms'],
	},
	{ component: 'core', version: 4, ...circuitMigration },
	{
		component: 'core',
		version: 5,
		description: 'snapshots of records our write left half done (it failed after part of it was applied)',
		statements: ['ALTER TABLE sync_snapshots ADD COLUMN partial_write BIGINT NOT NULL DEFAULT 0'],
	},
];
