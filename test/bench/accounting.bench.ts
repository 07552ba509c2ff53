/**
 * Accounting Sync benchmark: sales recorded through the engine (10 customers unless CUSTOMERS says) into each accounting sandbox at the
 * vendor's real limits, with the rate windows shared through the store as in n8n. For each platform: wall time against
 * the rate-limit bound (the time its windows need to admit every request the run sent), and the entries in the sandbox
 * (exactly one per sale). QuickBooks: 500 requests a minute, 10 at once, sales posted 8 at a time. FreshBooks: no
 * published limit, 8 at a time. Xero: 60 a minute, 5,000 a day and 5 at once; the sales go as one run of items (as a
 * node given them all), in batches of 50 invoices and then their 50 payments. 1,000 sales fit Xero's first minute
 * window, so a second Xero run (XERO_SUSTAINED_SALES, 3,000) is where the minute limit binds. `xero-queued`: the same
 * sales arriving one execution at a time (as the order template runs), each queued with Post: In the Next Batch
 * (its own books, one input), then one Post Queued Entries; 1,000 and the sustained 3,000.
 * Run: npx tsx test/bench/accounting.bench.ts [quickbooks|xero|xero-queued|freshbooks …] (SALES=1000, XERO_SUSTAINED_SALES=3000, CUSTOMERS=10)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { EntryQueue, openAccountingBooks } from '../../lib/accounting';
import { platformDefinition } from '../../lib/platforms/catalog';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore } from '../../lib/store';
import { bearerAuth, FetchHttpClient, Transport } from '../../lib/transport';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { figureLine } from './report';

const CONCURRENCY = 8;
/** Distinct buyers among the sales (CUSTOMERS=1000 gives every sale its own: Xero then looks 25 up a request and creates 50 a request). */
const CUSTOMERS = Number(process.env.CUSTOMERS ?? 10);
const runs = ['quickbooks', 'xero', 'xero-queued', 'freshbooks'] as const;
type Run = (typeof runs)[number];
type Platform = Exclude<Run, 'xero-queued'>;

/** The sandbox's windows, as the bound: each admits `limit` requests per `intervalMs`. */
function boundMs(requests: number, windows: Array<{ limit: number; intervalMs: number }>): number {
	return Math.max(0, ...windows.map(({ limit, intervalMs }) => Math.floor((requests - 1) / limit) * intervalMs));
}

/** The credential setting naming the company each sandbox stands for. */
const accountField: Record<Platform, string> = { quickbooks: 'realmId', xero: 'tenantId', freshbooks: 'accountId' };

async function run(chosen: Run, sales: number): Promise<void> {
	const platform: Platform = chosen === 'xero-queued' ? 'xero' : chosen;
	const sandbox: RunningSandbox = await startSandbox(platform);
	const control = new SandboxControl(sandbox.baseUrl);
	const dir = mkdtempSync(join(tmpdir(), `accounting-bench-${platform}-`));
	try {
		const store = await openStore({ kind: 'sqlite', file: join(dir, 'state.db') }, allMigrations);
		const account = sandbox.credentials[accountField[platform]];
		const transport = new Transport({
			profile: platformDefinition(platform).profile(),
			client: new FetchHttpClient(bearerAuth(sandbox.credentials.accessToken)),
			baseUrl: sandbox.baseUrl,
			accountKey: account,
			rateBuckets: store.rateBuckets,
			concurrency: store.concurrency,
			secrets: [sandbox.credentials.accessToken],
		});
		const open = () => openAccountingBooks({ store, platform, transport, credential: { ...sandbox.credentials, baseUrl: sandbox.baseUrl } });
		const books = open();
		const sale = (index: number) => ({
			sourceId: `bench-${index}`,
			currency: 'USD',
			customer: { email: `customer-${index % CUSTOMERS}@example.com`, name: `Customer ${index % CUSTOMERS}` },
			lines: [{ description: 'Mug', quantity: 2, unitPrice: '19.99' }, { description: 'Poster', quantity: 1, unitPrice: 7.5 }],
			shipping: '4.00',
			tax: '3.25',
		});
		let next = 0;
		let failed = 0;
		const started = performance.now();
		let flushMs = 0;
		if (chosen === 'xero-queued') {
			for (let index = 0; index < sales; index++) {
				const [answer] = await new EntryQueue(open()).add('sale', [sale(index)]);
				if (!('queued' in answer)) throw new Error(`sale ${index} was not queued: ${JSON.stringify(answer)}`);
			}
			const flushStarted = performance.now();
			const results = await new EntryQueue(open()).flush({ limit: sales });
			flushMs = performance.now() - flushStarted;
			failed = sales - results.filter((result) => 'outcome' in result).length;
		} else if (platform === 'xero') {
			const results = await books.recordMany('sale', Array.from({ length: sales }, (_, index) => sale(index)));
			failed = results.filter((result) => 'error' in result).length;
		} else {
			await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
				while (next < sales) await books.recordSale(sale(next++));
			}));
		}
		const wallMs = performance.now() - started;
		const requests = (await control.requests()).length;
		const limits = (await control.rateLimits()).windows.filter((window) => window.name !== 'app_minute');
		const entries = (await control.state<unknown[]>(platform === 'quickbooks' ? 'salesreceipts' : 'invoices')).length;
		const bound = boundMs(requests, limits);
		const label = chosen === 'xero-queued' ? `xero, ${sales} sales queued one execution at a time then one flush` : platform;
		if (flushMs > 0) console.log(`${label}: queueing took ${((wallMs - flushMs) / 1000).toFixed(1)} s and no request; the flush ${(flushMs / 1000).toFixed(1)} s`);
		console.log(`${label}: ${sales} sales, ${requests} requests, ${entries} entries (exactly one per sale: ${entries === sales}), ${failed} failed, ${transport.stats.rateLimited} refused with 429`);
		if (platform === 'xero') console.log(figureLine(`${label} requests for ${sales} sales`, requests, 'requests', sales * 2 + Math.min(CUSTOMERS, sales) * 2, 'one sale at a time'));
		if (bound > 0) console.log(figureLine(`${label} wall time for ${sales} sales`, wallMs / 1000, 's', bound / 1000, 'rate-limit bound'));
		else console.log(`${label} wall time for ${sales} sales: ${(wallMs / 1000).toFixed(1)} s (${Math.round((sales / wallMs) * 1000)} sales/s; ${limits.length === 0 ? 'no published limit' : `its ${requests} requests fit the first window: no limit binds`})`);
	} finally {
		await closeAllStores();
		await sandbox.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

async function main(): Promise<void> {
	const chosen = (process.argv.slice(2).filter((name) => (runs as readonly string[]).includes(name)) as Run[]);
	const sales = Number(process.env.SALES ?? 1_000);
	for (const each of chosen.length > 0 ? chosen : runs) {
		await run(each, sales);
		if (each.startsWith('xero')) await run(each, Number(process.env.XERO_SUSTAINED_SALES ?? 3_000));
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
