import { checkInput, InputError, listOf, nonEmptyString, optional, shape, wholeNumber, type InputViolation } from '../records/inputSchema';
import type { Outbox, OutboxEntry } from '../store/outbox';
import type { InventoryLedger } from './ledger';
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
	/** The ledger the stock step writes: the step is done only once no store is still owed a change of the order. */
	ledger?: Pick<InventoryLedger, 'owedBy'>;
}

/** The step whose completion the inventory ledger decides. */
const STOCK_STEP = 'stock';

export interface StepCompletion {
	orderKey: string;
	step: string;
	/** True only the first time the step is marked done. */
	completed: boolean;
	remainingSteps: string[];
	/** Why the step was left open (a store still owed a change): the next resume does it again. */
	leftOpen?: string;
}

/**
 * The order intake (a transactional outbox): an order is recorded with its steps before the caller is answered, once
 * per order however often it is delivered; its steps are then completed one by one, and those left by a crash or a
 * failure are handed out again.
 */
export class OrderIntake {
	private readonly holdMs: number;
	private readonly steps: readonly string[];
	private readonly ledger?: OrderIntakeOptions['ledger'];

	constructor(
		private readonly outbox: Outbox,
		options: OrderIntakeOptions = {},
	) {
		this.holdMs = options.holdMs ?? 300_000;
		this.steps = options.steps ?? ORDER_STEPS;
		this.ledger = options.ledger;
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

	/**
	 * Marks a step of an order done; `completed` is true only the first time. The stock step stays open while a store is
	 * still owed one of the order's changes (it was down, or the write's outcome is unknown): the next resume applies
	 * the order again, which writes only what is still owed.
	 */
	async completeStep(key: string, step: string): Promise<StepCompletion> {
		if (!this.steps.includes(step)) throw new OrderInputError('step', `must be one of ${this.steps.join(', ')}, got ${JSON.stringify(step)}`);
		const owed = step === STOCK_STEP && this.ledger ? await this.ledger.owedBy(key) : [];
		if (owed.length > 0) return await this.leaveOpen(key, step, owed);
		const result = await this.outbox.complete(TOPIC, key, step);
		if (result.status === 'unknown') throw new OrderInputError('orderKey', `${JSON.stringify(key)} is not an accepted order`);
		return { orderKey: key, step, completed: result.status === 'completed', remainingSteps: result.remaining };
	}

	private async leaveOpen(key: string, step: string, owed: Awaited<ReturnType<InventoryLedger['owedBy']>>): Promise<StepCompletion> {
		const changes = owed.map((row) => `${row.change} to "${row.sku}" on ${row.storeId}${row.errorMessage ? ` (${row.errorMessage})` : ''}`);
		const leftOpen = `${owed.length === 1 ? 'a store is' : `${owed.length} stores are`} still owed: ${changes.join('; ')}`;
		await this.outbox.fail(TOPIC, key, step, leftOpen);
		const entry = await this.outbox.get(TOPIC, key);
		if (!entry) throw new OrderInputError('orderKey', `${JSON.stringify(key)} is not an accepted order`);
		return { orderKey: key, step, completed: false, remainingSteps: entry.pendingSteps, leftOpen };
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
