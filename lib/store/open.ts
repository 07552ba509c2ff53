import { migrate } from './migrate';
import { PostgresDatabase } from './postgres';
import { SqliteDatabase } from './sqlite';
import { StateStore } from './stateStore';
import type { Migration, SqlDatabase, StoreConfig } from './types';

/** One open store per database per process: executions share its connection (SQLite) or pool (Postgres). */
const openStores = new Map<string, Promise<StateStore>>();

function storeKey(config: StoreConfig): string {
	return config.kind === 'sqlite'
		? `sqlite:${config.file}`
		: `postgres:${config.user}@${config.host}:${config.port}/${config.database}/${config.schema ?? 'public'}`;
}

function connect(config: StoreConfig): SqlDatabase {
	return config.kind === 'sqlite' ? new SqliteDatabase(config.file) : new PostgresDatabase(config);
}

/** Opens (once per process) and migrates the store described by `config`. */
export function openStore(config: StoreConfig, migrations: Migration[]): Promise<StateStore> {
	const key = storeKey(config);
	let opening = openStores.get(key);
	if (!opening) {
		opening = (async () => {
			const db = connect(config);
			await migrate(db, migrations);
			return new StateStore(db);
		})();
		openStores.set(key, opening);
		opening.catch(() => openStores.delete(key));
	}
	return opening;
}

/** Closes every store this process opened (tests and CLI tools call this before exiting). */
export async function closeAllStores(): Promise<void> {
	const stores = [...openStores.values()];
	openStores.clear();
	await Promise.all(stores.map(async (opening) => (await opening).close()));
}
