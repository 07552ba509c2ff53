import { refundKeyFor, type RefundResult } from '../platforms/payments';
import { assertInput, InputError } from '../records/inputSchema';
import { toMajorString } from '../records/money';
import { minorUnitsOf } from './minorUnits';
import { IdempotencyConflictError, IdempotencyLedger } from '../store/idempotency';
import { ledgerWait, NotSettled, type LedgerActionOptions } from './ledgerActions';
import { refundRequestSchema, refundIdSchema } from './inputs';
import type { TransactionRecord } from './repository';
import { RefundRepository, type RefundRow } from './refundRepository';

/** One refund to make: `amount` in major units, all that remains of the payment when left out. */
export interface RefundRequest {
	paymentId: string;
	/** Your id for this refund: refunded at most once, however often it is submitted. */
	refundId: string;
	amount?: number;
}

export type RefundFailureReason = 'unknown_payment' | 'unknown_refund' | 'not_captured' | 'not_supported' | 'processor_refused' | 'processor_failed' | 'outcome_unknown' | 'refund_id_reused' | 'in_progress';

export type RefundOutcome =
	| {
			/** `pending` until the processor has the money back on its way; then `succeeded` (or `failed`, by lookup). */
			status: 'succeeded' | 'pending';
			refundId: string;
			paymentId: string;
			processor: string;
			processorRefundId: string;
			processorStatus: string;
			amount: string;
			currency: string;
			/** What remains refundable of the payment after this refund and every other one not failed. */
			remaining: string;
			/** True when this is the stored refund of an earlier or concurrent submission of the same refund id. */
			replayed: boolean;
	  }
	| {
			status: 'failed';
			refundId: string;
			paymentId: string;
			reason: RefundFailureReason;
			message: string;
			code?: string;
			processor?: string;
	  };

const LEDGER_SCOPE = 'payments.refund';

/**
 * Refunds of captured payments on the processor that charged them. Each refund id runs once through the store's
 * idempotency ledger (concurrent duplicates wait for the first one's answer); its amount is reserved against what
 * remains of the payment before any call, so several partial refunds never add up to more than was captured. A lost
 * answer leaves the reservation in place and the ledger open: the next submission repeats the request under the same
 * key, which the processor answers with the first refund.
 */
export class PaymentRefunds {
	readonly refunds: RefundRepository;
	private readonly ledger: IdempotencyLedger;

	constructor(private readonly options: LedgerActionOptions) {
		this.refunds = new RefundRepository(options.db, options.leaseMs, options.now);
		this.ledger = new IdempotencyLedger(options.db);
	}

	async refund(request: RefundRequest): Promise<RefundOutcome> {
		const { paymentId, refundId, amount } = assertInput(refundRequestSchema, request, 'Refund');
		const fail = (reason: RefundFailureReason, message: string, extra: { code?: string; processor?: string } = {}): RefundOutcome => ({ status: 'failed', refundId, paymentId, reason, message, ...extra });
		const payment = await this.options.payments.transaction(paymentId);
		if (!payment) return fail('unknown_payment', `No payment with id ${paymentId} has been submitted`);
		if (payment.state !== 'succeeded') return fail('not_captured', `Payment ${paymentId} is ${payment.state}: only a captured (succeeded) payment can be refunded`);
		const amountMinor = amount === undefined ? undefined : minorUnitsOf(amount, payment.currency, 'Refund');
		const earlier = await this.refunds.get(refundId);
		if (earlier && isMismatch(earlier, paymentId, amountMinor)) return reused(fail, earlier);
		try {
			const { result, replayed } = await this.ledger.runOnce(LEDGER_SCOPE, refundId, async () => await this.perform(payment, refundId, amountMinor), ledgerWait(this.options));
			return replayed ? await this.status(refundId, true) : result;
		} catch (error) {
			if (error instanceof NotSettled) return (error as NotSettled<RefundOutcome>).outcome;
			if (error instanceof IdempotencyConflictError) return fail('in_progress', `Another execution is still refunding ${refundId}`);
			throw error;
		}
	}

	/** The refund's state, followed at the processor while it is pending (pending → succeeded or failed). */
	async status(refundId: string, replayed = false): Promise<RefundOutcome> {
		const checked = assertInput(refundIdSchema, { refundId }, 'Refund').refundId;
		let row = await this.refunds.get(checked);
		if (!row) return { status: 'failed', refundId: checked, paymentId: '', reason: 'unknown_refund', message: `No refund with id ${checked} has been requested` };
		const actions = this.options.connectors[row.processor]?.refunds;
		if (row.state === 'pending' && row.processorRefundId && actions) {
			const looked = await actions.lookup(row.processorRefundId);
			if (looked.outcome === 'accepted') row = await this.refunds.record(row.refundId, { state: looked.state, processorStatus: looked.processorStatus });
		}
		return await this.outcomeOf(row, replayed);
	}

