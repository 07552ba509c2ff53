import type { PaymentConnector } from '../platforms/payments';
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
