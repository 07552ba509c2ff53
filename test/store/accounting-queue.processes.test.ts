/**
 * Two Post Queued Entries at once, in two processes sharing the store (PostgreSQL as in n8n queue mode, and SQLite):
 * sales queued one at a time are each posted once to the Xero sandbox: each flush takes entries the other did not, the
 * two together post every sale, and Xero holds one invoice and one payment per sale.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

import { EntryQueue, openAccountingBooks } from '../../lib/accounting';
import { allMigrations } from '../../lib/migrations';
import { platformDefinition } from '../../lib/platforms/catalog';
import { closeAllStores, openStore, type StoreConfig } from '../../lib/store';
import { bearerAuth, FetchHttpClient, Transport } from '../../lib/transport';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import type { FlusherReport } from './accounting-flusher';
import { storeBackends } from './backends';

const repoRoot = resolve(__dirname, '../..');
const SALES = 150;

class Flusher {
	private readonly child: ChildProcess;
	private readonly reports: FlusherReport[] = [];
	private wake?: () => void;
	private stderr = '';

	constructor(env: Record<string, string>) {
		this.child = fork(join(__dirname, 'accounting-flusher.ts'), [], { cwd: repoRoot, execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
		this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
		this.child.on('message', (message: FlusherReport) => {
			this.reports.push(message);
			this.wake?.();
		});
		this.child.on('exit', () => this.wake?.());
	}

	async next(): Promise<FlusherReport> {
		while (this.reports.length === 0) {
			if (this.child.exitCode !== null) throw new Error(`flusher exited: ${this.stderr}`);
			await new Promise<void>((wake) => (this.wake = wake));
		}
		const next = this.reports.shift()!;
		if (next.kind === 'failed') throw new Error(next.message);
		return next;
	}

	go(): void {
		this.child.send('go');
	}

	stop(): void {
		if (this.child.exitCode === null) this.child.kill();
	}
}

let xero: RunningSandbox;
let control: SandboxControl;
beforeAll(async () => {
	xero = await startSandbox('xero');
	control = new SandboxControl(xero.baseUrl);
});
afterAll(async () => await xero.close());

async function queueSales(config: StoreConfig): Promise<void> {
	const store = await openStore(config, allMigrations);
	const token = String(xero.credentials.accessToken);
	const transport = new Transport({ profile: platformDefinition('xero').profile(), client: new FetchHttpClient(bearerAuth(token)), baseUrl: xero.baseUrl, accountKey: String(xero.credentials.tenantId), concurrency: store.concurrency, secrets: [token] });
	for (let index = 0; index < SALES; index++) {
		const books = openAccountingBooks({ store, platform: 'xero', transport, credential: { ...xero.credentials, baseUrl: xero.baseUrl } });
		const [answer] = await new EntryQueue(books).add('sale', [
			{ sourceId: `order-${index}`, currency: 'USD', customer: { email: `buyer-${index % 4}@example.com` }, lines: [{ description: 'Mug', quantity: 2, unitPrice: '19.99' }] },
		]);
		if (!('queued' in answer)) throw new Error(`order-${index} was not queued`);
	}
}

describe.each(storeBackends())('two flushes at once in two processes on $name', (backend) => {
	beforeAll(async () => await backend.setUp());
	afterAll(async () => {
		await closeAllStores();
		await backend.tearDown();
	});

	test(`${SALES} queued sales, two Post Queued Entries at once: each sale posted by one of them, once in Xero`, async () => {
		await control.reset();
		// Each request stays open a while, so the two flushes overlap.
		await control.updateSettings({ responseDelayMs: 40 });
		const config = await backend.freshConfig();
		await queueSales(config);
		const env = { FLUSHER_STORE: JSON.stringify(config), FLUSHER_BASE_URL: xero.baseUrl, FLUSHER_TOKEN: String(xero.credentials.accessToken), FLUSHER_TENANT: String(xero.credentials.tenantId) };
		const flushers = [new Flusher(env), new Flusher(env)];
		try {
			await Promise.all(flushers.map(async (flusher) => await flusher.next()));
			for (const flusher of flushers) flusher.go();
			const reports = (await Promise.all(flushers.map(async (flusher) => await flusher.next()))) as Array<{ posted: string[]; failed: string[] }>;
			expect(reports.flatMap((report) => report.failed)).toEqual([]);
			const all = reports.flatMap((report) => report.posted);
			expect(all.sort()).toEqual(Array.from({ length: SALES }, (_, index) => `order-${index}`).sort());
			const invoices = await control.state<Array<{ InvoiceNumber: string; Status: string }>>('invoices');
			expect(invoices).toHaveLength(SALES);
			expect(new Set(invoices.map((invoice) => invoice.InvoiceNumber)).size).toBe(SALES);
			expect(invoices.every((invoice) => invoice.Status === 'PAID')).toBe(true);
			expect(await control.state<unknown[]>('payments')).toHaveLength(SALES);
		} finally {
			for (const flusher of flushers) flusher.stop();
		}
	});
});
