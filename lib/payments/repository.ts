import { randomUUID } from 'node:crypto';

import type { ChargeResult } from '../platforms/payments';
import { CircuitBreakers, type Admission, type CircuitPolicy, type CircuitStatus } from '../store/circuitBreakers';
import { DEFAULT_LEASE_MS, leaseName, Leases, type Lease } from '../store/leases';
import type { SqlDatabase, SqlExecutor } from '../store/types';
import type { HealthSettings } from './config';
import type { ProcessorHealth } from './routeDecision';

/** `authorized`: held, not captured (capture off); it ends `succeeded` when captured or `canceled`. */
export type TransactionState = 'processing' | 'succeeded' | 'authorized' | 'canceled' | 'failed' | 'unknown' | 'action_required';
export type AuthorizationAction = 'capture' | 'cancel';
export type AttemptOutcome = 'pending' | ChargeResult['outcome'];

export interface PaymentClaimRequest {
	paymentId: string;
	fingerprint: string;
	amountMinor: number;
	currency: string;
	leaseMs: number;
	nowMs: number;
}

export type PaymentClaim =
	| { status: 'claimed'; owner: string }
	| { status: 'done'; result: unknown }
	| { status: 'in_progress' }
	/** The payment id was first used for another amount, currency or customer. */
	| { status: 'mismatch' };

export interface AttemptRecord {
	seq: number;
	processor: string;
	idempotencyKey: string;
	outcome: AttemptOutcome;
	code?: string;
	message?: string;
	durationMs?: number;
}

export interface TransactionFinish {
	state: Exclude<TransactionState, 'processing'>;
	processor?: string;
	processorTransactionId?: string;
	fallbackUsed?: boolean;
	feeMinor?: number;
	reason?: string;
	/** An authorization's hold: when it ends (ISO 8601). */
	authorizationExpiresAt?: string;
	honorPeriodEndsAt?: string;
	result: unknown;
}

/** A capture (all or `amountMinor` of the authorization) or a void, as recorded once it is done. */
export interface Settlement {
	action: AuthorizationAction;
	/** What was captured; absent for a void. */
	capturedMinor?: number;
	/** The processor's id of the capture, when it is not the authorization's (PayPal). */
	captureTransactionId?: string;
	result: unknown;
}

/** A payment as the store holds it: the seed's Transaction, plus every attempt. */
export interface TransactionRecord {
	paymentId: string;
	state: TransactionState;
	amountMinor: number;
	currency: string;
	processor?: string;
	processorTransactionId?: string;
	fallbackUsed: boolean;
	feeMinor?: number;
	reason?: string;
	/** An authorized payment's hold ends then (ISO 8601); capture or void it before. */
	authorizationExpiresAt?: string;
	honorPeriodEndsAt?: string;
	/** What was captured: the amount, or less after a partial capture. Undefined until captured. */
	capturedMinor?: number;
	/** The processor's id of the capture when it differs from `processorTransactionId` (PayPal): refunds go against it. */
	captureTransactionId?: string;
	/** A capture or void sent whose answer is not known yet. */
	settling?: { action: AuthorizationAction; amountMinor?: number };
	createdAt: string;
	updatedAt: string;
	attempts: AttemptRecord[];
}

/** An authorized payment whose hold ends before a given time. */
export interface ExpiringAuthorization {
	paymentId: string;
	processor: string;
	processorTransactionId: string;
	amountMinor: number;
	currency: string;
	authorizationExpiresAt: string;
	honorPeriodEndsAt?: string;
	createdAt: string;
}

export class ClaimLostError extends Error {
	constructor(paymentId: string) {
		super(`Payment ${paymentId} was taken over by another execution (its lease ran out)`);
	}
}

/** Settled for a repeat of the route: `action_required` answers with what the customer must do until the processor says they did. */
const FINISHED = new Set<TransactionState>(['succeeded', 'authorized', 'canceled', 'failed', 'action_required']);

