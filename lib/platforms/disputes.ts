/**
 * A dispute (a chargeback, or an inquiry that may become one) in the package's words, whichever processor reports it:
 * each processor's payment webhooks read their dispute events into this shape (`PaymentWebhookScheme.dispute`).
 */
import { InputError, type InputViolation } from '../records/inputSchema';
import { isCurrencyCode, toMinorExact } from '../records/money';
import { getPath } from '../records/paths';

/**
 * Where a dispute stands for the merchant: `needs_response` (evidence or an answer is due), `under_review` (answered,
 * or the processor or the buyer is deciding), `won` (the merchant keeps the money, an inquiry closed without a
 * chargeback included) or `lost` (the buyer was refunded, the dispute accepted or left to expire).
 */
export const DISPUTE_STATES = ['needs_response', 'under_review', 'won', 'lost'] as const;
export type DisputeState = (typeof DISPUTE_STATES)[number];

/** Why the buyer disputes, in one vocabulary (each processor's own reason is kept beside it). */
export type DisputeReason =
	| 'fraudulent'
	| 'unrecognized'
	| 'not_received'
	| 'not_as_described'
	| 'duplicate'
	| 'credit_not_processed'
	| 'canceled'
	| 'amount_differs'
	| 'paid_by_other_means'
	| 'general';

export interface ProcessorDispute {
	/** The processor's id of the dispute. */
	disputeId: string;
	/** The processor's id of the disputed payment, as the router records it (Stripe's PaymentIntent, PayPal's capture, Square's payment, Braintree's transaction). */
	transactionId: string;
	/** What is disputed, in minor units of `currency` (may be less than the payment). */
	amountMinor: number;
	/** ISO 4217, upper case. */
	currency: string;
	reason: DisputeReason;
	processorReason: string;
	state: DisputeState;
	processorStatus: string;
	/** An inquiry (retrieval, warning: no money moved yet) or a chargeback. */
	stage: 'inquiry' | 'chargeback';
	/** When the merchant's evidence or answer is due (ISO 8601, UTC), while the processor names a date. */
	evidenceDueBy?: string;
	/** When the processor says this state was reached (ISO 8601, UTC): later events of one dispute win, earlier ones change nothing. */
	occurredAt: string;
}

/**
 * Reads one processor's event (a dispute, or a subscription or invoice event) field by field, collecting every field
 * that is missing or malformed (named by its path in the payload) so that `checked()` refuses the event naming them all.
 */
export class ProcessorEventReader {
	private readonly violations: InputViolation[] = [];

	constructor(
		private readonly payload: unknown,
		private readonly processor: string,
	) {}

	/** An id or a code: a non-empty string or a whole number (as text). */
	text(path: string): string {
		const value = getPath(this.payload, path);
		if (typeof value === 'string' && value.trim() !== '') return value;
		if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
		return this.refuse(path, 'must be a non-empty string', value, '');
	}

	optionalText(path: string): string | undefined {
		const value = getPath(this.payload, path);
		return value === undefined || value === null || value === '' ? undefined : this.text(path);
	}

	/** An instant: ISO 8601 text, a date (`2026-12-24`, read as its first moment in UTC) or, for `unix`, seconds since 1970. */
	instant(path: string, form: 'text' | 'unix' = 'text'): string {
		const value = getPath(this.payload, path);
		const ms = form === 'unix' ? (typeof value === 'number' && Number.isSafeInteger(value) ? value * 1000 : NaN) : typeof value === 'string' ? Date.parse(value) : NaN;
		if (Number.isNaN(ms)) return this.refuse(path, form === 'unix' ? 'must be a time in seconds since 1970' : 'must be an ISO 8601 date or time', value, '');
		return new Date(ms).toISOString();
	}

	optionalInstant(path: string, form: 'text' | 'unix' = 'text'): string | undefined {
		const value = getPath(this.payload, path);
		return value === undefined || value === null || value === '' ? undefined : this.instant(path, form);
	}

	/** An ISO currency code, in any case (Stripe writes `usd`). */
	currency(path: string): string {
		const value = getPath(this.payload, path);
		const code = typeof value === 'string' ? value.toUpperCase() : undefined;
		return isCurrencyCode(code) ? code : this.refuse(path, 'must be an ISO 4217 currency code', value, '');
	}

