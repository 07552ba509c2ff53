/**
 * Field-by-field conflict resolution between versions of one record (two for the Conflict Resolver node, one per
 * platform for CRM sync), against the last synced snapshot (the base). Knows nothing of CRMs or of n8n.
 */
import { isBlank, sameValue } from './json';
import { flatten, unflatten } from './paths';

/** One side's version of the record: `fields` may be partial; a field it leaves out is treated as unchanged. */
export interface RecordVersion {
	side: string;
	fields: Record<string, unknown>;
	/** ISO time or epoch milliseconds of the side's last change, for last-write-wins. */
	modifiedAt?: string | number;
}

export type ConflictStrategy = { kind: 'lastWriteWins' } | { kind: 'manual' } | { kind: 'prefer'; side: string };

/**
 * - owner: the field follows `side` (its value wins even when only the other side changed it);
 * - preferUnlessBlank: `side` wins unless its value is blank, then the default strategy decides among the rest;
 * - twoWay: the default strategy;
 * - ignore: never synced; each side keeps its own value.
 */
export interface FieldPolicy {
	field: string;
	policy: 'owner' | 'preferUnlessBlank' | 'twoWay' | 'ignore';
	side?: string;
}

export interface ResolveOptions {
	strategy: ConflictStrategy;
	fieldPolicies?: FieldPolicy[];
	/** Sides in tie-break order for equal modified times (earlier wins); unlisted sides follow in name order. */
	sidePriority?: string[];
}

export type DecisionReason = 'oneSide' | 'sameValue' | 'lastWriteWins' | 'preferred' | 'owner' | 'unlessBlank' | 'ignored' | 'review';

export interface FieldDecision {
	field: string;
	/** Sides whose value differs from the base. */
	changedBy: string[];
	/** True when two or more sides changed the field to different values. */
	conflict: boolean;
	reason: DecisionReason;
	winner?: string;
	value?: unknown;
}

export interface Resolution {
	/** The base with every decided change applied; fields awaiting review keep the base value. */
	merged: Record<string, unknown>;
	/** One entry per field that some side changed (unchanged fields are left out). */
	decisions: FieldDecision[];
	/** Fields two or more sides changed differently. */
	conflicts: string[];
	/** Fields a person has to decide (manual strategy). */
	review: string[];
	/** Per side, the fields it must change to match `merged` (only fields it has, or that gained a value). */
	updates: Record<string, Record<string, unknown>>;
}

export function timeOf(modifiedAt: string | number | undefined): number {
	if (modifiedAt === undefined || modifiedAt === '') return Number.NEGATIVE_INFINITY;
	if (typeof modifiedAt === 'number') return modifiedAt;
	const parsed = /^\d+$/.test(modifiedAt) ? Number(modifiedAt) : Date.parse(modifiedAt);
	return Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : parsed;
}

interface Candidate {
	side: string;
	value: unknown;
	time: number;
}

/** A side's place in the tie-break order (worked out only when two changes have equal times). */
type RankOf = (side: string) => number;

/** Latest modified time wins; equal times go to the side earlier in the priority order, so every run agrees. */
function latest(candidates: Candidate[], rankOf: RankOf): Candidate {
	let best = candidates[0];
	for (let i = 1; i < candidates.length; i++) {
		const candidate = candidates[i];
		if (candidate.time > best.time || (candidate.time === best.time && rankOf(candidate.side) < rankOf(best.side))) best = candidate;
	}
	return best;
}

function sideRanks(versions: RecordVersion[], priority: string[] = []): Map<string, number> {
	const unlisted = versions.map((version) => version.side).filter((side) => !priority.includes(side)).sort();
	return new Map([...priority, ...unlisted].map((side, rank) => [side, rank]));
}

type FlatVersion = RecordVersion & { flat: Record<string, unknown>; time: number };