interface TransactionRow {
	fingerprint: string;
	state: TransactionState;
	owner: string;
	result: string | null;
	[column: string]: unknown;
}

/** The lease that makes one execution the owner of a payment id while it works. */
const paymentLease = (paymentId: string) => leaseName('payment', paymentId);

/**
 * Payment transactions and their attempts. The payment id is the primary key; the execution holding the payment's
 * lease owns it until it finishes, or until its lease runs out (its holder died); everyone else waits for its result.
 */
export class PaymentRepository {
	constructor(private readonly db: SqlDatabase) {}

	/**
	 * Claims the payment for `holder` (whose heartbeat then keeps it while the holder works), or, without one, for a
	 * new owner that no one renews: its claim lapses after `leaseMs` unless finished.
	 */
	async claim(request: PaymentClaimRequest, holder?: Lease): Promise<PaymentClaim> {
		const lease = holder ?? this.leases(request.leaseMs, request.nowMs).holder();
		try {
			for (;;) {
				const claim = await this.db.transaction(async (tx) => await this.tryClaim(tx, request, lease));
				if (claim) return claim;
			}
		} finally {
			if (!holder) lease.abandon();
		}
	}

	/** One attempt; undefined when the payment finished between our statements (then the caller reads it again). */
	private async tryClaim(tx: SqlExecutor, request: PaymentClaimRequest, lease: Lease): Promise<PaymentClaim | undefined> {
		const stamp = new Date(request.nowMs).toISOString();
		const [row] = await tx.query<TransactionRow>('SELECT fingerprint, state, owner, result FROM payment_transactions WHERE payment_id = ?', [request.paymentId]);
		if (row && row.fingerprint !== request.fingerprint) return { status: 'mismatch' };
		if (row && FINISHED.has(row.state)) return { status: 'done', result: row.result === null ? null : JSON.parse(row.result) };
		if ((await lease.claimIn(tx, [paymentLease(request.paymentId)])).size === 0) return { status: 'in_progress' };
		// Held: a new payment is inserted; one whose owner died or left it unknown is taken over (its attempts are settled first).
		const owned = row
			? await tx.run(`UPDATE payment_transactions SET owner = ?, state = 'processing', updated_at = ? WHERE payment_id = ? AND state IN ('processing', 'unknown')`, [
					lease.owner,
					stamp,
					request.paymentId,
				])
			: await tx.run(
					`INSERT INTO payment_transactions (payment_id, fingerprint, amount_minor, currency, state, owner, created_at, updated_at)
					 VALUES (?, ?, ?, ?, 'processing', ?, ?, ?) ON CONFLICT DO NOTHING`,
					[request.paymentId, request.fingerprint, request.amountMinor, request.currency, lease.owner, stamp, stamp],
				);
		if (owned.changes === 1) return { status: 'claimed', owner: lease.owner };
		await lease.releaseIn(tx, [paymentLease(request.paymentId)]);
		return undefined;
	}

	/**
	 * Records an attempt before its charge is sent, in the transaction that proves the owner still holds the payment's
	 * lease: a holder that lost it (its lease ran out and another execution took over) fails here, so no two owners charge.
	 */
	async startAttempt(paymentId: string, owner: string, processor: string, idempotencyKey: string, leaseMs: number, nowMs: number): Promise<number> {
		const stamp = new Date(nowMs).toISOString();
		return this.db.transaction(async (tx) => {
			const leaseHeld = (await this.leases(leaseMs, nowMs).renewIn(tx, owner, [paymentLease(paymentId)])).size === 1;
			const held =
				leaseHeld && (await tx.run(`UPDATE payment_transactions SET updated_at = ? WHERE payment_id = ? AND owner = ? AND state = 'processing'`, [stamp, paymentId, owner])).changes === 1;
			if (!held) throw new ClaimLostError(paymentId);
			const [last] = await tx.query<{ seq: number | string | null }>('SELECT MAX(seq) AS seq FROM payment_attempts WHERE payment_id = ?', [paymentId]);
			const seq = Number(last?.seq ?? 0) + 1;
			await tx.run(
				`INSERT INTO payment_attempts (payment_id, seq, processor, idempotency_key, outcome, started_at) VALUES (?, ?, ?, ?, 'pending', ?)`,
				[paymentId, seq, processor, idempotencyKey, stamp],
			);
			return seq;
		});
	}

