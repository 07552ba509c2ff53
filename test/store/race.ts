/** What the concurrency test and its worker processes share: the rounds they race in and the test's own table. */
import type { BucketSpec, IdMapKey, Migration, StoreConfig } from '../../lib/store';

export type RaceRound = 'open' | 'runOnce' | 'link' | 'take' | 'close';

/** Parent → worker: run this round now; 'open' names the store to open. */
export interface RoundOrder {
	round: RaceRound;
	config?: StoreConfig;
}

/** Worker → parent: ready to race, or the outcome of one round. */
export type WorkerReport =
	| { kind: 'ready' }
	| { kind: 'done'; round: RaceRound; outcome: unknown }
	| { kind: 'failed'; round: RaceRound; message: string };

export interface RunOnceOutcome {
	result: number;
	replayed: boolean;
	/** Whether this worker found the work in progress and waited for it, which every loser must have done. */
	waitedWhileInProgress: boolean;
}

export interface LinkOutcome {
	sameInternal: { internalId: string; externalId: string; created: boolean };
	sameExternal: { internalId: string; externalId: string; created: boolean };
}

export interface TakeOutcome {
	single: number;
	pair: number;
}

/** The side effect of `runOnce`'s work: one row per time the work really ran. */
export const sideEffectsMigration: Migration = {
	component: 'race-test',
	version: 1,
	description: 'side effects of raced work',
	statements: [
		'CREATE TABLE race_side_effects (worker BIGINT NOT NULL, at_ms BIGINT NOT NULL)',
		// One row per worker that found the work in progress: the winner holds its claim until every other worker is here.
		'CREATE TABLE race_waiting (worker BIGINT NOT NULL)',
	],
};

export const raceKey: IdMapKey = { integration: 'race', platform: 'hubspot', entity: 'contacts' };

/** Long windows: nothing leaves them while the race runs, so the grants must add up to exactly the capacity. */
export const singleBucket: BucketSpec = { key: 'race:single', capacity: 5, windowMs: 600_000 };
export const pairBuckets: BucketSpec[] = [
	{ key: 'race:pair-a', capacity: 12, windowMs: 600_000 },
	{ key: 'race:pair-b', capacity: 30, windowMs: 600_000 },
];
export const takesPerWorker = 10;
/** How many processes race. */
export const RACE_WORKERS = 8;
