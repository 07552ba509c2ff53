/** Runs one sync round in its own process, so a test can kill it mid-sync: `tsx crmSyncWorker.ts <store file> <hubspot url> <salesforce url>`. */
import { allMigrations } from '../../lib/migrations';
import { openStore } from '../../lib/store';
import { syncPlatforms } from '../../lib/sync/sync';
import { crmClient } from './crmSandboxes';

async function main(): Promise<void> {
	const [file, hubspotUrl, salesforceUrl] = process.argv.slice(2);
	const store = await openStore({ kind: 'sqlite', file }, allMigrations);
	const server = (baseUrl: string, accessToken: string) => ({ name: '', baseUrl, port: Number(new URL(baseUrl).port), credentials: { accessToken }, close: async () => undefined });
	const hubspot = crmClient('hubspot', server(hubspotUrl, process.env.HUBSPOT_TOKEN ?? ''), store);
	const salesforce = crmClient('salesforce', server(salesforceUrl, process.env.SALESFORCE_TOKEN ?? ''), store);
	await syncPlatforms({
		store, integration: 'it', entity: 'contacts', platforms: [hubspot.platform, salesforce.platform], strategy: { kind: 'lastWriteWins' }, deletes: 'propagate', runId: `worker-${process.pid}`,
		chunkSize: 100,
	});
	await store.close();
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
