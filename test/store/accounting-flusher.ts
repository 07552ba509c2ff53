/**
 * A worker process running one Post Queued Entries on Xero through the shared store (run with `node --import tsx`,
 * forked with an IPC channel). Env: FLUSHER_STORE (store config JSON), FLUSHER_BASE_URL, FLUSHER_TOKEN, FLUSHER_TENANT.
 * On 'go' it flushes the queue and reports the source ids it posted and those that failed.
 */
import { EntryQueue, openAccountingBooks } from '../../lib/accounting';
import { allMigrations } from '../../lib/migrations';
import { platformDefinition } from '../../lib/platforms/catalog';
import { openStore, type StoreConfig } from '../../lib/store';
import { bearerAuth, FetchHttpClient, Transport } from '../../lib/transport';

export type FlusherReport = { kind: 'ready' } | { kind: 'done'; posted: string[]; failed: string[] } | { kind: 'failed'; message: string };

const report = (message: FlusherReport) => process.send?.(message);

async function prepare(): Promise<EntryQueue> {
	const store = await openStore(JSON.parse(process.env.FLUSHER_STORE!) as StoreConfig, allMigrations);
	const token = process.env.FLUSHER_TOKEN!;
	const transport = new Transport({
		profile: platformDefinition('xero').profile(),
		client: new FetchHttpClient(bearerAuth(token)),
		baseUrl: process.env.FLUSHER_BASE_URL!,
		accountKey: process.env.FLUSHER_TENANT!,
		rateBuckets: store.rateBuckets,
		concurrency: store.concurrency,
		secrets: [token],
	});
	const credential = { tenantId: process.env.FLUSHER_TENANT!, accessToken: token, baseUrl: process.env.FLUSHER_BASE_URL! };
	return new EntryQueue(openAccountingBooks({ store, platform: 'xero', transport, credential }));
}

const ready = prepare();
ready.then(() => report({ kind: 'ready' }), (error: unknown) => report({ kind: 'failed', message: String(error) }));
process.on('message', () => {
	void ready.then(async (queue) => {
		try {
			const results = await queue.flush();
			report({ kind: 'done', posted: results.flatMap((result) => ('outcome' in result ? [result.sourceId] : [])), failed: results.flatMap((result) => ('error' in result ? [`${result.sourceId}: ${String(result.error)}`] : [])) });
		} catch (error) {
			report({ kind: 'failed', message: String(error) });
		}
	});
});