/** Every field some version holds, once: a single version's own keys (sync resolves most records from one platform). */
function fieldsOf(versions: FlatVersion[]): Iterable<string> {
	if (versions.length === 1) return Object.keys(versions[0].flat);
	const fields = new Set<string>();
	for (const version of versions) for (const field of Object.keys(version.flat)) fields.add(field);
	return fields;
}

/** Resolves every field some side changed since `base` (undefined base: no snapshot yet, every value counts as a change). */
export function resolveVersions(base: Record<string, unknown> | undefined, versions: RecordVersion[], options: ResolveOptions): Resolution {
	const policies = options.fieldPolicies?.length ? new Map(options.fieldPolicies.map((policy) => [policy.field, policy])) : undefined;
	if (versions.length === 1 && !policies) return resolveOneVersion(base, versions[0]);
	const flatBase = flatten(base ?? {});
	const flatVersions: FlatVersion[] = versions.map((version) => ({ ...version, flat: flatten(version.fields), time: timeOf(version.modifiedAt) }));
	let ranks: Map<string, number> | undefined;
	const rankOf: RankOf = (side) => (ranks ??= sideRanks(versions, options.sidePriority)).get(side) ?? 0;
	const merged = { ...flatBase };
	const decisions: FieldDecision[] = [];
	// Made only when a policy ignores a field: a Set costs more than the rest of a small record's resolution.
	let ignored: Set<string> | undefined;

	// Loops rather than chained filters, and arrays only for fields some side changed: sync resolves every field of every
	// record it pulls.
	for (const field of fieldsOf(flatVersions)) {
		const policy = policies?.get(field);
		let candidates: Candidate[] | undefined;
		for (const version of flatVersions) {
			if (!(field in version.flat)) continue;
			const value = version.flat[field];
			// Without a base (first sync) a value counts as a change, a blank does not: it is missing data, not an edit.
			const changed = base === undefined ? !isBlank(value) : !sameValue(value, flatBase[field]);
			if (!changed) continue;
			const candidate = { side: version.side, value, time: version.time };
			if (candidates) candidates.push(candidate);
			else candidates = [candidate];
		}
		if (policy?.policy === 'ignore') {
			(ignored ??= new Set()).add(field);
			if (candidates) decisions.push({ field, changedBy: candidates.map((candidate) => candidate.side), conflict: false, reason: 'ignored' });
			continue;
		}
		// No side changed it: nothing to decide, whatever the policy.
		if (!candidates) continue;
		const distinct = candidates.length > 1 ? uniqueValues(candidates) : candidates;
		const decision = decide(field, flatBase[field], policy, candidates, distinct, flatVersions, options.strategy, rankOf);
		decisions.push({ ...decision, field, changedBy: candidates.map((candidate) => candidate.side), conflict: distinct.length > 1 });
		if (decision.reason !== 'review') merged[field] = decision.value;
	}

	const review: string[] = [];
	const conflicts: string[] = [];
	for (const decision of decisions) {
		if (decision.reason === 'review') review.push(decision.field);
		if (decision.conflict) conflicts.push(decision.field);
	}
	return new ResolvedRecord(unflatten(merged), decisions, conflicts, review, { flatVersions, merged, ignored });
}

/** Whether a lone version's `flat` fields change `field` from the base (without a base, whether it holds a value at all). */
function changedAlone(base: Record<string, unknown> | undefined, flatBase: Record<string, unknown>, flat: Record<string, unknown>, field: string): boolean {
	return base === undefined ? !isBlank(flat[field]) : !sameValue(flat[field], flatBase[field]);
}

/**
 * One version and no policy (sync resolves most records this way): each changed field is taken and nothing conflicts
 * or waits for review, so the decisions and per-side updates are worked out only if read (sync reads the decisions
 * only on a conflict, the updates never). A resolution of its own, holding the version as given: the general one's
 * flattened versions, inputs and lists were most of what a record's resolution allocated.
 */
