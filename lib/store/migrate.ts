import type { Migration, SqlDatabase } from './types';

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (
	component TEXT NOT NULL,
	version BIGINT NOT NULL,
	description TEXT NOT NULL,
	applied_at TEXT NOT NULL,
	PRIMARY KEY (component, version)
)`;

/**
 * Applies every migration not yet recorded, each in its own transaction, in (component, version) order.
 * Safe when several processes start at once: the ledger row is written inside the same transaction, and a
 * process that loses the race sees the row and skips.
 */
export async function migrate(db: SqlDatabase, migrations: Migration[]): Promise<number> {
	await db.run(LEDGER);
	const ordered = [...migrations].sort(
		(a, b) => a.component.localeCompare(b.component) || a.version - b.version,
	);
	let applied = 0;
	for (const migration of ordered) {
		const didApply = await db.transaction(async (tx) => {
			if (tx.dialect === 'postgres') {
				// Serialises concurrent migrators across hosts; released at commit.
				await tx.run('SELECT pg_advisory_xact_lock(727274)');
			}
			const done = await tx.query(
				'SELECT 1 FROM schema_migrations WHERE component = ? AND version = ?',
				[migration.component, migration.version],
			);
			if (done.length > 0) return false;
			for (const statement of migration.statements) await tx.run(statement);
			await tx.run(
				'INSERT INTO schema_migrations (component, version, description, applied_at) VALUES (?, ?, ?, ?)',
				[migration.component, migration.version, migration.description, new Date().toISOString()],
			);
			return true;
		});
		if (didApply) applied++;
	}
	return applied;
}
