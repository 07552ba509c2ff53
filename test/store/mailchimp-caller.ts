/**
 * A worker process that sends Mailchimp requests through the transport, its slots in the shared store (run with
 * `node --import tsx`, forked with an IPC channel). Env: CALLER_STORE (store config JSON), CALLER_BASE_URL, CALLER_API_KEY, CALLER_REQUESTS. On 'go' it sends them all at once and reports.
 */
import { allMigrations } from '../../lib/migrations';
import { mailchimpProfile } from '../../lib/platforms/mailchimp';
import { openStore, type StoreConfig } from '../../lib/store';
import { FetchHttpClient, Transport } from '../../lib/transport';

export type CallerReport = { kind: 'ready' } | { kind: 'done'; ok: number; refused: number } | { kind: 'failed'; message: string };

const report = (message: CallerReport) => process.send?.(message);

async function prepare(): Promise<Transport> {
	const store = await openStore(JSON.parse(process.env.CALLER_STORE!) as StoreConfig, allMigrations);
	const auth = `Basic ${Buffer.from(`anystring:${process.env.CALLER_API_KEY}`).toString('base64')}`;
	return new Transport({
		profile: mailchimpProfile(),
		client: new FetchHttpClient((request) => ({ ...request, headers: { ...request.headers, authorization: auth } })),
		baseUrl: `${process.env.CALLER_BASE_URL}/3.0`,
		accountKey: 'one-mailchimp-account',
		concurrency: store.concurrency,
		// A refusal is reported, not retried: the test counts them.
		retry: { maxAttempts: 1 },
	});
}

const ready = prepare();
ready.then(() => report({ kind: 'ready' }), (error: unknown) => report({ kind: 'failed', message: String(error) }));
process.on('message', () => {
	void ready.then(async (transport) => {
		const results = await Promise.allSettled(Array.from({ length: Number(process.env.CALLER_REQUESTS) }, () => transport.request({ method: 'GET', url: '/ping' })));
		report({ kind: 'done', ok: results.filter((result) => result.status === 'fulfilled').length, refused: results.filter((result) => result.status === 'rejected').length });
	});
});