class LoneResolution implements Resolution {
	readonly conflicts: string[] = [];
	readonly review: string[] = [];
	private decided?: FieldDecision[];
	private resolvedUpdates?: Record<string, Record<string, unknown>>;

	constructor(
		private readonly base: Record<string, unknown> | undefined,
		private readonly flatBase: Record<string, unknown>,
		private readonly version: RecordVersion,
		private readonly flat: Record<string, unknown>,
		/** The merged record with its paths flat, as `updates` compares it. */
		private readonly flatMerged: Record<string, unknown>,
		readonly merged: Record<string, unknown>,
	) {}

	/** Each field the version changed is taken (what `decide` makes of a lone candidate). */
	get decisions(): FieldDecision[] {
		if (!this.decided) {
			const { side } = this.version;
			this.decided = [];
			for (const field of Object.keys(this.flat)) {
				if (changedAlone(this.base, this.flatBase, this.flat, field)) this.decided.push({ reason: 'oneSide', winner: side, value: this.flat[field], field, changedBy: [side], conflict: false });
			}
		}
		return this.decided;
	}

	get updates(): Record<string, Record<string, unknown>> {
		this.resolvedUpdates ??= sideUpdates([{ ...this.version, flat: this.flat, time: timeOf(this.version.modifiedAt) }], this.flatMerged, undefined, this.review);
		return this.resolvedUpdates;
	}
}

function resolveOneVersion(base: Record<string, unknown> | undefined, version: RecordVersion): Resolution {
	// Flat records (most) are read as they are, and no base is an empty one: not copied for each record resolved.
	const flatBase = base === undefined ? NO_FIELDS : flatOrFlattened(base);
	const flat = flatOrFlattened(version.fields);
	const merged = mergedAlone(base, flatBase, flat);
	// A merged record without dotted paths is its own nested form (what `updates` reads is then the same object).
	return new LoneResolution(base, flatBase, version, flat, merged, hasPaths(merged) ? unflatten(merged) : merged);
}

/** The base with the lone version's changes: a copy of the version itself when there is no base and it changes every field. */
function mergedAlone(base: Record<string, unknown> | undefined, flatBase: Record<string, unknown>, flat: Record<string, unknown>): Record<string, unknown> {
	const fields = Object.keys(flat);
	// Copied whole, in its own key order: one allocation where adding the fields one by one grew the copy as it went.
	if (flatBase === NO_FIELDS && changesAll(base, flatBase, flat, fields)) return { ...flat };
	const merged = { ...flatBase };
	for (const field of fields) if (changedAlone(base, flatBase, flat, field)) merged[field] = flat[field];
	return merged;
}

function changesAll(base: Record<string, unknown> | undefined, flatBase: Record<string, unknown>, flat: Record<string, unknown>, fields: string[]): boolean {
	for (const field of fields) if (!changedAlone(base, flatBase, flat, field)) return false;
	return true;
}

/** The fields of no base: never written to (merging copies them first). */
const NO_FIELDS: Record<string, unknown> = Object.freeze({});

/** `record` when flattening would give the same keys and values (no nested object, no undefined value), else its flat copy. */
function flatOrFlattened(record: Record<string, unknown>): Record<string, unknown> {
	for (const key in record) {
		if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
		const value = record[key];
		if (value === undefined || (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date))) return flatten(record);
	}
	return record;
}

function hasPaths(flat: Record<string, unknown>): boolean {
	for (const key in flat) if (key.includes('.')) return true;
	return false;
}

/** What `updates` is worked out from, kept by the resolution that may be asked for it. */
interface UpdateInputs {
	flatVersions: FlatVersion[];
	merged: Record<string, unknown>;
	ignored?: Set<string>;
}

/**
 * A resolution whose per-side updates are worked out when read (sync never reads them, the Conflict Resolver does).
 * A class getter, not a getter in an object literal: each literal's getter was a new closure that V8 recorded in the
 * object's map (old space), which kept the closure's scope (every flattened version of the record) alive through
 * young-generation collections until a full one, so sync promoted about 1 KB per record of garbage into old space.
 */
