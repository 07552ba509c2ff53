import { checkInput, InputError, listOf, nonEmptyString, optional, shape, wholeNumber, type InputViolation } from '../records/inputSchema';
import type { Outbox, OutboxEntry } from '../store/outbox';
import type { OrderEvent } from './movements';

/** What an accepted order still owes; each is done once, by the execution that accepted it or by a later resume. */
export const ORDER_STEPS = ['stock', 'fulfillment', 'accounting', 'crm'] as const;

const TOPIC = 'inventory.orders';

/** An order as recorded on acceptance, with what is left to do. */
export interface AcceptedOrder extends OrderEvent {
	/** The order's key in the store: `<source store>:<order id>`, as in the inventory ledger. */
	orderKey: string;
	pendingSteps: string[];
	/** 1 when accepted, one more each time a resume handed it out. */
	attempts: number;
	acceptedAt: string;
}

/** Fields of an order that are missing or of the wrong type; `field` is the first one's path, e.g. `lines[0].quantity`. */
export class OrderInputError extends InputError {
	readonly code = 'INVALID_ORDER';
	readonly field: string;

	constructor(violations: InputViolation[]);
	constructor(field: string, problem: string);
	constructor(fieldOrViolations: string | InputViolation[], problem = '') {
		super(typeof fieldOrViolations === 'string' ? [{ field: fieldOrViolations, problem }] : fieldOrViolations, '');
		this.field = this.violations[0].field;
	}
}

export interface OrderIntakeOptions {
	/**
	 * How long the execution that takes an order has to finish its steps before a resume may take it over. Longer than
	 * an execution's longest run, so a live execution is never doubled; short enough that a crash is repaired soon.
	 */
	holdMs?: number;
	steps?: readonly string[];
}

/**
 * The order intake (a transactional outbox): an order is recorded with its steps before the caller is answered, once
 * per order however often it is delivered; its steps are then completed one by one, and those left by a crash or a
 * failure are handed out again.
 */
export class OrderIntake {
	private readonly holdMs: number;
	private readonly steps: readonly string[];

	constructor(
		private readonly outbox: Outbox,
		options: OrderIntakeOptions = {},
	) {
		this.holdMs = options.holdMs ?? 300_000;
		this.steps = options.steps ?? ORDER_STEPS;
	}

	/** Validates and records the order; `isNew` is false for an order recorded before (a repeated delivery). */
	async accept(order: OrderEvent): Promise<{ isNew: boolean; order: AcceptedOrder }> {
		validateOrder(order);
		const key = orderKey(order);
		const { isNew, entry } = await this.outbox.add(TOPIC, key, order, [...this.steps], this.holdMs);
		return { isNew, order: accepted(entry) };
	}

	/** Accepted orders with steps left whose execution is over (it finished with a step failed, or it died). */
	async resume(limit = 100): Promise<AcceptedOrder[]> {
		return (await this.outbox.takeDue<OrderEvent>(TOPIC, this.holdMs, limit)).map(accepted);
	}

	/** Marks a step of an order done; `completed` is true only the first time. */
	async completeStep(key: string, step: string): Promise<{ orderKey: string; step: string; completed: boolean; remainingSteps: string[] }> {
		if (!this.steps.includes(step)) throw new OrderInputError('step', `must be one of ${this.steps.join(', ')}, got ${JSON.stringify(step)}`);
		const result = await this.outbox.complete(TOPIC, key, step);
		if (result.status === 'unknown') throw new OrderInputError('orderKey', `${JSON.stringify(key)} is not an accepted order`);
		return { orderKey: key, step, completed: result.status === 'completed', remainingSteps: result.remaining };
	}

	/** Keeps the reason a step failed with the order; the step is done again by the next resume. */
	async failStep(key: string, step: string, reason: string): Promise<void> {
		await this.outbox.fail(TOPIC, key, step, reason);
	}

	async get(key: string): Promise<AcceptedOrder | undefined> {
		const entry = await this.outbox.get<OrderEvent>(TOPIC, key);
		return entry && accepted(entry);
	}
}

export function orderKey(order: Pick<OrderEvent, 'orderId' | 'sourceStore'>): string {
	return order.sourceStore ? `${order.sourceStore}:${order.orderId}` : order.orderId;
}

function accepted(entry: OutboxEntry<OrderEvent>): AcceptedOrder {
	return { ...entry.payload, orderKey: entry.key, pendingSteps: entry.pendingSteps, attempts: entry.attempts, acceptedAt: entry.createdAt };
}

/** An order as recorded: text ids (the verify step has turned a vendor's integer ids into text), at least one line. */
export const recordedOrderSchema = {
	orderId: nonEmptyString(),
	sourceStore: optional(nonEmptyString()),
	lines: listOf(shape({ lineId: nonEmptyString(), sku: nonEmptyString(), quantity: wholeNumber(1) }, 'a line {lineId, sku, quantity}'), { nonEmpty: true }),
};

/** An order's keys are text, its lines each a SKU and a whole quantity above zero, its line ids distinct; nothing is coerced. */
export function validateOrder(order: OrderEvent): void {
	const { violations } = checkInput(recordedOrderSchema, order);
	if (violations) throw new OrderInputError(violations);
	const repeated = order.lines.findIndex((line, index) => order.lines.findIndex((other) => other.lineId === line.lineId) !== index);
	if (repeated >= 0) throw new OrderInputError(`lines[${repeated}].lineId`, `repeats ${JSON.stringify(order.lines[repeated].lineId)}`);
}
