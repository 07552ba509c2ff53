/**
 * Real parallel processes on one store: what the store promises across n8n workers (one claim, one mapping, one
 * shared rate budget) must hold when separate processes race for it, on SQLite (one file) and Postgres alike.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore, type StoreConfig } from '../../lib/store';
import { storeBackends } from './backends';
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

const WORKERS = RACE_WORKERS;
const repoRoot = resolve(__dirname, '../..');

/** N worker processes; each round is ordered to all of them at once (the start barrier) and awaited from all. */
class RacingWorkers {
	private readonly stderr = new Map<ChildProcess, string>();

	private constructor(private readonly children: ChildProcess[]) {}

	static async start(count: number): Promise<RacingWorkers> {
		const children = [...Array(count).keys()].map((worker) =>
			fork(join(__dirname, 'race-worker.ts'), [], {
				cwd: repoRoot,
				execArgv: ['--import', 'tsx'],
				env: { ...process.env, RACE_WORKER: String(worker) },
				stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
			}),
		);
		const workers = new RacingWorkers(children);
		for (const child of children) {
			workers.stderr.set(child, '');
			child.stderr?.on('data', (chunk: Buffer) => workers.stderr.set(child, workers.stderr.get(child) + chunk.toString()));
		}
		await Promise.all(children.map(async (child) => await workers.next(child, (report) => report.kind === 'ready')));
		return workers;
	}

	async round<T>(round: RaceRound, config?: StoreConfig): Promise<T[]> {
		const reports = this.children.map(
			async (child) => await this.next(child, (report) => report.kind !== 'ready' && report.round === round),
		);
		const order: RoundOrder = { round, config };
		for (const child of this.children) child.send(order);
		return (await Promise.all(reports)).map((report, worker) => {
			if (report.kind !== 'done') throw new Error(`worker ${worker} failed in round ${round}: ${report.kind === 'failed' ? report.message : report.kind}`);
			return report.outcome as T;
		});
	}

	async stop(): Promise<void> {
		await Promise.all(
			this.children.map(async (child) => {
				if (child.exitCode !== null || child.signalCode !== null) return;
				const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
				child.kill();
				await exited;
			}),
		);
	}

	private async next(child: ChildProcess, wanted: (report: WorkerReport) => boolean): Promise<WorkerReport> {
		return await new Promise((resolveReport, reject) => {
			const onMessage = (report: WorkerReport) => {
				if (!wanted(report)) return;
				child.off('exit', onExit);
				child.off('message', onMessage);
				resolveReport(report);
			};
			const onExit = (code: number | null) => {
				child.off('message', onMessage);
				reject(new Error(`worker exited (${code}) before reporting: ${this.stderr.get(child)}`));
			};
			child.on('message', onMessage);
			child.once('exit', onExit);
		});
	}
}

/** Started once: process start-up (tsx, pg) is the slow part, and the same workers serve both backends. */
let workers: RacingWorkers;
beforeAll(async () => {
	workers = await RacingWorkers.start(WORKERS);
});
afterAll(async () => await workers?.stop());

describe.each(storeBackends())(`${WORKERS} processes racing on one $name store`, (backend) => {
	let store: StateStore;
	let opened: string[];

	beforeAll(async () => {
		await backend.setUp();
		const config = await backend.freshConfig();
		// Every worker opens and migrates the same fresh database at the same moment.
		opened = await workers.round<string>('open', config);
		store = await openStore(config, [...allMigrations, sideEffectsMigration]);
	});
	afterAll(async () => {
		await workers?.round('close');
		await closeAllStores();
		await backend.tearDown();
	});

	test('all open and migrate the fresh database at once; each migration is applied and recorded once', async () => {
		expect(opened).toEqual(Array(WORKERS).fill('opened'));
		const ledger = await store.db.query<{ component: string; version: number; applied: number }>(
			'SELECT component, version, COUNT(*) AS applied FROM schema_migrations GROUP BY component, version ORDER BY component, version',
		);
		expect(ledger.length).toBe(allMigrations.length + 1);
		expect(ledger.every((row) => row.applied === 1)).toBe(true);
	});

	test('runOnce: the work runs in exactly one process and every process gets its result', async () => {
		const outcomes = await workers.round<RunOnceOutcome>('runOnce');
		const sideEffects = await store.db.query<{ worker: number; at_ms: number }>('SELECT worker, at_ms FROM race_side_effects');
		expect(sideEffects).toHaveLength(1);
		const winner = sideEffects[0].worker;
		expect(outcomes.map((outcome) => outcome.result)).toEqual(Array(WORKERS).fill(winner));
		expect(outcomes.filter((outcome) => !outcome.replayed).map((outcome) => outcome.result)).toEqual([winner]);
		expect(await store.idempotency.get('race', 'charge-1')).toEqual({ state: 'done', result: winner });
		// The others really raced: every one found the winner's work in progress and waited for its result.
		expect(outcomes.filter((outcome) => outcome.replayed).map((outcome) => outcome.waitedWhileInProgress)).toEqual(Array(WORKERS - 1).fill(true));
	});

	test('link: one mapping per internal id and per external id, and every process sees the winner', async () => {
		const outcomes = await workers.round<LinkOutcome>('link');
		const externalOfInternal1 = await store.idMap.externalIds(raceKey, ['internal-1']);
		const internalOfExternal1 = await store.idMap.internalIds(raceKey, ['external-1']);
		const rows = await store.db.query<{ internal_id: string; external_id: string }>(
			"SELECT internal_id, external_id FROM id_map WHERE internal_id = 'internal-1' OR external_id = 'external-1'",
		);
		expect(rows).toHaveLength(2);
		const winnerExternal = externalOfInternal1.get('internal-1');
		const winnerInternal = internalOfExternal1.get('external-1');
		expect(winnerExternal).toMatch(/^external-of-\d$/);
		expect(winnerInternal).toMatch(/^internal-of-\d$/);
		expect(outcomes.map((outcome) => outcome.sameInternal.externalId)).toEqual(Array(WORKERS).fill(winnerExternal));
		expect(outcomes.map((outcome) => outcome.sameExternal.internalId)).toEqual(Array(WORKERS).fill(winnerInternal));
		expect(outcomes.filter((outcome) => outcome.sameInternal.created)).toHaveLength(1);
		expect(outcomes.filter((outcome) => outcome.sameExternal.created)).toHaveLength(1);
	});

	test('take: the requests granted across all processes never exceed a window\'s capacity', async () => {
		const outcomes = await workers.round<TakeOutcome>('take');
		const attempts = WORKERS * takesPerWorker;
		expect(attempts).toBeGreaterThan(singleBucket.capacity);
		// Nothing leaves the long windows during the race: exactly the capacity is granted, not one more.
		expect(outcomes.reduce((sum, outcome) => sum + outcome.single, 0)).toBe(singleBucket.capacity);
		const pairCapacity = Math.min(...pairBuckets.map((bucket) => bucket.capacity));
		expect(outcomes.reduce((sum, outcome) => sum + outcome.pair, 0)).toBe(pairCapacity);
		expect(await store.rateBuckets.take([singleBucket])).toBeGreaterThan(0);
		expect(await store.rateBuckets.take([pairBuckets[0]])).toBeGreaterThan(0);
		// The roomier bucket of the pair was only charged for the grants of the pair.
		let roomLeft = 0;
		while ((await store.rateBuckets.take([pairBuckets[1]])) === 0) roomLeft++;
		expect(roomLeft).toBe(pairBuckets[1].capacity - pairCapacity);
	});
});
