import { publishPostgresConfig, startPostgres, type TestPostgres } from '../../support/postgres';

/** One PostgreSQL server for the whole store suite; test files reach it through the environment. */
export default async function startSuitePostgres(): Promise<void> {
	const server = await startPostgres();
	publishPostgresConfig(server.config);
	(globalThis as { storeSuitePostgres?: TestPostgres }).storeSuitePostgres = server;
}
