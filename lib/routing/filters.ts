/** Content filters on an event: equals, prefix, numeric range, exists, anything-but (EventBridge's vocabulary). */
import { invalidPath, readPath, splitPath } from '../records/paths';
import type { FilterSpec, NumericRange, Scalar } from './types';

export type EventPredicate = (envelope: Record<string, unknown>) => boolean;

const rangeBounds = ['gt', 'gte', 'lt', 'lte'] as const;

function isScalar(value: unknown): value is Scalar {
	return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function scalarList(value: unknown): Scalar[] | undefined {
	const list = Array.isArray(value) ? value : [value];
	return list.length > 0 && list.every(isScalar) ? (list as Scalar[]) : undefined;
}

/** Why a filter cannot be used, or undefined when it is sound. */
export function invalidFilter(filter: unknown): string | undefined {
	if (typeof filter !== 'object' || filter === null) return 'a filter must be an object';
	const spec = filter as Record<string, unknown>;
	const pathProblem = invalidPath(spec.path);
	if (pathProblem) return `filter ${pathProblem}`;
	const conditions = ['equals', 'prefix', 'range', 'exists', 'anythingBut'].filter((key) => key in spec);
	if (conditions.length !== 1) return `filter on "${String(spec.path)}" needs exactly one of equals, prefix, range, exists, anythingBut`;
	const [condition] = conditions;
	const value = spec[condition];
	if ((condition === 'equals' || condition === 'anythingBut') && !scalarList(value)) {
		return `filter on "${String(spec.path)}": ${condition} takes a string, number, boolean, null or a non-empty list of them`;
	}
	if (condition === 'prefix' && (typeof value !== 'string' || value === '')) return `filter on "${String(spec.path)}": prefix takes a non-empty string`;
	if (condition === 'exists' && typeof value !== 'boolean') return `filter on "${String(spec.path)}": exists takes true or false`;
	if (condition === 'range') {
		const range = value as Record<string, unknown>;
		const keys = typeof range === 'object' && range !== null ? Object.keys(range) : [];
		const sound = keys.length > 0 && keys.every((key) => (rangeBounds as readonly string[]).includes(key) && Number.isFinite(range[key]));
		if (!sound) return `filter on "${String(spec.path)}": range takes finite numbers under gt, gte, lt, lte`;
	}
	return undefined;
}

function inRange(value: number, range: NumericRange): boolean {
	return (
		(range.gt === undefined || value > range.gt) &&
		(range.gte === undefined || value >= range.gte) &&
		(range.lt === undefined || value < range.lt) &&
		(range.lte === undefined || value <= range.lte)
	);
}

/** Compiles a validated filter into a predicate over the event envelope. */
export function compileFilter(filter: FilterSpec): EventPredicate {
	const segments = splitPath(filter.path);
	if ('exists' in filter) return (envelope) => readPath(envelope, segments).found === filter.exists;
	if ('prefix' in filter) {
		return (envelope) => {
			const { value } = readPath(envelope, segments);
			return typeof value === 'string' && value.startsWith(filter.prefix);
		};
	}
	if ('range' in filter) {
		return (envelope) => {
			const { value } = readPath(envelope, segments);
			return typeof value === 'number' && inRange(value, filter.range);
		};
	}
	if ('equals' in filter) {
		const allowed = new Set(scalarList(filter.equals));
		return (envelope) => {
			const { found, value } = readPath(envelope, segments);
			return found && allowed.has(value as Scalar);
		};
	}
	const refused = new Set(scalarList(filter.anythingBut));
	// Like EventBridge: a missing field does not match anything-but.
	return (envelope) => {
		const { found, value } = readPath(envelope, segments);
		return found && !refused.has(value as Scalar);
	};
}