	async finishAttempt(paymentId: string, seq: number, result: ChargeResult, durationMs: number, nowMs: number): Promise<void> {
		const code = result.outcome === 'succeeded' || result.outcome === 'action_required' ? result.transactionId : result.code;
		const message = result.outcome === 'succeeded' || result.outcome === 'action_required' ? result.processorStatus : result.message;
		await this.db.run(
			`UPDATE payment_attempts SET outcome = ?, code = ?, message = ?, duration_ms = ?, finished_at = ? WHERE payment_id = ? AND seq = ?`,
			[result.outcome, code, message.slice(0, 500), Math.round(durationMs), new Date(nowMs).toISOString(), paymentId, seq],
		);
	}

	async attempts(paymentId: string): Promise<AttemptRecord[]> {
		const rows = await this.db.query<{ seq: number | string; processor: string; idempotency_key: string; outcome: AttemptOutcome; code: string | null; message: string | null; duration_ms: number | string | null }>(
			'SELECT seq, processor, idempotency_key, outcome, code, message, duration_ms FROM payment_attempts WHERE payment_id = ? ORDER BY seq',
			[paymentId],
		);
		return rows.map((row) => ({
			seq: Number(row.seq),
			processor: row.processor,
			idempotencyKey: row.idempotency_key,
			outcome: row.outcome,
			code: row.code ?? undefined,
			message: row.message ?? undefined,
			durationMs: row.duration_ms === null ? undefined : Number(row.duration_ms),
		}));
	}

	/**
	 * Ends the owner's claim and frees the payment's lease at once. An `unknown` outcome leaves the row open for the next
	 * submission to take over and settle.
	 */
	async finish(paymentId: string, owner: string, finish: TransactionFinish, nowMs: number): Promise<void> {
		await this.db.transaction(async (tx) => {
			const released = await this.leases(DEFAULT_LEASE_MS, nowMs).releaseIn(tx, owner, [paymentLease(paymentId)]);
			if (released.size !== 1) throw new ClaimLostError(paymentId);
			const changed = await tx.run(
				`UPDATE payment_transactions SET state = ?, processor = ?, processor_transaction_id = ?, fallback_used = ?, fee_minor = ?,
					reason = ?, authorization_expires_at = ?, honor_period_ends_at = ?, result = ?, updated_at = ?
				 WHERE payment_id = ? AND owner = ?`,
				[
					finish.state,
					finish.processor ?? null,
					finish.processorTransactionId ?? null,
					finish.fallbackUsed ? 1 : 0,
					finish.feeMinor ?? null,
					finish.reason ?? null,
					finish.authorizationExpiresAt ?? null,
					finish.honorPeriodEndsAt ?? null,
					JSON.stringify(finish.result),
					new Date(nowMs).toISOString(),
					paymentId,
					owner,
				],
			);
			if (changed.changes !== 1) throw new ClaimLostError(paymentId);
		});
	}

	/** The payment a processor's transaction belongs to (a webhook names the processor's id, not ours). */
	async paymentIdOf(processor: string, processorTransactionId: string): Promise<string | undefined> {
		const [row] = await this.db.query<{ payment_id: string }>('SELECT payment_id FROM payment_transactions WHERE processor = ? AND processor_transaction_id = ?', [processor, processorTransactionId]);
		if (row) return row.payment_id;
		// A payment that waited for its customer is also known by the id it waited under (PayPal's order, once captured).
		const [waited] = await this.db.query<{ payment_id: string }>('SELECT payment_id FROM payment_transactions WHERE processor = ? AND action_transaction_id = ?', [processor, processorTransactionId]);
		return waited?.payment_id;
	}

