import { assertInput, checkInput, id as key, InputError, nonEmptyString, object, optional, text } from '../records/inputSchema';
import type { StateStore } from '../store/stateStore';
import { sameValue } from '../records/json';
import { flatten, unflatten } from '../records/paths';
import { resolveVersions, type FieldPolicy, type Resolution } from '../records/resolve';
import { decidedValues, ReviewQueue, type ConflictReview, type ReviewDecision } from '../store/reviews';
import { BaseRepository } from './baseRepository';

export const LOCAL = 'local';
export const EXTERNAL = 'external';

export type TwoWayStrategy = 'lastWriteWins' | 'manual' | 'preferLocal' | 'preferExternal';

export interface TwoWayRecord {
	recordKey: string;
	local: Record<string, unknown>;
	external: Record<string, unknown>;
	localModifiedAt?: string | number;
	externalModifiedAt?: string | number;
	/** The last synced version; when absent, the stored base for this record key (if any) is used. */
	base?: Record<string, unknown>;
}

/**
 * One record's two versions, checked by type: a key that is no id, or a version that is no object (a string, a list),
 * is refused by name. An absent version is an empty one (the record is new on the other side).
 */
const version = () => optional(object(), { emptyText: false });
export const twoWayRecordSchema = { recordKey: key(), local: version(), external: version(), base: version() };

/** What deciding a review takes. */
export const reviewDecisionSchema = { reviewId: key(), side: optional(nonEmptyString()), values: optional(object()), decidedBy: optional(text()) };

export interface TwoWayOptions {
	/** Keeps the bases and reviews of separate flows apart (e.g. "contacts:crm-vs-billing"). */
	scope: string;
	strategy: TwoWayStrategy;
	fieldPolicies?: FieldPolicy[];
	/** Which side wins a tie of equal modified times under last-write-wins. */
	tieBreak?: typeof LOCAL | typeof EXTERNAL;
	/** Store the merged record as the new base (the default), so the next run measures changes from it. */
	saveBase?: boolean;
}

export interface TwoWayOutcome {
	recordKey: string;
	merged: Record<string, unknown>;
	/** Fields the local side must change; empty when it already matches. */
	applyToLocal: Record<string, unknown>;
	applyToExternal: Record<string, unknown>;
	conflicts: string[];
	/** Set when fields wait for a person: the review's id in the queue. */
	reviewId?: string;
	review: string[];
	resolution: Resolution;
}

/** The conflict state of one store: the review queue and the bases. */
export function conflictState(store: StateStore): { reviews: ReviewQueue; bases: BaseRepository } {
	return { reviews: new ReviewQueue(store.db), bases: new BaseRepository(store.db) };
}

function strategyFor(strategy: TwoWayStrategy) {
	if (strategy === 'preferLocal') return { kind: 'prefer' as const, side: LOCAL };
	if (strategy === 'preferExternal') return { kind: 'prefer' as const, side: EXTERNAL };
	return { kind: strategy };
}

/** Resolves local against external for each record, queueing reviews and saving the new bases. */
export async function resolveTwoWay(store: StateStore, records: TwoWayRecord[], options: TwoWayOptions): Promise<TwoWayOutcome[]> {
	const violations = records.flatMap((record, index) => checkInput(twoWayRecordSchema, record, `records[${index}]`).violations ?? []);
	if (violations.length > 0) throw new InputError(violations, 'Conflict records');
	const { reviews, bases } = conflictState(store);
	const stored = await bases.getMany(options.scope, records.filter((record) => !record.base).map((record) => record.recordKey));
	const outcomes: TwoWayOutcome[] = [];
	for (const record of records) {
		const base = record.base ?? stored.get(record.recordKey);
		const versions = [
			{ side: LOCAL, fields: record.local, modifiedAt: record.localModifiedAt },
			{ side: EXTERNAL, fields: record.external, modifiedAt: record.externalModifiedAt },
		];
		const resolution = resolveVersions(base, versions, {
			strategy: strategyFor(options.strategy),
			fieldPolicies: options.fieldPolicies,
			sidePriority: options.tieBreak === EXTERNAL ? [EXTERNAL, LOCAL] : [LOCAL, EXTERNAL],
		});
		const reviewId = resolution.review.length > 0
			? await reviews.open({ scope: options.scope, recordKey: record.recordKey, fields: resolution.review, base, versions })
			: undefined;
		if (options.saveBase !== false) await bases.put(options.scope, record.recordKey, resolution.merged);
		outcomes.push({
			recordKey: record.recordKey,
			merged: resolution.merged,
			applyToLocal: resolution.updates[LOCAL],
			applyToExternal: resolution.updates[EXTERNAL],
			conflicts: resolution.conflicts,
			reviewId,
			review: resolution.review,
			resolution,
		});
	}
	return outcomes;
}

export interface AppliedDecision {
	review: ConflictReview;
	/** The decided value of every field that was in conflict. */
	values: Record<string, unknown>;
	/** Per side, the fields it must change to carry the decision. */
	updates: Record<string, Record<string, unknown>>;
	merged: Record<string, unknown>;
}

/**
 * Records a reviewer's decision and works out what each side must change. For two-way scopes the caller applies
 * the updates and the review is marked applied here; CRM sync scopes are applied by the next sync run instead.
 */
export async function decideReview(store: StateStore, id: string, decision: ReviewDecision, options: { markApplied: boolean }): Promise<AppliedDecision> {
	id = assertInput(reviewDecisionSchema, { ...decision, reviewId: id }, 'Review decision').reviewId;
	const { reviews, bases } = conflictState(store);
	const review = await reviews.decide(id, decision);
	const values = decidedValues(review);
	const updates: Record<string, Record<string, unknown>> = {};
	for (const version of review.versions) updates[version.side] = changedFields(version.fields, values);
	const merged = withValues(review.base ?? {}, values);
	if (options.markApplied) {
		const current = (await bases.getMany(review.scope, [review.recordKey])).get(review.recordKey) ?? review.base ?? {};
		await bases.put(review.scope, review.recordKey, withValues(current, values));
		await reviews.markApplied(id);
	}
	return { review: { ...review, status: options.markApplied ? 'applied' : 'decided' }, values, updates, merged };
}

/** `record` with the decided values (dotted paths) set. */
function withValues(record: Record<string, unknown>, values: Record<string, unknown>): Record<string, unknown> {
	return unflatten({ ...flatten(record), ...values });
}

function changedFields(current: Record<string, unknown>, values: Record<string, unknown>): Record<string, unknown> {
	const flat = flatten(current);
	return unflatten(Object.fromEntries(Object.entries(values).filter(([field, value]) => !sameValue(flat[field], value))));
}
