/**
 * Kill -9 at each step of a stock change, on the four commerce sandboxes, on SQLite and on PostgreSQL: a real child
 * process applies an order and SIGKILLs itself at a named step (before the intent, after it, after the store's answer,
 * after the ledger); a fresh process resumes (retry pending, the same delivery again, or reconcile). Every store ends exactly
 * one change lower: none lost, none doubled. Then a 100-order burst killed mid-way, re-delivered and reconciled.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { InventoryLedger, type LedgerRow, type WriteStep } from '../../lib/inventory';
import { allMigrations } from '../../lib/migrations';
import { openStore, type StoreConfig } from '../../lib/store';
import { commercePlatforms, startCommerceSandboxes, type CommerceSandboxes } from '../support/inventoryStores';
import { acquirePostgres, uniqueName } from '../support/postgres';
import type { CrashJob, CrashReport } from './inventoryCrashWorker';

jest.setTimeout(600_000);

const repoRoot = resolve(__dirname, '../..');
/**
 * The lease of the process that is killed: short, so that the resuming process takes its locks after two seconds. The
 * resuming process keeps the default, so that a loaded machine cannot make it lose its own locks midway.
 */
const killedLeaseMs = 2000;

let sandboxes: CommerceSandboxes;
let folder: string;
let postgres: Awaited<ReturnType<typeof acquirePostgres>> | undefined;
let stateCount = 0;

beforeAll(async () => {
	sandboxes = await startCommerceSandboxes({ rateLimits: false });
	folder = mkdtempSync(join(tmpdir(), 'inventory-crash-'));
	postgres = await acquirePostgres().catch(() => undefined);
});

afterAll(async () => {
	await sandboxes?.close();
	await postgres?.release();
	rmSync(folder, { recursive: true, force: true });
});

beforeEach(async () => {
	await sandboxes.reset();
	await sandboxes.controls.shopify.updateSettings({ throttleEnabled: false });
});

const backends: Array<[string, () => StoreConfig]> = [
	['SQLite', () => ({ kind: 'sqlite', file: join(folder, `state-${++stateCount}.sqlite`) })],
	[
		'PostgreSQL',
		() => {
			if (!postgres) throw new Error('no PostgreSQL available for this test (see test/support/postgres.ts)');
			return { kind: 'postgres', ...postgres.config, schema: uniqueName('crash') };
		},
	],
];

interface Exit {
	signal: NodeJS.Signals | null;
	report?: CrashReport;
	failure?: string;
	stderr: string;
}

/** Runs one worker process to its end (or its SIGKILL); a process that hangs is killed and reported as such. */
async function runWorker(job: Omit<CrashJob, 'stores' | 'lockLeaseMs'>): Promise<Exit> {
	const child = fork(join(__dirname, 'inventoryCrashWorker.ts'), [], {
		cwd: repoRoot,
		execArgv: ['--import', 'tsx'],
		env: { ...process.env, INVENTORY_CRASH_JOB: JSON.stringify({ ...job, stores: sandboxes.stores, lockLeaseMs: job.crash ? killedLeaseMs : undefined }) },
		stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
	});
	let stderr = '';
	child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const message = new Promise<{ kind: string; report?: CrashReport; message?: string } | undefined>((resolveMessage) => {
		child.on('message', (received) => resolveMessage(received as { kind: string }));
		child.on('exit', () => resolveMessage(undefined));
	});
	const hung = setTimeout(() => child.kill('SIGTERM'), 120_000);
	const signal = await new Promise<NodeJS.Signals | null>((resolveExit) => child.on('exit', (_code, exitSignal) => resolveExit(exitSignal)));
	clearTimeout(hung);
	const received = await message;
	return { signal, report: received?.report, failure: received?.message, stderr };
}

/** How a worker ended, with its stderr when it did not end as expected (so a failure says why). */
const ending = (exit: Exit, expected: NodeJS.Signals | null) => ({ signal: exit.signal, failure: exit.failure, ...(exit.signal === expected && !exit.failure ? {} : { stderr: exit.stderr }) });

async function withLedger<T>(state: StoreConfig, read: (ledger: InventoryLedger) => Promise<T>): Promise<T> {
	const store = await openStore(state, allMigrations);
	try {
		return await read(new InventoryLedger(store.db));
	} finally {
		await store.close();
	}
}