	/** The stored result a repeat of the route answers with. */
	async storedResult(paymentId: string): Promise<unknown> {
		const [row] = await this.db.query<{ result: string | null }>('SELECT result FROM payment_transactions WHERE payment_id = ?', [paymentId]);
		return row?.result ? JSON.parse(row.result) : undefined;
	}

	/**
	 * Ends a payment that waited for its customer, once: only the first completion moves it out of `action_required`
	 * (false for the others, which answer with it). Its waiting attempt takes the outcome too. `processorTransactionId`:
	 * what the processor charged or holds, when it is not what the payment waited under (PayPal's capture or
	 * authorization of an approved order); the waiting id stays known (`paymentIdOf`).
	 */
	async completeAction(paymentId: string, finish: Omit<TransactionFinish, 'processor' | 'fallbackUsed' | 'feeMinor'>, attemptOutcome: AttemptOutcome, nowMs: number): Promise<boolean> {
		const stamp = new Date(nowMs).toISOString();
		return await this.db.transaction(async (tx) => {
			const changed = await tx.run(
				`UPDATE payment_transactions SET state = ?, reason = ?, authorization_expires_at = ?, honor_period_ends_at = ?, result = ?, updated_at = ?,
					action_transaction_id = processor_transaction_id, processor_transaction_id = COALESCE(?, processor_transaction_id)
				 WHERE payment_id = ? AND state = 'action_required'`,
				[finish.state, finish.reason ?? null, finish.authorizationExpiresAt ?? null, finish.honorPeriodEndsAt ?? null, JSON.stringify(finish.result), stamp, finish.processorTransactionId ?? null, paymentId],
			);
			if (changed.changes !== 1) return false;
			await tx.run(`UPDATE payment_attempts SET outcome = ?, finished_at = ? WHERE payment_id = ? AND outcome = 'action_required'`, [attemptOutcome, stamp, paymentId]);
			return true;
		});
	}

	/** The capture or void recorded for a payment, if any. */
	async settlement(paymentId: string): Promise<{ action: AuthorizationAction; result: unknown } | undefined> {
		const [row] = await this.db.query<{ action: AuthorizationAction; result: string }>('SELECT action, result FROM payment_settlements WHERE payment_id = ?', [paymentId]);
		return row && { action: row.action, result: JSON.parse(row.result) };
	}

	/**
	 * Marks a capture or void as sent, before it is: false when another one (another action or amount) was sent and its
	 * outcome is still unknown, or the payment is no longer authorized. A repeat of the same one marks nothing new.
	 */
	async startSettling(paymentId: string, action: AuthorizationAction, amountMinor: number | undefined, nowMs: number): Promise<boolean> {
		const changed = await this.db.run(
			`UPDATE payment_transactions SET settling_action = ?, settling_minor = ?, updated_at = ?
			 WHERE payment_id = ? AND state = 'authorized'
			   AND (settling_action IS NULL OR (settling_action = ? AND COALESCE(settling_minor, -1) = ?))`,
			[action, amountMinor ?? null, new Date(nowMs).toISOString(), paymentId, action, amountMinor ?? -1],
		);
		return changed.changes === 1;
	}

	/** The processor refused the capture or void: nothing happened, so another may be tried. */
	async stopSettling(paymentId: string, nowMs: number): Promise<void> {
		await this.db.run(`UPDATE payment_transactions SET settling_action = NULL, settling_minor = NULL, updated_at = ? WHERE payment_id = ?`, [new Date(nowMs).toISOString(), paymentId]);
	}

