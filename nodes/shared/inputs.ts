import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INode } from 'n8n-workflow';

import { checkInput, describeViolations, type InputViolation, type Parsed, type Schema } from '../../lib/records/inputSchema';

export type { Parsed };
/** The schema builders a node's own item input is read with. */
export { InputError, nonEmptyString, optional, recordOf, text } from '../../lib/records/inputSchema';

/**
 * An item whose input breaks its operation's schema, as n8n's error naming the fields and the item. It stops the
 * node, or under On Error "Continue" becomes the item's error (`itemJson`), which n8n moves to the error output.
 */
export class InputViolationError extends NodeOperationError {
	readonly violations: InputViolation[];

	constructor(node: INode, violations: InputViolation[], itemIndex: number) {
		super(node, `Invalid ${fieldsOf(violations).join(', ')} (item ${itemIndex}): ${describeViolations(violations)}`, {
			itemIndex,
			description: 'Nothing was charged, written or counted for this item.',
		});
		this.violations = violations;
	}

	/**
	 * Only `error` and `details` (`field`: the first bad field, as Record Order's error items have it), the keys n8n's
	 * "Continue (using error output)" moves to the error output.
	 */
	itemJson(): IDataObject {
		const fields = fieldsOf(this.violations);
		return { error: this.message, details: { field: fields[0], fields, violations: this.violations.map((violation) => ({ ...violation })) } };
	}
}

function fieldsOf(violations: InputViolation[]): string[] {
	return [...new Set(violations.map((violation) => violation.field))];
}

/**
 * Checks one item's input against its operation's schema; a violation throws the error naming the field and the item.
 * `fieldNames` names a field as the user knows it (the item path it was read from), when that differs.
 */
export function readInput<S extends Schema>(context: IExecuteFunctions, schema: S, input: Record<string, unknown>, itemIndex: number, fieldNames: Record<string, string> = {}): Parsed<S> {
	const checked = checkInput(schema, input);
	if (checked.violations) {
		const named = checked.violations.map((violation) => ({ ...violation, field: fieldNames[violation.field] ?? violation.field }));
		throw new InputViolationError(context.getNode(), named, itemIndex);
	}
	return checked.value;
}

/**
 * An item's parameters as n8n resolved them, never wrapped in String or Number: the schema decides what they may be.
 * A parameter the node does not have reads as undefined.
 */
export function itemParameters(context: IExecuteFunctions, names: readonly string[], itemIndex: number): Record<string, unknown> {
	return Object.fromEntries(names.map((name) => [name, context.getNodeParameter(name, itemIndex, null) ?? undefined]));
}

/**
 * A JSON parameter's value: n8n hands it over as text or already parsed. Text that is not JSON is a violation of
 * `field`, like any other wrong value; an empty text reads as `empty`.
 */
export function jsonInput(context: IExecuteFunctions, value: unknown, field: string, itemIndex: number, empty?: unknown): unknown {
	if (typeof value !== 'string') return value;
	if (value.trim() === '') return empty;
	const parsed = parseJson(value);
	if (!parsed.ok) throw new InputViolationError(context.getNode(), [{ field, problem: 'must be JSON, got text that is not' }], itemIndex);
	return parsed.value;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
	try {
		return { ok: true, value: JSON.parse(text) as unknown };
	} catch {
		return { ok: false };
	}
}
