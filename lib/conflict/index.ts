import type { StoreContext } from '../store/stateStore';
import type { ReviewDecision } from '../store/reviews';
import { conflictState, decideReview, resolveTwoWay, type TwoWayOptions, type TwoWayRecord } from './twoWay';

export * from '../records/resolve';
export { getPath } from '../records/paths';
export * from '../store/reviews';
export { BaseRepository } from './baseRepository';
export * from './twoWay';
export { conflictMigrations } from './migrations';

/** The conflict capability over a store: the one way in for the Conflict Resolver node, the demo and tests. */
export function openConflict({ store }: StoreContext) {
	return {
		/** Resolves local against external for each record, queueing reviews and saving the new bases. */
		resolve: (records: TwoWayRecord[], options: TwoWayOptions) => resolveTwoWay(store, records, options),
		/** Records a reviewer's decision and the changes each side needs. */
		decide: (reviewId: string, decision: ReviewDecision, options: { markApplied: boolean }) => decideReview(store, reviewId, decision, options),
		/** The review queue: pending and decided reviews. */
		reviews: conflictState(store).reviews,
	};
}

export type Conflict = ReturnType<typeof openConflict>;
