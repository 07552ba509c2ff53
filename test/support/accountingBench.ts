/**
 * The setup the Accounting Sync unit tests share: one accounting sandbox for the file, reset before each test, and a
 * fresh SQLite state store per test; for Xero, books over a transport to its sandbox.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AccountingBooks } from '../../lib/accounting';
import { allMigrations } from '../../lib/migrations';
import { XeroAccounting, xeroProfile, type XeroSettings } from '../../lib/platforms/xero';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { bearerAuth, FetchHttpClient, Transport, type RetryPolicy } from '../../lib/transport';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox, type SandboxName } from '../sandbox/registry';

/** What a test sees; read it inside tests and hooks (it is filled in by the hooks this bench registers). */
export interface AccountingBench {
	readonly sandbox: RunningSandbox;
	readonly control: SandboxControl;
	readonly store: StateStore;
}

/** Registers the file's hooks: the sandbox started once, then per test a reset and a new store in a temporary folder. */
export function accountingBench(name: SandboxName): AccountingBench {
	const bench = {} as { sandbox: RunningSandbox; control: SandboxControl; store: StateStore; dir: string };
	beforeAll(async () => {
		bench.sandbox = await startSandbox(name);
		bench.control = new SandboxControl(bench.sandbox.baseUrl);
	});
	afterAll(() => bench.sandbox.close());
	beforeEach(async () => {
		await bench.control.reset();
		bench.dir = mkdtempSync(join(tmpdir(), `accounting-${name}-`));
		bench.store = await openStore({ kind: 'sqlite', file: join(bench.dir, 'state.db') }, allMigrations);
	});
	afterEach(async () => {
		await closeAllStores();
		rmSync(bench.dir, { recursive: true, force: true });
	});
	return bench;
}

export interface XeroBooksOptions {
	retry?: Partial<RetryPolicy>;
	settings?: Partial<XeroSettings>;
	maxAttempts?: number;
}

/** Books on the Xero sandbox, their transport sharing the test's store (rate buckets, concurrency slots), backoffs short. */
export function xeroBooks(bench: AccountingBench, options: XeroBooksOptions = {}): { books: AccountingBooks; transport: Transport } {
	const { sandbox: xero, store } = bench;
	const transport = new Transport({
		profile: xeroProfile(),
		client: new FetchHttpClient(bearerAuth(xero.credentials.accessToken)),
		baseUrl: xero.baseUrl,
		accountKey: xero.credentials.tenantId,
		rateBuckets: store.rateBuckets,
		concurrency: store.concurrency,
		retry: { baseDelayMs: 5, maxDelayMs: 50, ...options.retry },
		secrets: [xero.credentials.accessToken],
	});
	const connector = new XeroAccounting(transport, { tenantId: xero.credentials.tenantId, ...options.settings });
	return { books: new AccountingBooks({ store, connector, account: xero.credentials.tenantId, maxAttempts: options.maxAttempts }), transport };
}
