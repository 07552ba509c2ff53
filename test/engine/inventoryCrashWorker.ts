/**
 * One process of the kill -9 tests (run with `node --import tsx`, forked with an IPC channel). It applies stock
 * movements to the commerce sandboxes and, when told to, SIGKILLs itself at a named step of a store write; or it
 * resumes what a killed process left (retry pending, the same deliveries again, reconcile) and reports.
 * Env INVENTORY_CRASH_JOB: a CrashJob as JSON.
 */
import { openInventory, type StockMovement, type StoreOutcome, type WriteStep } from '../../lib/inventory';
import { allMigrations } from '../../lib/migrations';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import { openStore, type StoreConfig } from '../../lib/store';
import { commerceAccount, type CommerceStore } from '../support/inventoryStores';

export interface CrashJob {
	state: StoreConfig;
	stores: CommerceStore[];
	/** Orders, each one delivery (`delivery-<orderId>`), applied `batch` at a time. */
	orders: StockMovement[];
	batch: number;
	/** apply: deliver the orders (and be killed); retry / redeliver / reconcile / burst (all three): resume after a killed run. */
	mode: 'apply' | 'retry' | 'redeliver' | 'reconcile' | 'burst';
	/** Kill at the `at`-th arrival at `step`; with `hold`, earlier arrivals wait there, so all `at` rows are caught at it. */
	crash?: { step: WriteStep; at: number; hold: boolean };
	/** The lock lease (the store's default when absent). */
	lockLeaseMs?: number;
	skus: string[];
}

export interface CrashReport {
	outcomes: StoreOutcome[];
	reconcile: Array<{ store: string; sku: string; status: string; drift?: number }>;
}

const job = JSON.parse(process.env.INVENTORY_CRASH_JOB ?? 'null') as CrashJob;

function killHook(crash: NonNullable<CrashJob['crash']>) {
	let arrivals = 0;
	return async (step: WriteStep) => {
		if (step !== crash.step) return;
		if (++arrivals >= crash.at) process.kill(process.pid, 'SIGKILL');
		if (crash.hold) await new Promise<never>(() => undefined);
	};
}

async function main(): Promise<CrashReport> {
	const state = await openStore(job.state, allMigrations);
	const platforms = standalonePlatforms(job.stores.map(commerceAccount), { retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 3 } });
	const fanOut = await openInventory({ store: state, platforms }).fanOut(job.stores, {
		lockLeaseMs: job.lockLeaseMs,
		lockPollMs: 20,
		onWriteStep: job.crash ? killHook(job.crash) : undefined,
	});
	const outcomes: StoreOutcome[] = [];
	const deliver = async () => {
		for (let start = 0; start < job.orders.length; start += job.batch) {
			const batch = job.orders.slice(start, start + job.batch);
			const results = await Promise.all(batch.map((order) => fanOut.apply([order], { source: 'crash-test', id: `delivery-${order.orderId}` })));
			outcomes.push(...results.flatMap((result) => result.outcomes));
		}
	};
	if (job.mode === 'apply' || job.mode === 'redeliver' || job.mode === 'burst') await deliver();
	if (job.mode === 'retry' || job.mode === 'burst') outcomes.push(...(await fanOut.retryPending()));
	const reconcile = job.mode === 'burst' || job.mode === 'reconcile' ? await fanOut.reconcile(job.skus, { correct: true }) : [];
	await state.close();
	return { outcomes, reconcile: reconcile.map(({ store, sku, status, drift }) => ({ store, sku, status, drift })) };
}

main().then(
	(report) => process.send?.({ kind: 'done', report }, () => process.exit(0)),
	(error: unknown) => process.send?.({ kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }, () => process.exit(1)),
);
