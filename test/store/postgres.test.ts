/** What only the Postgres backend has: schemas (several environments in one database) and its placeholder dialect. */
import { Client } from 'pg';

import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type PostgresConfig } from '../../lib/store';
import { PostgresDatabase, toPostgresPlaceholders } from '../../lib/store/postgres';
import { acquirePostgres, createTestDatabase, createTestSchema, uniqueName } from '../support/postgres';

const contacts = { integration: 'crm-sync', platform: 'hubspot', entity: 'contacts' };

let server: { config: PostgresConfig; release(): Promise<void> };
beforeAll(async () => {
	server = await acquirePostgres();
});
afterAll(async () => {
	await closeAllStores();
	await server?.release();
});

test('opening a store creates its schema when missing, and stores in other schemas of the database are separate', async () => {
	const staging = { kind: 'postgres' as const, ...server.config, schema: uniqueName('staging') };
	const production = { kind: 'postgres' as const, ...server.config, schema: uniqueName('production') };
	const [stagingStore, productionStore] = await Promise.all([openStore(staging, allMigrations), openStore(production, allMigrations)]);
	await stagingStore.idMap.link(contacts, 'c1', 'h-staging');
	expect(await productionStore.idMap.link(contacts, 'c1', 'h-production')).toMatchObject({ created: true });
	expect(await stagingStore.idMap.externalIds(contacts, ['c1'])).toEqual(new Map([['c1', 'h-staging']]));

	const catalog = new Client({ ...server.config, ssl: false });
	await catalog.connect();
	try {
		const tables = await catalog.query<{ table_schema: string }>(
			"SELECT table_schema FROM information_schema.tables WHERE table_name = 'id_map' AND table_schema = ANY($1)",
			[[staging.schema, production.schema]],
		);
		expect(tables.rows.map((row) => row.table_schema).sort()).toEqual([production.schema, staging.schema].sort());
	} finally {
		await catalog.end();
	}
});

test('a schema name that is not a plain identifier is refused before anything reaches the server', async () => {
	for (const schema of ['public; DROP TABLE id_map', 'a b', '-c', '"quoted"']) {
		expect(() => new PostgresDatabase({ ...server.config, schema })).toThrow(/plain identifier/);
	}
});

test('a wrong password fails the open without echoing the password; the next open is unaffected', async () => {
	const wrong = { kind: 'postgres' as const, ...server.config, password: 'not-the-password' };
	const failure = await openStore(wrong, allMigrations).then(() => undefined, (error: Error) => error);
	expect(failure?.message).toMatch(/password authentication failed/);
	expect(JSON.stringify({ message: failure?.message, stack: failure?.stack })).not.toContain('not-the-password');
	const right = await openStore({ kind: 'postgres', ...server.config, schema: uniqueName('after_failure') }, allMigrations);
	expect(await right.cursors.get(contacts)).toBeUndefined();
});

test('portable `?` placeholders become numbered parameters', () => {
	expect(toPostgresPlaceholders('SELECT * FROM t WHERE a = ? AND b IN (?, ?)')).toBe('SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)');
	expect(toPostgresPlaceholders('SELECT 1')).toBe('SELECT 1');
});

test('the test helpers give a fresh schema or a fresh database that a store opens on', async () => {
	const schema = await createTestSchema(server.config);
	const database = await createTestDatabase(server.config);
	expect(database.database).not.toBe(server.config.database);
	for (const config of [schema, database]) {
		const store = await openStore({ kind: 'postgres', ...config }, allMigrations);
		expect(await store.idMap.link(contacts, 'c1', 'h1')).toMatchObject({ created: true });
	}
});