	/** An amount already in minor units (Stripe, Square): a whole number of at least 0. */
	minorUnits(path: string): number {
		const value = getPath(this.payload, path);
		return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : this.refuse(path, 'must be a whole number of minor units', value, 0);
	}

	/** An amount in major units (`"10.99"`: PayPal, Braintree) as exact minor units of `currency`; never rounded. */
	majorUnits(path: string, currency: string): number {
		const value = getPath(this.payload, path);
		const minor = currency === '' ? undefined : toMinorExact(value, currency);
		return minor !== undefined && minor >= 0n && minor <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(minor) : this.refuse(path, `must be an amount of ${currency || 'the currency'} such as "10.99"`, value, 0);
	}

	/** The dispute, or an InputError naming every field that is not what the processor documents. */
	dispute(read: ProcessorDispute): ProcessorDispute {
		return this.checked(read, 'dispute');
	}

	/** What was read, or an InputError naming every field that is not what the processor documents ("Not a Stripe billing event"). */
	checked<T>(read: T, what: string): T {
		if (this.violations.length > 0) throw new InputError(this.violations, `Not a ${this.processor} ${what} event`);
		return read;
	}

	/** Records a field that is there but is not what this event needs, for `checked` to name. */
	reject(field: string, problem: string): void {
		this.violations.push({ field, problem });
	}

	private refuse<T>(field: string, problem: string, value: unknown, placeholder: T): T {
		this.violations.push({ field, problem: `${problem}, got ${value === undefined ? 'nothing' : JSON.stringify(value)}` });
		return placeholder;
	}
}

/** A processor's reason codes in the package's words; a code not listed is `general`. */
export function disputeReason(table: Record<string, DisputeReason>, code: string): DisputeReason {
	return table[code] ?? 'general';
}

/**
 * Where a processor's dispute event keeps what every processor's has, and what its codes mean. The paths are within the
 * dispute object `at`; its id, status and reason are `id`, `status` and `reason` unless named otherwise.
 */
export interface DisputeLayout {
	/** The processor's name in errors ("Not a PayPal dispute event"). */
	processor: string;
	/** The dotted path of the dispute object in the event: "resource", "data.object". */
	at: string;
	disputeId?: string;
	status?: string;
	reason?: string;
	currency: string;
	/** The disputed amount: minor units as a whole number (Stripe, Square) or major units as text (`"10.99"`: PayPal, Braintree). */
	amount: { path: string; units: 'minor' | 'major' };
	/** When evidence is due, as ISO 8601 text or (`unix`) seconds since 1970. */
	evidenceDueBy: { path: string; form?: 'text' | 'unix' };
	/** The processor's reasons (a code not listed is `general`) and statuses (one not listed is `under_review`). */
	reasons: Record<string, DisputeReason>;
	states: Record<string, DisputeState>;
}

/** What each processor's event says its own way; `state` and `processorStatus` where more than the status decides them. */
export type DisputeParticulars = Pick<ProcessorDispute, 'transactionId' | 'stage' | 'occurredAt'> & Partial<Pick<ProcessorDispute, 'state' | 'processorStatus'>>;

/**
 * A processor's dispute event as a dispute: the fields its layout places, then its particulars, read from the same
 * reader (given the event's status), so that a refusal names every field that is missing or malformed.
 */
export function readDispute(event: unknown, layout: DisputeLayout, particulars: (read: ProcessorEventReader, status: string) => DisputeParticulars): ProcessorDispute {
	const read = new ProcessorEventReader(event, layout.processor);
	const within = (path: string) => `${layout.at}.${path}`;
	const status = read.text(within(layout.status ?? 'status'));
	const reason = read.text(within(layout.reason ?? 'reason'));
	const currency = read.currency(within(layout.currency));
	const amount = within(layout.amount.path);
	const common = {
		disputeId: read.text(within(layout.disputeId ?? 'id')),
		amountMinor: layout.amount.units === 'minor' ? read.minorUnits(amount) : read.majorUnits(amount, currency),
		currency,
		reason: disputeReason(layout.reasons, reason),
		processorReason: reason,
		state: layout.states[status] ?? 'under_review',
		processorStatus: status,
		evidenceDueBy: read.optionalInstant(within(layout.evidenceDueBy.path), layout.evidenceDueBy.form),
	};
	return read.dispute({ ...common, ...particulars(read, status) });
}
