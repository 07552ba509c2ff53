import { insertMany } from '../store/insertMany';
import type { Migration, SqlExecutor } from '../store/types';
import { ENTRY_ATTEMPTS_TOPIC, entryAttemptKey } from './entries';

/**
 * One row per source transaction and kind of entry on one accounting connection: whether the entry is being posted
 * (a write that may have landed), recorded (with the platform's id) or refused. The primary key makes the row unique;
 * the idempotency ledger makes its writer unique. (v2) The attempts to post each entry (whether one may have landed, how
 * many, the last error) are noted in the store outbox; the row keeps what the platform holds.
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
	{
		component: 'accounting',
		version: 2,
		description: 'attempts to post an entry noted in the store outbox (in doubt, attempts, last error); the entry keeps what the platform holds',
		statements: [],
		run: async (tx) => {
			await moveAttemptsToOutbox(tx);
			for (const column of ['state', 'attempts', 'last_error']) await tx.run(`ALTER TABLE accounting_entries DROP COLUMN ${column}`);
		},
	},
];

interface EntryBefore {
	connection: string;
	kind: string;
	source_id: string;
	state: string;
	attempts: number | string;
	last_error: string | null;
	created_at: string;
	updated_at: string;
	[column: string]: unknown;
}

/**
 * Every entry before version 2 gets its attempts' outbox entry: open while a write may have landed (`attempting`),
 * closed once recorded or refused (the refusal kept as its error), with the attempts counted so far.
 */
async function moveAttemptsToOutbox(tx: SqlExecutor): Promise<void> {
	const rows = await tx.query<EntryBefore>('SELECT connection, kind, source_id, state, attempts, last_error, created_at, updated_at FROM accounting_entries ORDER BY connection, kind, source_id');
	const now = Date.now();
	await insertMany(tx, {
		into: 'outbox_entries (topic, entry_key, group_key, payload, open_steps, attempts, revision, next_attempt_ms, last_error, created_at, updated_at)',
		rows: rows.map((row) => [
			ENTRY_ATTEMPTS_TOPIC, entryAttemptKey(row.connection, row.kind, row.source_id), row.connection, JSON.stringify({ kind: row.kind, sourceId: row.source_id }),
			row.state === 'attempting' ? 1 : 0, Number(row.attempts), 1, now, row.state === 'refused' ? (row.last_error ?? 'refused') : row.state === 'attempting' ? row.last_error : null, row.created_at, row.updated_at,
		]),
	});
}
