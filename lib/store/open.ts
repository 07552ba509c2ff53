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
		: `postgres:${config.user}@${config.host}:${config.port}/${config.database}/${config.schema || 'public'}`;
}

async function connect(config: StoreConfig): Promise<SqlDatabase> {
	if (config.kind === 'sqlite') return new SqliteDatabase(config.file);
	const db = new PostgresDatabase(config);
	try {
		await db.ensureSchema();
	} catch (error) {
		await db.close();
		throw error;
	}
	return db;
}

/** Connects and migrates; a store that cannot be migrated is closed, not left holding a connection. */
async function connectAndMigrate(config: StoreConfig, migrations: Migration[], forget: () => void): Promise<StateStore> {
	const db = await connect(config);
	try {
		await migrate(db, migrations);
	} catch (error) {
		await db.close();
		throw error;
	}
	return new StateStore(db, forget);
}

/** Opens (once per process) and migrates the store described by `config`. */
export function openStore(config: StoreConfig, migrations: Migration[]): Promise<StateStore> {
	const key = storeKey(config);
	let opening = openStores.get(key);
	if (!opening) {
		const forget = () => {
			if (openStores.get(key) === opening) openStores.delete(key);
		};
		opening = connectAndMigrate(config, migrations, forget);
		openStores.set(key, opening);
		opening.catch(forget);
	}
	return opening;
}

/** Closes every store this process opened (tests and CLI tools call this before exiting). */
export async function closeAllStores(): Promise<void> {
	const stores = [...openStores.values()];
	openStores.clear();
	await Promise.all(
		stores.map(async (opening) => {
			const store = await opening.catch(() => undefined);
			await store?.close();
		}),
	);
}
