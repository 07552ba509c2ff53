import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { PostgresConfig, StoreConfig } from '../../lib/store';
import { acquirePostgres, uniqueName } from '../support/postgres';

/** One storage backend under test: every call to `freshConfig` names a new, empty database. */
export interface StoreBackend {
	readonly name: 'sqlite' | 'postgres';
	setUp(): Promise<void>;
	tearDown(): Promise<void>;
	freshConfig(): Promise<StoreConfig>;
}

function sqliteBackend(): StoreBackend {
	let folder = '';
	return {
		name: 'sqlite',
		setUp: async () => {
			folder = mkdtempSync(join(tmpdir(), 'iaut-store-'));
		},
		tearDown: async () => rmSync(folder, { recursive: true, force: true }),
		freshConfig: async () => ({ kind: 'sqlite', file: join(folder, `${uniqueName('state')}.sqlite`) }),
	};
}

/**
 * A schema per config: tests share the suite's server but never see each other's rows. Opening the store creates
 * the schema (proven in postgres.test.ts), which saves a connection per test.
 */
function postgresBackend(): StoreBackend {
	let server: { config: PostgresConfig; release(): Promise<void> } | undefined;
	return {
		name: 'postgres',
		setUp: async () => {
			server = await acquirePostgres();
		},
		tearDown: async () => server?.release(),
		freshConfig: async () => {
			if (!server) throw new Error('postgres backend used before setUp');
			return { kind: 'postgres', ...server.config, schema: uniqueName('store') };
		},
	};
}

export const storeBackends = (): StoreBackend[] => [sqliteBackend(), postgresBackend()];