const order = { orderId: 'o-1', lineId: '1', sku: 'KILL-1', quantity: 3 };
const steps: WriteStep[] = ['before-intent', 'after-intent', 'after-write', 'after-ledger'];
const summary = (rows: LedgerRow[]) => rows.map((row) => [row.storeId, row.status, row.intent && [row.intent.previous, row.intent.next]]);
const everyStore = (value: unknown) => Object.fromEntries(commercePlatforms.map((platform) => [platform, value]));

/** What the killed process left: the stores' quantities and the ledger, at each step. */
const leftAt: Record<WriteStep, { quantity: number; status: string; intent: number[] | null }> = {
	'before-intent': { quantity: 50, status: 'pending', intent: null },
	'after-intent': { quantity: 50, status: 'pending', intent: [50, 47] },
	'after-write': { quantity: 47, status: 'pending', intent: [50, 47] },
	'after-ledger': { quantity: 47, status: 'applied', intent: [50, 47] },
};

describe.each(backends)('%s', (_name, stateConfig) => {
	const cases = steps.flatMap((step) => (['retry', 'redeliver', 'reconcile'] as const).map((resume) => [step, resume] as const));

	test.each(cases)('killed %s, resumed by %s: every store ends exactly one change lower', async (step, resume) => {
		await sandboxes.seed([order.sku], 50);
		const state = stateConfig();
		await withLedger(state, (ledger) => ledger.setExpected(order.sku, 50));
		// All four stores' writes are held at the step, then the process kills itself: each platform is caught there.
		const killed = await runWorker({ state, orders: [order], batch: 1, mode: 'apply', crash: { step, at: 4, hold: true }, skus: [order.sku] });
		expect(ending(killed, 'SIGKILL')).toEqual({ signal: 'SIGKILL', failure: undefined });
		const left = leftAt[step];
		expect(await sandboxes.quantities(order.sku)).toEqual(everyStore(left.quantity));
		const rows = await withLedger(state, (ledger) => ledger.rowsOf(order.orderId, order.lineId));
		expect(summary(rows)).toEqual([...commercePlatforms].sort().map((platform) => [platform, left.status, left.intent]));
		if (step === 'after-write') {
			// WooCommerce keeps the change's marker with the quantity: the resume reads it, not the quantity.
			const products = await sandboxes.controls.woocommerce.state<Array<{ sku: string; meta_data: Array<{ key: string; value: string }> }>>('products');
			expect(products.find((product) => product.sku === order.sku)?.meta_data).toEqual([expect.objectContaining({ value: 'inventory-fanout://order/o-1/line/1' })]);
		}

		const resumed = await runWorker({ state, orders: [order], batch: 1, mode: resume, skus: [order.sku] });
		expect(ending(resumed, null)).toEqual({ signal: null, failure: undefined });
		expect(await sandboxes.quantities(order.sku)).toEqual(everyStore(47));
		const settled = await withLedger(state, (ledger) => ledger.rowsOf(order.orderId, order.lineId));
		expect(settled.map((row) => [row.storeId, row.status, row.newQuantity])).toEqual([...commercePlatforms].sort().map((platform) => [platform, 'applied', 47]));
		if (resume === 'reconcile') {
			// A write that landed is recognised as such (in sync); one that never landed is set by the correction.
			const corrected = step === 'before-intent' || step === 'after-intent';
			expect(resumed.report?.reconcile.map((entry) => [entry.store, entry.status])).toEqual(commercePlatforms.map((platform) => [platform, corrected ? 'corrected' : 'in_sync']));
			return;
		}
		expect(settled.every((row) => row.previousQuantity === 50)).toBe(true);
		// What the fresh process did: every row the killed one left open, and nothing it had finished.
		const finished = resumed.report?.outcomes.map((outcome) => [outcome.store, outcome.status]).sort() ?? [];
		expect(finished).toEqual(step === 'after-ledger' ? [] : [...commercePlatforms].sort().map((platform) => [platform, 'applied']));
	});

	test('killed after the stores took the write, then a sale on each store: WooCommerce is told landed by its marker, the others are in doubt and never resent; reconcile settles them', async () => {
		await sandboxes.seed([order.sku], 50);
		const state = stateConfig();
		await withLedger(state, (ledger) => ledger.setExpected(order.sku, 50));
		const killed = await runWorker({ state, orders: [order], batch: 1, mode: 'apply', crash: { step: 'after-write', at: 4, hold: true }, skus: [order.sku] });
		expect(ending(killed, 'SIGKILL')).toEqual({ signal: 'SIGKILL', failure: undefined });
		for (const platform of commercePlatforms) await sandboxes.sell(platform, order.sku, 1);

		const resumed = await runWorker({ state, orders: [order], batch: 1, mode: 'retry', skus: [order.sku] });
		expect(resumed.report?.outcomes.map((outcome) => [outcome.store, outcome.status, outcome.error?.code]).sort()).toEqual([
			['bigcommerce', 'failed', 'OUTCOME_UNKNOWN'],
			['magento', 'failed', 'OUTCOME_UNKNOWN'],
			['shopify', 'failed', 'OUTCOME_UNKNOWN'],
			['woocommerce', 'applied', undefined],
		]);
		// Nothing was written again: 50, less this order's 3, less the sale of 1.
		expect(await sandboxes.quantities(order.sku)).toEqual(everyStore(46));

		// The four sales reach the ledger (each store's order fans out to the other three), then reconcile settles.
		const sales = commercePlatforms.map((platform) => ({ orderId: `sale-${platform}`, lineId: '1', sku: order.sku, quantity: 1, sourceStore: platform }));
		const settled = await runWorker({ state, orders: sales, batch: 4, mode: 'burst', skus: [order.sku] });
		expect(await sandboxes.quantities(order.sku)).toEqual(everyStore(43));
		expect(settled.report?.reconcile.map((entry) => [entry.store, entry.status, entry.drift])).toEqual([
			['shopify', 'corrected', 0],
			['woocommerce', 'in_sync', 0],
			['magento', 'corrected', 0],
			['bigcommerce', 'corrected', 0],
		]);
		const rows = await withLedger(state, (ledger) => ledger.list({}, 100));
		expect(rows.filter((row) => row.status !== 'applied')).toEqual([]);
	});

	test('a 100-order burst killed mid-way, re-delivered, retried and reconciled ends exact on every store', async () => {
		const skus = ['BURST-0', 'BURST-1', 'BURST-2', 'BURST-3'];
		await sandboxes.seed(skus, 1000);
		const state = stateConfig();
		await withLedger(state, async (ledger) => {
			for (const sku of skus) await ledger.setExpected(sku, 1000);
		});
		const orders = Array.from({ length: 100 }, (_, index) => ({ orderId: `b-${index}`, lineId: '1', sku: skus[index % 4], quantity: 1 + (index % 3) }));
		// Ten orders at a time, four stores each: killed at the 150th store answer, in the fourth batch.
		const killed = await runWorker({ state, orders, batch: 10, mode: 'apply', crash: { step: 'after-write', at: 150, hold: false }, skus });
		expect(ending(killed, 'SIGKILL')).toEqual({ signal: 'SIGKILL', failure: undefined });
		const before = await withLedger(state, (ledger) => ledger.list({}, 1000));
		const recordedOrders = new Set(before.map((row) => row.orderId)).size;
		expect(recordedOrders).toBeGreaterThan(0);
		expect(recordedOrders).toBeLessThan(100);
		expect(before.filter((row) => row.status === 'pending' && row.intent).length).toBeGreaterThan(0);

		const resumed = await runWorker({ state, orders, batch: 10, mode: 'burst', skus });
		expect(ending(resumed, null)).toEqual({ signal: null, failure: undefined });
		for (const sku of skus) {
			const sold = orders.filter((entry) => entry.sku === sku).reduce((sum, entry) => sum + entry.quantity, 0);
			expect(await sandboxes.quantities(sku)).toEqual(everyStore(1000 - sold));
		}
		// Exact before reconcile touched anything: it found every store in sync.
		expect(resumed.report?.reconcile.filter((entry) => entry.status !== 'in_sync')).toEqual([]);
		expect(resumed.report?.reconcile).toHaveLength(16);
		const after = await withLedger(state, (ledger) => ledger.list({}, 1000));
		expect(after).toHaveLength(400);
		expect(after.filter((row) => row.status !== 'applied')).toEqual([]);
	});
});
