/** Segments decided once from rules on a contact's fields, then applied on every platform as lists or tags. */
import { getPath } from '../records/paths';

export type ConditionOperator = 'equals' | 'notEquals' | 'in' | 'contains' | 'exists' | 'greaterThan' | 'lessThan';

export interface SegmentCondition {
	/** Path in the contact record (`plan`, `address.country`). */
	field: string;
	operator: ConditionOperator;
	/** For `in`: a comma-separated list or an array. Ignored by `exists`. */
	value?: unknown;
}

/** A contact is in `segment` when every condition holds. Several rules may name the same segment (any of them). */
export interface SegmentRule {
	segment: string;
	conditions: SegmentCondition[];
}

const OPERATORS: ConditionOperator[] = ['equals', 'notEquals', 'in', 'contains', 'exists', 'greaterThan', 'lessThan'];

export class SegmentRuleError extends Error {}

export function validateSegmentRules(rules: SegmentRule[]): void {
	for (const rule of rules) {
		if (!rule.segment || typeof rule.segment !== 'string') throw new SegmentRuleError('Every segment rule needs a segment name');
		for (const condition of rule.conditions ?? []) {
			if (!condition.field) throw new SegmentRuleError(`A condition of segment "${rule.segment}" has no field`);
			if (!OPERATORS.includes(condition.operator)) {
				throw new SegmentRuleError(`Segment "${rule.segment}": unknown operator "${String(condition.operator)}" (use ${OPERATORS.join(', ')})`);
			}
		}
	}
}

/** The segments a contact belongs to, sorted and without repeats. */
export function segmentsFor(contact: Record<string, unknown>, rules: SegmentRule[]): string[] {
	const segments = new Set<string>();
	for (const rule of rules) if ((rule.conditions ?? []).every((condition) => holds(contact, condition))) segments.add(rule.segment);
	return [...segments].sort();
}

function holds(contact: Record<string, unknown>, condition: SegmentCondition): boolean {
	const actual = getPath(contact, condition.field);
	if (condition.operator === 'exists') return actual !== undefined && actual !== null && actual !== '';
	if (actual === undefined || actual === null) return condition.operator === 'notEquals';
	const text = normalised(actual);
	switch (condition.operator) {
		case 'equals':
			return text === normalised(condition.value);
		case 'notEquals':
			return text !== normalised(condition.value);
		case 'in':
			return listOf(condition.value).includes(text);
		case 'contains':
			return text.includes(normalised(condition.value));
		case 'greaterThan':
			return Number(actual) > Number(condition.value);
		case 'lessThan':
			return Number(actual) < Number(condition.value);
	}
}

/** Comparisons ignore case and surrounding spaces: `Enterprise` and `enterprise ` are one plan. */
function normalised(value: unknown): string {
	return String(value ?? '').trim().toLowerCase();
}

function listOf(value: unknown): string[] {
	const items = Array.isArray(value) ? value : String(value ?? '').split(',');
	return items.map(normalised).filter((item) => item !== '');
}
