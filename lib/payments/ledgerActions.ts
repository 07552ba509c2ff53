import type { PaymentConnector } from '../platforms/payments';
import { IdempotencyConflictError, type IdempotencyLedger, type RunOnceOptions } from '../store/idempotency';
import type { SqlDatabase } from '../store/types';
import type { PaymentRepository } from './repository';

/** What an action on a charged payment run once through the idempotency ledger needs (refunds, captures, voids). */
export interface LedgerActionOptions {
	db: SqlDatabase;
	payments: PaymentRepository;
	connectors: Record<string, PaymentConnector>;
	leaseMs: number;
	waitMs: number;
	pollMs: number;
	sleep: (ms: number) => Promise<void>;
	now: () => number;
}

/** Ends the ledger's claim without a stored result, so that a repeat may settle (or retry) it; carries the answer to give now. */
export class NotSettled<O extends { status: string; message?: string }> extends Error {
	constructor(readonly outcome: O) {
		super(outcome.status === 'failed' && outcome.message ? outcome.message : 'not settled');
	}
}

/**
 * The outcome of a request done once per request id (an invoice, a subscription change): `succeeded` with what the
 * processor made (`replayed` when it is the first answer given again), or `failed` with a reason in words.
 */
export type RequestOutcome<Made, Reason extends string, Known = object> =
	| ({ status: 'succeeded'; requestId: string; processor: string; processorStatus: string; replayed: boolean } & Made)
	| ({ status: 'failed'; requestId: string; reason: Reason; message: string; code?: string; processor?: string } & Known);

/** How long the ledger's claim lives and how a duplicate waits for the first one's answer. */
export function ledgerWait(options: LedgerActionOptions): RunOnceOptions {
	return { leaseMs: options.leaseMs, waitMs: options.waitMs, pollMs: options.pollMs, sleep: options.sleep };
}

/**
 * Runs `work` once per request id through the ledger. A repeat gets the first answer, marked replayed, unless `reused`
 * says the id was used for another request; a NotSettled ends the claim with its outcome (a repeat may settle it); a
 * request another execution is still doing answers `in_progress`.
 */
export async function runRequestOnce<Done extends { replayed: boolean }, Failed extends { status: string; message?: string }>(
	ledger: IdempotencyLedger,
	scope: string,
	requestId: string,
	options: LedgerActionOptions,
	work: () => Promise<Done>,
	answers: { reused: (first: Done) => Failed | undefined; fail: (reason: 'in_progress', message: string) => Failed },
): Promise<Done | Failed> {
	try {
		const { result, replayed } = await ledger.runOnce(scope, requestId, work, ledgerWait(options));
		return (replayed && answers.reused(result)) || { ...result, replayed };
	} catch (error) {
		if (error instanceof NotSettled) return (error as NotSettled<Failed>).outcome;
		if (error instanceof IdempotencyConflictError) return answers.fail('in_progress', `Another execution is still doing request ${requestId}`);
		throw error;
	}
}