	/**
	 * Records a capture (→ `succeeded`, with what was captured) or void (→ `canceled`) of an authorized payment. Returns
	 * false when another capture or void was recorded first: the caller answers with that one.
	 */
	async settle(paymentId: string, settlement: Settlement, nowMs: number): Promise<boolean> {
		const stamp = new Date(nowMs).toISOString();
		return this.db.transaction(async (tx) => {
			const inserted = await tx.run('INSERT INTO payment_settlements (payment_id, action, result, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [
				paymentId,
				settlement.action,
				JSON.stringify(settlement.result),
				stamp,
			]);
			if (inserted.changes !== 1) return false;
			await tx.run(
				`UPDATE payment_transactions SET state = ?, captured_minor = ?, capture_transaction_id = ?, settling_action = NULL, settling_minor = NULL, updated_at = ?
				 WHERE payment_id = ? AND state = 'authorized'`,
				[settlement.action === 'capture' ? 'succeeded' : 'canceled', settlement.capturedMinor ?? null, settlement.captureTransactionId ?? null, stamp, paymentId],
			);
			return true;
		});
	}

	/** Authorized payments whose hold ends before `beforeIso`, soonest first (for a scheduled capture or release). */
	async expiringAuthorizations(beforeIso: string, limit: number): Promise<ExpiringAuthorization[]> {
		const rows = await this.db.query<TransactionRow>(
			`SELECT payment_id, processor, processor_transaction_id, amount_minor, currency, authorization_expires_at, honor_period_ends_at, created_at
			 FROM payment_transactions WHERE state = 'authorized' AND authorization_expires_at < ?
			 ORDER BY authorization_expires_at, payment_id LIMIT ?`,
			[beforeIso, limit],
		);
		return rows.map((row) => ({
			paymentId: String(row.payment_id),
			processor: String(row.processor),
			processorTransactionId: String(row.processor_transaction_id),
			amountMinor: Number(row.amount_minor),
			currency: String(row.currency),
			authorizationExpiresAt: String(row.authorization_expires_at),
			honorPeriodEndsAt: (row.honor_period_ends_at as string | null) ?? undefined,
			createdAt: String(row.created_at),
		}));
	}

	/** The stored transaction and its attempts, for reconciliation; undefined for a payment id never submitted. */
	async transaction(paymentId: string): Promise<TransactionRecord | undefined> {
		const [row] = await this.db.query<TransactionRow>(
			`SELECT payment_id, amount_minor, currency, state, processor, processor_transaction_id, fallback_used, fee_minor, reason, authorization_expires_at,
				honor_period_ends_at, captured_minor, capture_transaction_id, settling_action, settling_minor, created_at, updated_at
			 FROM payment_transactions WHERE payment_id = ?`,
			[paymentId],
		);
		if (!row) return undefined;
		return {
			paymentId,
			state: row.state,
			amountMinor: Number(row.amount_minor),
			currency: String(row.currency),
			processor: (row.processor as string | null) ?? undefined,
			processorTransactionId: (row.processor_transaction_id as string | null) ?? undefined,
			fallbackUsed: Number(row.fallback_used) === 1,
			feeMinor: row.fee_minor === null ? undefined : Number(row.fee_minor),
			reason: (row.reason as string | null) ?? undefined,
			authorizationExpiresAt: (row.authorization_expires_at as string | null) ?? undefined,
			honorPeriodEndsAt: (row.honor_period_ends_at as string | null) ?? undefined,
			capturedMinor: row.captured_minor === null ? (row.state === 'succeeded' ? Number(row.amount_minor) : undefined) : Number(row.captured_minor),
			captureTransactionId: (row.capture_transaction_id as string | null) ?? undefined,
			settling: row.settling_action === null ? undefined : { action: row.settling_action as AuthorizationAction, amountMinor: row.settling_minor === null ? undefined : Number(row.settling_minor) },
			createdAt: String(row.created_at),
			updatedAt: String(row.updated_at),
			attempts: await this.attempts(paymentId),
		};
	}

	private leases(ttlMs: number, nowMs: number): Leases {
		return new Leases(this.db, { ttlMs, now: () => nowMs });
	}
}

/**
 * What each processor's own recent outcomes say: success rate and speed (a sliding window, blended with the
 * configured prior), and its circuit on the store's circuit breaker, shared by every worker: it opens when the share of
 * failures among at least `minSamples` outcomes in the window reaches the threshold.
 */
