import { SCHEMA_CHANGE_LOCK } from './postgres';
import type { Migration, SqlDatabase, SqlExecutor } from './types';

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (
	component TEXT NOT NULL,
	version BIGINT NOT NULL,
	description TEXT NOT NULL,
	applied_at TEXT NOT NULL,
	PRIMARY KEY (component, version)
)`;

/**
 * Applies every migration not yet recorded, each in its own transaction: components in the order they first
 * appear in `migrations` (core first, so later capabilities may reference its tables), each component's versions
 * in ascending order. Safe when several processes start at once: the ledger row is written inside the same
 * transaction, and a process that loses the race sees the row and skips.
 */
export async function migrate(db: SqlDatabase, migrations: Migration[]): Promise<number> {
	refuseDuplicateVersions(migrations);
	// Under the lock too: concurrent CREATE TABLE IF NOT EXISTS on Postgres can collide on the catalog's unique index.
	await db.transaction(async (tx) => {
		await lockSchemaChanges(tx);
		await tx.run(LEDGER);
	});
	const componentRank = new Map<string, number>();
	for (const { component } of migrations) if (!componentRank.has(component)) componentRank.set(component, componentRank.size);
	const ordered = [...migrations].sort(
		(a, b) => componentRank.get(a.component)! - componentRank.get(b.component)! || a.version - b.version,
	);
	let applied = 0;
	for (const migration of ordered) {
		const didApply = await db.transaction(async (tx) => {
			await lockSchemaChanges(tx);
			const done = await tx.query(
				'SELECT 1 FROM schema_migrations WHERE component = ? AND version = ?',
				[migration.component, migration.version],
			);
			if (done.length > 0) return false;
			for (const statement of migration.statements) await tx.run(statement);
			await migration.run?.(tx);
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

/** Serialises concurrent migrators across hosts on Postgres (released at commit); SQLite's write lock already does. */
async function lockSchemaChanges(tx: SqlExecutor): Promise<void> {
	if (tx.dialect === 'postgres') await tx.run(SCHEMA_CHANGE_LOCK);
}

/** Two changes under one (component, version) would apply only the first, and the second never: refused up front. */
function refuseDuplicateVersions(migrations: Migration[]): void {
	const seen = new Map<string, string>();
	for (const { component, version, description } of migrations) {
		const key = `${component} ${version}`;
		const first = seen.get(key);
		if (first !== undefined && first !== description) {
			throw new Error(`Migration ${component} version ${version} is declared twice ("${first}" and "${description}"): give the later one the next version`);
		}
		seen.set(key, description);
	}
}