	private async perform(payment: TransactionRecord, refundId: string, amountMinor: number | undefined): Promise<RefundOutcome> {
		const processor = payment.processor!;
		const actions = this.options.connectors[processor]?.refunds;
		const base = { refundId, paymentId: payment.paymentId, processor };
		if (!actions) throw new NotSettled({ status: 'failed', ...base, reason: 'not_supported', message: `No connection to ${processor}, which charged payment ${payment.paymentId}, that can refund is configured` });
		const reserved = await this.reserve(payment, refundId, amountMinor);
		const row = reserved.row;
		const result = await actions.refund({
			transactionId: payment.captureTransactionId ?? payment.processorTransactionId!,
			refundId,
			idempotencyKey: refundKeyFor(`${refundId}\u0000${row.attempt}`),
			amountMinor: row.amountMinor,
			currency: row.currency,
			resuming: reserved.resuming,
		});
		return await this.settle(row, result);
	}

	private async reserve(payment: TransactionRecord, refundId: string, amountMinor: number | undefined): Promise<{ row: RefundRow; resuming: boolean }> {
		for (;;) {
			const reserved = await this.refunds.reserve({ refundId, paymentId: payment.paymentId, processor: payment.processor!, currency: payment.currency, capturedMinor: capturedOf(payment), amountMinor });
			if (reserved.status === 'reserved') return reserved;
			if (reserved.status === 'mismatch') throw new NotSettled(reused((reason, message) => ({ status: 'failed', refundId, paymentId: payment.paymentId, reason, message }), reserved.row));
			if (reserved.status === 'over') throw overRemaining(payment, amountMinor, reserved.remainingMinor, reserved.refundedMinor);
			await this.options.sleep(this.options.pollMs);
		}
	}

	/** Records the processor's answer; a refusal or a lost answer ends the run without a stored result. */
	private async settle(row: RefundRow, result: RefundResult): Promise<RefundOutcome> {
		const base = { refundId: row.refundId, paymentId: row.paymentId, processor: row.processor };
		if (result.outcome === 'unknown') {
			await this.refunds.record(row.refundId, { state: 'requested', code: result.code, message: result.message });
			throw new NotSettled({ status: 'failed', ...base, reason: 'outcome_unknown', code: result.code, message: `${row.processor} did not answer the refund; repeat it with the same refund id to settle it: ${result.message}` });
		}
		if (result.outcome === 'refused') {
			await this.refunds.record(row.refundId, { state: 'failed', code: result.code, message: result.message });
			throw new NotSettled({ status: 'failed', ...base, reason: 'processor_refused', code: result.code, message: `${row.processor} refused to refund payment ${row.paymentId}: ${result.message}` });
		}
		const recorded = await this.refunds.record(row.refundId, { state: result.state, processorRefundId: result.refundId, processorStatus: result.processorStatus });
		return await this.outcomeOf(recorded, false);
	}

	private async outcomeOf(row: RefundRow, replayed: boolean): Promise<RefundOutcome> {
		const base = { refundId: row.refundId, paymentId: row.paymentId, processor: row.processor };
		if (row.state === 'failed') return { status: 'failed', ...base, reason: row.processorRefundId ? 'processor_failed' : 'processor_refused', code: row.code ?? row.processorStatus, message: row.message ?? `${row.processor} reports the refund ${row.processorStatus ?? 'failed'}` };
		if (row.state === 'requested') return { status: 'failed', ...base, reason: 'outcome_unknown', code: row.code, message: `The refund's outcome is not known yet; repeat it with the same refund id to settle it` };
		const payment = (await this.options.payments.transaction(row.paymentId))!;
		const others = await this.refunds.forPayment(row.paymentId);
		const reservedMinor = others.filter((other) => other.state !== 'failed').reduce((sum, other) => sum + other.amountMinor, 0);
		return {
			status: row.state,
			...base,
			processorRefundId: row.processorRefundId!,
			processorStatus: row.processorStatus ?? row.state,
			amount: toMajorString(row.amountMinor, row.currency),
			currency: row.currency,
			remaining: toMajorString(capturedOf(payment) - reservedMinor, row.currency),
			replayed,
		};
	}
}

function isMismatch(row: RefundRow, paymentId: string, amountMinor: number | undefined): boolean {
	return row.paymentId !== paymentId || (row.state !== 'failed' && amountMinor !== undefined && amountMinor !== row.amountMinor);
}

function reused(fail: (reason: RefundFailureReason, message: string) => RefundOutcome, row: RefundRow): RefundOutcome {
	return fail('refund_id_reused', `Refund id ${row.refundId} was used before for ${toMajorString(row.amountMinor, row.currency)} ${row.currency} of payment ${row.paymentId}: use a new refund id for another refund`);
}

function overRemaining(payment: TransactionRecord, amountMinor: number | undefined, remainingMinor: number, refundedMinor: number): InputError {
	const money = (minor: number) => `${toMajorString(minor, payment.currency)} ${payment.currency}`;
	const asked = amountMinor === undefined ? 'all that remains' : money(amountMinor);
	const problem =
		remainingMinor <= 0
			? `cannot be refunded: payment ${payment.paymentId} (${money(capturedOf(payment))}) is already fully refunded`
			: `must be at most the ${money(remainingMinor)} that remains of payment ${payment.paymentId} (${money(capturedOf(payment))} captured, ${money(refundedMinor)} refunded or being refunded), got ${asked}`;
	return new InputError([{ field: 'amount', problem }], 'Refund');
}

/** What a payment captured: all of it, or less after a partial capture of its authorization. */
function capturedOf(payment: TransactionRecord): number {
	return payment.capturedMinor ?? payment.amountMinor;
}
