/**
 * One racing process of the concurrency test (run with `node --import tsx`, forked with an IPC channel). It waits
 * for each round's order, which the parent sends to every worker at once, and reports the round's outcome.
 * Env: RACE_WORKER (this worker's number). One worker serves several stores in turn: open, race, close.
 */
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import {
	pairBuckets,
	raceKey,
	sideEffectsMigration,
	singleBucket,
	takesPerWorker,
	RACE_WORKERS,
	type LinkOutcome,
	type RaceRound,
	type RoundOrder,
	type RunOnceOutcome,
	type TakeOutcome,
	type WorkerReport,
} from './race';

const worker = Number(process.env.RACE_WORKER);
let store: StateStore | undefined;

const report = (message: WorkerReport) => process.send?.(message);
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

function opened(): StateStore {
	if (!store) throw new Error('store not opened yet');
	return store;
}

async function runOnce(): Promise<RunOnceOutcome> {
	const db = opened().db;
	let waitedWhileInProgress = false;
	// runOnce sleeps only when it found the work claimed and in progress: that is when a loser says it is waiting.
	const waitForWinner = async (ms: number) => {
		if (!waitedWhileInProgress) await db.run('INSERT INTO race_waiting (worker) VALUES (?)', [worker]);
		waitedWhileInProgress = true;
		await sleep(ms);
	};
	const outcome = await opened().idempotency.runOnce(
		'race',
		'charge-1',
		async () => {
			await db.run('INSERT INTO race_side_effects (worker, at_ms) VALUES (?, ?)', [worker, Date.now()]);
			await untilTheOthersWait();
			return worker;
		},
		{ pollMs: 10, sleep: waitForWinner },
	);
	return { ...outcome, waitedWhileInProgress };
}

/**
 * The winner holds its claim until every other worker has found it in progress, so the race is real however loaded
 * the machine; after a minute it lets go anyway, and the test then fails on the workers that never waited.
 */
async function untilTheOthersWait(): Promise<void> {
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		const [{ waiting }] = await opened().db.query<{ waiting: number | string }>('SELECT COUNT(*) AS waiting FROM race_waiting');
		if (Number(waiting) >= RACE_WORKERS - 1) return;
		await sleep(10);
	}
}

async function link(): Promise<LinkOutcome> {
	const [sameInternal, sameExternal] = await Promise.all([
		opened().idMap.link(raceKey, 'internal-1', `external-of-${worker}`),
		opened().idMap.link(raceKey, `internal-of-${worker}`, 'external-1'),
	]);
	return { sameInternal, sameExternal };
}

/** Half the workers name the pair in reverse order: lock order must not depend on it. */
async function take(): Promise<TakeOutcome> {
	const pair = worker % 2 === 0 ? pairBuckets : [...pairBuckets].reverse();
	let single = 0;
	let pairs = 0;
	for (let attempt = 0; attempt < takesPerWorker; attempt++) {
		const [singleWait, pairWait] = await Promise.all([opened().rateBuckets.take([singleBucket]), opened().rateBuckets.take(pair)]);
		if (singleWait === 0) single++;
		if (pairWait === 0) pairs++;
	}
	return { single, pair: pairs };
}

const rounds: Record<RaceRound, (order: RoundOrder) => Promise<unknown>> = {
	open: async ({ config }) => {
		if (!config) throw new Error('open needs a store config');
		store = await openStore(config, [...allMigrations, sideEffectsMigration]);
		return 'opened';
	},
	runOnce,
	link,
	take,
	close: async () => {
		store = undefined;
		await closeAllStores();
		return 'closed';
	},
};

process.on('message', (order: RoundOrder) => {
	rounds[order.round](order).then(
		(outcome) => report({ kind: 'done', round: order.round, outcome }),
		(error: unknown) => report({ kind: 'failed', round: order.round, message: error instanceof Error ? error.stack ?? error.message : String(error) }),
	);
});
report({ kind: 'ready' });
