import { idempotencyKeyFor, type AuthorizationResult } from '../platforms/payments';
import { assertInput, InputError } from '../records/inputSchema';
import { toMajorString } from '../records/money';
import { IdempotencyConflictError, IdempotencyLedger } from '../store/idempotency';
import { ledgerWait, NotSettled, type LedgerActionOptions } from './ledgerActions';
import { captureRequestSchema, paymentIdSchema } from './inputs';
import { minorUnitsOf } from './minorUnits';
import type { AuthorizationAction, ExpiringAuthorization, TransactionRecord } from './repository';

export type AuthorizationFailureReason = 'unknown_payment' | 'not_authorized' | 'not_supported' | 'processor_refused' | 'outcome_unknown' | 'in_progress';

/** The answer to a capture or void of an authorized payment. */
export type AuthorizationOutcome =
	| {
			status: 'captured' | 'canceled';
			paymentId: string;
			processor: string;
			/** The processor's id of the authorization. */
			transactionId: string;
			/** The processor's id of the capture, when it is not the authorization's (PayPal). */
			captureTransactionId?: string;
			/** Captured (or, for a void, released). */
			amount: string;
			/** What was authorized; after a partial capture the rest is released. */
			authorizedAmount: string;
			currency: string;
			processorStatus: string;
			/** True when this is the stored result of an earlier or concurrent capture or void of the same payment. */
			replayed: boolean;
	  }
	| {
			status: 'failed';
			paymentId: string;
			reason: AuthorizationFailureReason;
			message: string;
			/** The stored transaction's state, when there is one. */
			state?: string;
			code?: string;
	  };

type Done = Extract<AuthorizationOutcome, { replayed: boolean }>;

/** One capture or void per payment: the ledger's key, so a capture and a void of one payment never run at once. */
const LEDGER_SCOPE = 'payments.authorization';

/**
 * Capture (all or part) and void of authorized payments, on the processor that authorized them. Each payment is
 * captured or voided once: the request runs through the store's idempotency ledger keyed by the payment (concurrent
 * duplicates wait for the first one's answer), is marked on the payment before it is sent, and goes to the processor
 * under a key derived from the payment and the action. A lost answer leaves the mark: only the same action and amount
 * may follow, and it settles the first under the same key (a look-up first where the processor has no key).
 */
export class PaymentAuthorizations {
	private readonly ledger: IdempotencyLedger;

	constructor(private readonly options: LedgerActionOptions) {
		this.ledger = new IdempotencyLedger(options.db);
	}

	/** Captures all that was authorized, or `amount` (major units) of it, once; the rest of the hold is released. */
	async capture(request: { paymentId: string; amount?: number }): Promise<AuthorizationOutcome> {
		const { paymentId, amount } = assertInput(captureRequestSchema, request, 'Capture');
		return await this.settle(paymentId, 'capture', amount);
	}

	/** Voids the authorization (releases the hold) once. */
	async cancel(paymentId: string): Promise<AuthorizationOutcome> {
		return await this.settle(assertInput(paymentIdSchema, { paymentId }, 'Void').paymentId, 'cancel', undefined);
	}

	/** Authorized payments whose hold ends before `before`, soonest first: capture or void them in time. */
	async expiring(before: Date, limit = 1000): Promise<ExpiringAuthorization[]> {
		if (!(before instanceof Date) || Number.isNaN(before.getTime())) {
			throw new InputError([{ field: 'before', problem: `must be a date and time, got ${String(before)}` }], 'Expiring authorizations');
		}
		return await this.options.payments.expiringAuthorizations(before.toISOString(), limit);
	}

	private async settle(paymentId: string, action: AuthorizationAction, amount: number | undefined): Promise<AuthorizationOutcome> {
		const record = await this.options.payments.transaction(paymentId);
		if (!record) return { status: 'failed', paymentId, reason: 'unknown_payment', message: `No payment with id ${paymentId} has been submitted` };
		const amountMinor = amount === undefined ? undefined : minorUnitsOf(amount, record.currency, 'Capture');
		const earlier = await this.earlier(record, action, amountMinor);
		if (earlier) return earlier;
		if (amountMinor !== undefined && amountMinor > record.amountMinor) {
			throw new InputError([{ field: 'amount', problem: `must be at most the ${money(record.amountMinor, record.currency)} authorized for payment ${paymentId}, got ${money(amountMinor, record.currency)}` }], 'Capture');
		}
		try {
			const { result, replayed } = await this.ledger.runOnce(LEDGER_SCOPE, paymentId, async () => await this.perform(record, action, amountMinor), ledgerWait(this.options));
			if (!replayed) return result;
			// Another execution settled this payment meanwhile: answer as it did, if it did the same.
			return (await this.earlier((await this.options.payments.transaction(paymentId))!, action, amountMinor)) ?? { ...(result as Done), replayed: true };
		} catch (error) {
			if (error instanceof NotSettled) return (error as NotSettled<AuthorizationOutcome>).outcome;
			if (error instanceof IdempotencyConflictError) return refusal(record, 'in_progress', `Another execution is still capturing or voiding payment ${paymentId}`);
			throw error;
		}
	}

