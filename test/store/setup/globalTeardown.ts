import type { TestPostgres } from '../../support/postgres';

export default async function stopSuitePostgres(): Promise<void> {
	await (globalThis as { storeSuitePostgres?: TestPostgres }).storeSuitePostgres?.stop();
}