class ResolvedRecord implements Resolution {
	private resolvedUpdates?: Record<string, Record<string, unknown>>;

	constructor(
		readonly merged: Record<string, unknown>,
		readonly decisions: FieldDecision[],
		readonly conflicts: string[],
		readonly review: string[],
		private inputs: UpdateInputs | undefined,
	) {}

	get updates(): Record<string, Record<string, unknown>> {
		if (!this.resolvedUpdates) {
			const { flatVersions, merged, ignored } = this.inputs as UpdateInputs;
			this.resolvedUpdates = sideUpdates(flatVersions, merged, ignored, this.review);
			this.inputs = undefined;
		}
		return this.resolvedUpdates;
	}
}

/** Per side, the fields it must change to match `merged`. */
function sideUpdates(flatVersions: FlatVersion[], merged: Record<string, unknown>, ignored: Set<string> | undefined, review: string[]) {
	const updates: Record<string, Record<string, unknown>> = {};
	for (const version of flatVersions) {
		const changes: Record<string, unknown> = {};
		for (const [field, value] of Object.entries(merged)) {
			if (ignored?.has(field) || review.includes(field)) continue;
			const has = field in version.flat;
			if ((has && !sameValue(version.flat[field], value)) || (!has && !isBlank(value) && flatVersions.some((other) => field in other.flat))) changes[field] = value;
		}
		updates[version.side] = unflatten(changes);
	}
	return updates;
}

type Decided = Pick<FieldDecision, 'reason' | 'winner' | 'value'>;

/** The side's version when it holds the field. */
function versionWith(versions: FlatVersion[], side: string, field: string): FlatVersion | undefined {
	return versions.find((version) => version.side === side && field in version.flat);
}

/** The decision on a field at least one side changed (`candidates` is never empty). */
function decide(
	field: string,
	baseValue: unknown,
	policy: FieldPolicy | undefined,
	candidates: Candidate[],
	distinct: Candidate[],
	versions: FlatVersion[],
	strategy: ConflictStrategy,
	rankOf: RankOf,
): Decided {
	if (policy?.policy === 'owner' && policy.side) {
		// An owner without a version of its own in this round still holds the base value.
		const owner = versionWith(versions, policy.side, field);
		return { reason: 'owner', winner: policy.side, value: owner ? owner.flat[field] : baseValue };
	}
	if (policy?.policy === 'preferUnlessBlank' && policy.side) {
		const preferred = versionWith(versions, policy.side, field);
		if (preferred && !isBlank(preferred.flat[field])) return { reason: 'unlessBlank', winner: preferred.side, value: preferred.flat[field] };
		const filled = candidates.filter((candidate) => !isBlank(candidate.value));
		if (filled.length > 0) return byStrategy(filled, uniqueValues(filled), strategy, rankOf);
	}
	return byStrategy(candidates, distinct, strategy, rankOf);
}

function uniqueValues(candidates: Candidate[]): Candidate[] {
	return candidates.filter((candidate, index) => candidates.findIndex((other) => sameValue(other.value, candidate.value)) === index);
}

function byStrategy(candidates: Candidate[], distinct: Candidate[], strategy: ConflictStrategy, rankOf: RankOf): Decided {
	if (distinct.length === 1) {
		const winner = latest(candidates, rankOf);
		return { reason: candidates.length === 1 ? 'oneSide' : 'sameValue', winner: winner.side, value: winner.value };
	}
	if (strategy.kind === 'manual') return { reason: 'review' };
	if (strategy.kind === 'prefer') {
		const preferred = candidates.find((candidate) => candidate.side === strategy.side);
		if (preferred) return { reason: 'preferred', winner: preferred.side, value: preferred.value };
	}
	const winner = latest(candidates, rankOf);
	return { reason: 'lastWriteWins', winner: winner.side, value: winner.value };
}