	/** The answer when the payment was captured or voided already, or cannot be: undefined when this one may go ahead. */
	private async earlier(record: TransactionRecord, action: AuthorizationAction, amountMinor: number | undefined): Promise<AuthorizationOutcome | undefined> {
		const done = action === 'capture' ? 'captured' : 'canceled';
		const stored = await this.options.payments.settlement(record.paymentId);
		if (stored) {
			const result = stored.result as Done;
			// The stored answer says what was captured (the record may have been read before it was).
			const sameCapture = stored.action === 'capture' && result.amount === toMajorString(amountMinor ?? record.amountMinor, record.currency);
			if (stored.action === action && (action === 'cancel' || sameCapture)) return { ...result, replayed: true };
			const what = stored.action === 'capture' ? `captured (${result.amount} ${record.currency})` : 'voided';
			return refusal(record, 'not_authorized', `Payment ${record.paymentId} was ${what}: it cannot be ${done}${action === 'capture' && stored.action === 'capture' ? ` again for ${amountMinor === undefined ? 'all that was authorized' : money(amountMinor, record.currency)}` : ''}`);
		}
		if (record.state !== 'authorized') {
			return refusal(record, 'not_authorized', `Payment ${record.paymentId} is ${record.state}, not authorized: only a payment authorized with Capture off can be ${done}`);
		}
		const settling = record.settling;
		if (settling && (settling.action !== action || settling.amountMinor !== amountMinor)) {
			const pending = settling.action === 'capture' ? `capture of ${settling.amountMinor === undefined ? 'all of it' : money(settling.amountMinor, record.currency)}` : 'void';
			return refusal(record, 'outcome_unknown', `An earlier ${pending} of payment ${record.paymentId} got no answer: repeat that one to settle it before anything else`);
		}
		return undefined;
	}

	private async perform(record: TransactionRecord, action: AuthorizationAction, amountMinor: number | undefined): Promise<AuthorizationOutcome> {
		const processor = record.processor!;
		const actions = this.options.connectors[processor]?.authorization;
		if (!actions) throw new NotSettled(refusal(record, 'not_supported', `No connection to ${processor} that can ${action} authorizations is configured`));
		const resuming = record.settling !== undefined;
		if (!(await this.options.payments.startSettling(record.paymentId, action, amountMinor, this.options.now()))) {
			const now = (await this.options.payments.transaction(record.paymentId))!;
			throw new NotSettled((await this.earlier(now, action, amountMinor)) ?? refusal(now, 'not_authorized', `Payment ${record.paymentId} is no longer authorized`));
		}
		const result = await actions[action]({
			transactionId: record.processorTransactionId!,
			idempotencyKey: idempotencyKeyFor(record.paymentId, action),
			amountMinor: action === 'capture' ? amountMinor : undefined,
			currency: record.currency,
			resuming,
		});
		return await this.record(record, action, amountMinor, result);
	}

	/** Records the processor's answer; a refusal frees the payment for another try, a lost answer keeps it marked. */
	private async record(record: TransactionRecord, action: AuthorizationAction, amountMinor: number | undefined, result: AuthorizationResult): Promise<AuthorizationOutcome> {
		const processor = record.processor!;
		if (result.outcome === 'unknown') {
			throw new NotSettled(refusal(record, 'outcome_unknown', `${processor} did not answer the ${action}; repeat it to settle it (nothing else is sent until then): ${result.message}`, result.code));
		}
		if (result.outcome === 'failed') {
			await this.options.payments.stopSettling(record.paymentId, this.options.now());
			throw new NotSettled(refusal(record, 'processor_refused', `${processor} refused to ${action} payment ${record.paymentId}: ${result.message}`, result.code));
		}
		const capturedMinor = action === 'capture' ? (amountMinor ?? record.amountMinor) : undefined;
		const outcome: Done = {
			status: action === 'capture' ? 'captured' : 'canceled',
			paymentId: record.paymentId,
			processor,
			transactionId: record.processorTransactionId!,
			...(result.transactionId && result.transactionId !== record.processorTransactionId ? { captureTransactionId: result.transactionId } : {}),
			amount: toMajorString(capturedMinor ?? record.amountMinor, record.currency),
			authorizedAmount: toMajorString(record.amountMinor, record.currency),
			currency: record.currency,
			processorStatus: result.processorStatus,
			replayed: false,
		};
		const settlement = { action, capturedMinor, captureTransactionId: outcome.captureTransactionId, result: outcome };
		if (await this.options.payments.settle(record.paymentId, settlement, this.options.now())) return outcome;
		throw new NotSettled((await this.earlier((await this.options.payments.transaction(record.paymentId))!, action, amountMinor))!);
	}
}

function refusal(record: TransactionRecord, reason: AuthorizationFailureReason, message: string, code?: string): AuthorizationOutcome {
	return { status: 'failed', paymentId: record.paymentId, reason, message, state: record.state, code };
}

function money(minor: number, currency: string): string {
	return `${toMajorString(minor, currency)} ${currency}`;
}
