import { checkInput, id, InputError, listOf, nonEmptyString, oneOf, optional, shape, signedWholeNumber, wholeNumber, type InputViolation, type Parsed } from '../records/inputSchema';

export const MOVEMENT_KINDS = ['sale', 'refund', 'restock', 'correction'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

/** A line's quantity: units sold, refunded or restocked (1 or more); a correction's is a signed change (not 0). */
function quantityFor(kind: MovementKind | undefined) {
	return kind === 'correction' ? signedWholeNumber() : wholeNumber(1);
}

/** One order or movement as Apply Stock Movement takes it; a line without a line id is keyed by its position. */
export function orderInputSchema(kind: MovementKind) {
	return {
		orderId: id(),
		sourceStore: optional(id()),
		deliveryId: optional(id()),
		lines: listOf(shape({ lineId: optional(id()), sku: nonEmptyString(), quantity: quantityFor(kind) }, 'a line {lineId, sku, quantity}')),
	};
}

/** A Shopify orders/create or WooCommerce order.created payload: an id, and lines that each have an id, a SKU and a quantity. */
export const orderPayloadSchema = {
	id: id(),
	line_items: listOf(shape({ id: id(), sku: nonEmptyString(), quantity: wholeNumber(1) }, 'a line {id, sku, quantity}')),
};

/** What the fan-out's `apply` takes for each movement (checked there too, so no caller can bypass it). */
export function checkMovement(movement: unknown, field: string): InputViolation[] {
	const kind = (movement as { kind?: unknown } | null)?.kind;
	const schema = {
		orderId: id(),
		lineId: id(),
		sku: nonEmptyString(),
		kind: optional(oneOf(MOVEMENT_KINDS)),
		quantity: quantityFor(MOVEMENT_KINDS.includes(kind as MovementKind) ? (kind as MovementKind) : undefined),
		sourceStore: optional(id()),
	};
	return checkInput(schema, movement, field).violations ?? [];
}

/** Refuses the whole batch when any movement is malformed: nothing is recorded or applied. */
export function assertMovements(movements: unknown): void {
	if (!Array.isArray(movements)) throw new InputError([{ field: 'movements', problem: 'must be an array of stock movements' }], 'Stock movements');
	const violations = movements.flatMap((movement, index) => checkMovement(movement, `movements[${index}]`));
	if (violations.length > 0) throw new InputError(violations, 'Stock movements');
}

/** The SKUs Reconcile checks, when given as a list (text is split at commas). */
export const skuListSchema = { skus: listOf(nonEmptyString()) };

/** A cancellation's or refund's return of a recorded order, as Restock Order takes it: every line, or the lines listed. */
export const returnInputSchema = {
	orderId: id(),
	sourceStore: id(),
	kind: oneOf(['refund', 'restock'] as const),
	key: optional(id()),
	lines: optional(listOf(shape({ lineId: id(), quantity: optional(wholeNumber(1)) }, 'a line {lineId, quantity}'))),
};

const returnRequestSchema = { orderId: id(), kind: oneOf(['refund', 'restock'] as const), key: nonEmptyString(), lines: returnInputSchema.lines };

/** What the fan-out's `returnOrder` takes, checked: refused whole when malformed, or when it lists a line twice. */
export function checkReturn(request: unknown): Parsed<typeof returnRequestSchema> {
	const checked = checkInput(returnRequestSchema, request);
	const violations = checked.violations ?? repeatedLines(checked.value.lines ?? [], 'lines');
	if (!checked.value || violations.length > 0) throw new InputError(violations, 'Restock');
	return checked.value;
}

/** A line listed twice in one return (its quantities would be ambiguous). */
export function repeatedLines(lines: Array<{ lineId: string }>, field: string): InputViolation[] {
	return lines.flatMap((line, index) =>
		lines.findIndex((other) => other.lineId === line.lineId) < index ? [{ field: `${field}[${index}].lineId`, problem: `lists line "${line.lineId}" a second time` }] : [],
	);
}