export class ProcessorStatsRepository {
	private recorded = 0;
	private readonly circuits: CircuitBreakers;

	constructor(
		private readonly db: SqlDatabase,
		now: () => number = Date.now,
	) {
		this.circuits = new CircuitBreakers(db, now);
	}

	/** `ok`: the processor answered (a charge or a decline); not ok: it failed or left the outcome unknown. */
	async record(processor: string, ok: boolean, latencyMs: number, settings: HealthSettings, nowMs: number): Promise<void> {
		await this.db.run('INSERT INTO processor_outcomes (processor, id, at_ms, ok, latency_ms) VALUES (?, ?, ?, ?, ?)', [
			processor,
			randomUUID(),
			nowMs,
			ok ? 1 : 0,
			Math.round(latencyMs),
		]);
		// Reads ignore old outcomes anyway; pruning now and then keeps the table small without a delete per charge.
		if (this.recorded++ % 50 === 0) await this.db.run('DELETE FROM processor_outcomes WHERE at_ms < ?', [nowMs - settings.windowMs]);
		// A success after the circuit opened (a probe, or a probe-share payment) closes it and forgets the failures.
		if (ok) await this.circuits.recordSuccess(circuitKey(processor), circuitPolicy(settings));
		else await this.circuits.recordFailure(circuitKey(processor), circuitPolicy(settings));
	}

	/** The processor's circuit as every worker sees it. */
	async circuit(processor: string): Promise<CircuitStatus> {
		return await this.circuits.state(circuitKey(processor));
	}

	/**
	 * For a half-open circuit: whether this payment may go ahead (it took the one probe, across every worker, or the
	 * circuit closed meanwhile) or must keep away until the probe is back.
	 */
	async admit(processor: string, settings: HealthSettings): Promise<Admission> {
		return await this.circuits.admit(circuitKey(processor), circuitPolicy(settings));
	}

	async health(processors: string[], priors: Record<string, { successRate: number; latencyMs: number }>, settings: HealthSettings, nowMs: number): Promise<Record<string, ProcessorHealth>> {
		const health: Record<string, ProcessorHealth> = {};
		for (const processor of processors) {
			const circuit = await this.circuit(processor);
			const recent = await this.window(processor, settings, nowMs);
			const prior = priors[processor] ?? { successRate: 0.9, latencyMs: 1000 };
			const successes = recent.filter((outcome) => outcome.ok);
			const weight = settings.priorWeight;
			health[processor] = {
				successRate: (prior.successRate * weight + successes.length) / (weight + recent.length),
				latencyMs: (prior.latencyMs * weight + successes.reduce((sum, outcome) => sum + outcome.latencyMs, 0)) / (weight + successes.length),
				samples: recent.length,
				openUntilMs: circuit.openUntilMs,
			};
		}
		return health;
	}

	private async window(processor: string, settings: HealthSettings, nowMs: number): Promise<Array<{ ok: boolean; latencyMs: number }>> {
		const rows = await this.db.query<{ ok: number | string; latency_ms: number | string }>(
			'SELECT ok, latency_ms FROM processor_outcomes WHERE processor = ? AND at_ms >= ? ORDER BY at_ms DESC LIMIT ?',
			[processor, nowMs - settings.windowMs, settings.windowSize],
		);
		return rows.map((row) => ({ ok: Number(row.ok) === 1, latencyMs: Number(row.latency_ms) }));
	}
}

const circuitKey = (processor: string) => JSON.stringify(['payments.processor', processor]);

/** The routing settings as a circuit policy: a failure share over at least `minSamples` outcomes in the window. */
export function circuitPolicy(settings: HealthSettings): CircuitPolicy {
	return { minSamples: Math.max(1, settings.minSamples), failureRate: settings.failureThreshold, windowMs: settings.windowMs, cooldownMs: settings.coolDownMs };
}
