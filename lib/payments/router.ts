import { createHash } from 'node:crypto';

import { idempotencyKeyFor, type AuthorizationHold, type ChargeResult, type CustomerAction, type PaymentConnector, type PaymentMethodType } from '../platforms/payments';
import { assertInput, InputError } from '../records/inputSchema';
import { toMajorString } from '../records/money';
import { minorUnitsOf } from './minorUnits';
import { DEFAULT_LEASE_MS, Leases } from '../store/leases';
import type { SqlDatabase } from '../store/types';
import type { RoutingConfig } from './config';
import { PaymentAuthorizations, type AuthorizationOutcome } from './authorizations';
import { PaymentRepository, ProcessorStatsRepository, type AttemptRecord, type ExpiringAuthorization } from './repository';
import { paymentRequestSchema } from './inputs';
import { PaymentRefunds, type RefundOutcome, type RefundRequest } from './refunds';
import { PaymentInvoices } from './invoices';
import { PaymentSubscriptions } from './subscriptions';
import { decideRoute, feeFor, type ProcessorHealth, type RankedProcessor, type RoutingInput } from './routeDecision';
import { sleep as defaultSleep } from '../records/sleep';

/** One payment to route. Tokens only: the router never sees card numbers. */
export interface PaymentRequest {
	paymentId: string;
	/** In major units: 19.99 USD. */
	amount: number;
	currency: string;
	country?: string;
	method?: PaymentMethodType;
	/** Payment-method token per processor; `*` for a token every processor accepts. */
	tokens: Record<string, string>;
	description?: string;
	/** False: authorize only (the payment is held until captured or canceled); default true. */
	capture?: boolean;
	/** Where the customer comes back after 3-D Secure or a processor's approval page. */
	returnUrl?: string;
}

export interface AttemptSummary {
	processor: string;
	outcome: AttemptRecord['outcome'];
	code?: string;
	message?: string;
	durationMs?: number;
}

export type FailureReason = 'hard_decline' | 'all_processors_failed' | 'no_eligible_processor' | 'outcome_unknown' | 'payment_id_reused' | 'in_progress' | 'unknown_payment' | 'not_supported';

/** A charged payment. */
export interface ChargedPayment {
	status: 'succeeded';
	paymentId: string;
	processor: string;
	transactionId: string;
	fallbackUsed: boolean;
	amount: string;
	currency: string;
	feeMinor: number;
	fee: string;
	attempts: AttemptSummary[];
	ranking: RankedProcessor[];
	/** True when this is the stored result of an earlier or concurrent submission of the same payment. */
	replayed: boolean;
}

/** A payment waiting for its customer (3-D Secure, approval): `action` says what they must do; it finishes by webhook. */
export interface ActionRequiredPayment {
	status: 'action_required';
	paymentId: string;
	processor: string;
	transactionId: string;
	action: CustomerAction;
	/** Whether the payment is captured (true) or only held once the customer acted. */
	capture: boolean;
	amount: string;
	currency: string;
	attempts: AttemptSummary[];
	ranking: RankedProcessor[];
	replayed: boolean;
}

export type PaymentResult =
	| ChargedPayment
	| ActionRequiredPayment
	/** Held with capture off, to be captured or voided before `expiresAt` (and, on PayPal, best before `honorPeriodEndsAt`). */
	| (Omit<ChargedPayment, 'status'> & { status: 'authorized'; expiresAt: string; honorPeriodEndsAt?: string })
	| {
			status: 'failed';
			paymentId: string;
			reason: FailureReason;
			message: string;
			code?: string;
			attempts: AttemptSummary[];
			ranking: RankedProcessor[];
			replayed: boolean;
	  };

export interface PaymentRouterOptions {
	db: SqlDatabase;
	connectors: Record<string, PaymentConnector>;
	config: RoutingConfig;
	/** How long a claim outlives its owner's last heartbeat (default DEFAULT_LEASE_MS): a dead owner's is taken over then. */
	leaseMs?: number;
	/** How long a duplicate submission waits for the first one's result. */
	waitMs?: number;
	pollMs?: number;
	/** Extra tries on the same processor with the same key when its answer was lost. */
	settleTries?: number;
	sleep?: (ms: number) => Promise<void>;
	now?: () => number;
	/** How long the learned health read from the store is reused before it is read again (default 500 ms). */
	healthTtlMs?: number;
}

/**
 * The Smart Payment Router: claims the payment id, settles whatever an earlier execution left unsettled, ranks
 * the processors (rules, then scores), charges the first, and falls back only when a processor itself failed.
 * A hard decline stops; an answer lost after the request may have charged is settled on the same processor
 * with the same key before anything else, and if it cannot be, the payment stops as `outcome_unknown`.
 */
export class PaymentRouter {
	readonly payments: PaymentRepository;
	readonly stats: ProcessorStatsRepository;
	readonly refunds: PaymentRefunds;
	readonly authorizations: PaymentAuthorizations;
	/** Subscriptions billed by these processors, once per request id. */
	readonly subscriptions: PaymentSubscriptions;
	/** Invoices sent through these processors, once per request id. */
	readonly invoices: PaymentInvoices;
	private readonly leaseMs: number;
	private readonly waitMs: number;
	private readonly pollMs: number;
	private readonly settleTries: number;
	private readonly sleep: (ms: number) => Promise<void>;
	private readonly now: () => number;
	private healthCache?: { at: number; health: Promise<Record<string, ProcessorHealth>> };

	constructor(private readonly options: PaymentRouterOptions) {
		this.payments = new PaymentRepository(options.db);
		this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
		this.waitMs = options.waitMs ?? 150_000;
		this.pollMs = options.pollMs ?? 25;
		this.settleTries = options.settleTries ?? 2;
		this.sleep = options.sleep ?? defaultSleep;
		this.now = options.now ?? Date.now;
		this.stats = new ProcessorStatsRepository(options.db, this.now);
		const parts = {
			db: options.db,
			payments: this.payments,
			connectors: options.connectors,
			leaseMs: this.leaseMs,
			waitMs: this.waitMs,
			pollMs: this.pollMs,
			sleep: this.sleep,
			now: this.now,
		};
		this.authorizations = new PaymentAuthorizations(parts);
		this.refunds = new PaymentRefunds(parts);
		this.subscriptions = new PaymentSubscriptions(parts);
		this.invoices = new PaymentInvoices(parts);
	}

	/**
	 * Refunds (part of) a captured payment on the processor that charged it, once per refund id; an amount above what
	 * remains is refused (InputError naming `amount`) before any call.
	 */
	async refund(request: RefundRequest): Promise<RefundOutcome> {
		return await this.refunds.refund(request);
	}

	/** A refund's state, looked up at the processor while it is pending. */
	async refundStatus(refundId: string): Promise<RefundOutcome> {
		return await this.refunds.status(refundId);
	}

	async process(request: PaymentRequest): Promise<PaymentResult> {
		const payment = normalise(request);
		const deadline = this.now() + this.waitMs;
		// The holder's heartbeat keeps the claim while this execution routes, however long the processors take.
		const holder = new Leases(this.options.db, { ttlMs: this.leaseMs, now: this.now }).holder();
		for (;;) {
			const claim = await this.payments.claim({ ...payment, leaseMs: this.leaseMs, nowMs: this.now() }, holder);
			if (claim.status === 'claimed') {
				try {
					return await this.route(payment, claim.owner);
				} finally {
					holder.abandon();
				}
			}
			if (claim.status === 'done') return { ...(claim.result as PaymentResult), replayed: true };
			if (claim.status === 'mismatch') {
				return failed(payment.paymentId, 'payment_id_reused', 'This payment id was used before with another amount, currency or payment method', [], []);
			}
			if (this.now() > deadline) {
				return failed(payment.paymentId, 'in_progress', 'Another execution is still processing this payment', [], []);
			}
			await this.sleep(this.pollMs);
		}
	}

	/** The explained ranking for a payment, without charging (the node's "Explain Route" and the benchmark). */
	async explain(request: PaymentRequest): Promise<RankedProcessor[]> {
		const payment = normalise(request);
		const health = await this.loadHealth();
		return decideRoute(this.routingInput(payment), this.options.config, health, this.now()).ranking;
	}

	/** Captures an authorized payment once, all of it or `amount` (major units); a repeat answers with the stored capture. */
	async capture(paymentId: string, amount?: number): Promise<AuthorizationOutcome> {
		return await this.authorizations.capture({ paymentId, amount });
	}

	/** Voids an authorized payment (releases the hold) once: a repeat answers with the stored void. */
	async cancel(paymentId: string): Promise<AuthorizationOutcome> {
		return await this.authorizations.cancel(paymentId);
	}

	/**
	 * Finishes a payment that waited for its customer, when the processor says they acted (its webhook names the
	 * processor's id): the payment's outcome is read at the processor (or, for PayPal, the approved order is captured or
	 * authorized under the payment's key) and recorded once; every other delivery of the news answers with that record
	 * (`replayed: true`). A failed authentication is a hard decline; a payment still waiting stays `action_required`.
	 */
	async completeAction(processor: string, processorTransactionId: string): Promise<PaymentResult> {
		const paymentId = await this.payments.paymentIdOf(processor, processorTransactionId);
		const waiting = paymentId === undefined ? undefined : ((await this.payments.storedResult(paymentId)) as PaymentResult | undefined);
		if (!paymentId || !waiting) return failed(paymentId ?? '', 'unknown_payment', `No payment on ${processor} has the id ${processorTransactionId}`, [], []);
		if (waiting.status !== 'action_required') return { ...waiting, replayed: true };
		const connector = this.options.connectors[processor];
		if (!connector?.completeAction) return { ...failed(paymentId, 'not_supported', `No connection to ${processor} that can complete customer actions is configured`, waiting.attempts, waiting.ranking) };
		const result = await connector.completeAction({ transactionId: processorTransactionId, idempotencyKey: idempotencyKeyFor(paymentId, processor), capture: waiting.capture });
		if (result.outcome === 'action_required') return { ...waiting, action: result.action, replayed: true };
		if (result.outcome === 'processor_failure' || result.outcome === 'unknown') {
			return failed(paymentId, 'outcome_unknown', `${processor} could not say how the customer's action ended; it is settled when the processor's next event arrives: ${result.message}`, waiting.attempts, waiting.ranking, result.code);
		}
		const attempts = waiting.attempts.map((attempt) => (attempt.outcome === 'action_required' ? { ...attempt, outcome: result.outcome } : attempt));
		const final: PaymentResult =
			result.outcome === 'succeeded'
				? {
						...(waiting.capture ? { status: 'succeeded' as const } : { status: 'authorized' as const, ...this.hold(processor, result.authorization) }),
						paymentId,
						processor,
						transactionId: result.transactionId,
						fallbackUsed: attempts.some((attempt) => attempt.processor !== processor),
						amount: waiting.amount,
						currency: waiting.currency,
						...this.feeOf(processor, waiting),
						attempts,
						ranking: waiting.ranking,
						replayed: false,
					}
				: failed(paymentId, 'hard_decline', `${processor} declined the payment after the customer's action: ${result.message}`, attempts, waiting.ranking, result.code);
		const finish = {
			state: final.status,
			processorTransactionId: final.status === 'failed' ? undefined : final.transactionId,
			reason: final.status === 'failed' ? final.reason : undefined,
			authorizationExpiresAt: final.status === 'authorized' ? final.expiresAt : undefined,
			honorPeriodEndsAt: final.status === 'authorized' ? final.honorPeriodEndsAt : undefined,
			result: final,
		};
		if (await this.payments.completeAction(paymentId, finish, result.outcome, this.now())) return final;
		// Another delivery of the same news finished it first.
		return { ...((await this.payments.storedResult(paymentId)) as PaymentResult), replayed: true };
	}

	/** Authorized payments whose hold ends before `before`, soonest first (for a scheduled capture or release). */
	async expiringAuthorizations(before: Date, limit?: number): Promise<ExpiringAuthorization[]> {
		return await this.authorizations.expiring(before, limit);
	}

	/** The routing facts of a payment; an authorize-only one may go only to processors that can authorize only. */
	private routingInput(payment: NormalisedPayment): RoutingInput {
		if (payment.capture) return payment;
		const authorizers = Object.values(this.options.connectors).filter((connector) => connector.authorization);
		return { ...payment, authorizeOnlyBy: new Set(authorizers.map((connector) => connector.processor)) };
	}

	private async route(payment: NormalisedPayment, owner: string): Promise<PaymentResult> {
		const earlier = await this.payments.attempts(payment.paymentId);
		const health = await this.admitHalfOpen(await this.loadHealth());
		const { ranking, order } = decideRoute(this.routingInput(payment), this.options.config, health, this.now());
		const { queue, resuming } = tryOrder(earlier, order);
		if (queue.length === 0) {
			const reason = earlier.length === 0 ? 'no_eligible_processor' : 'all_processors_failed';
			return this.conclude(payment, owner, failed(payment.paymentId, reason, explainNone(ranking, earlier), summaries(earlier), ranking));
		}
		for (const [index, processor] of queue.entries()) {
			const result = await this.chargeSettled(payment, owner, processor, resuming && index === 0);
			if (result.outcome === 'processor_failure') continue;
			const attempts = await this.payments.attempts(payment.paymentId);
			return this.conclude(payment, owner, this.outcome(payment, processor, result, attempts, ranking));
		}
		const attempts = await this.payments.attempts(payment.paymentId);
		// The message names each processor's failure: the user must see why (a refused credential, a processor down).
		const reasons = attempts.map((attempt) => `${attempt.processor}: ${attempt.message ?? attempt.outcome}`).join('; ');
		return this.conclude(payment, owner, failed(payment.paymentId, 'all_processors_failed', `Every eligible processor failed (${reasons})`, summaries(attempts), ranking));
	}

	/** The payment's result once a processor has succeeded, hard-declined, or left the outcome unknown. */
	private outcome(payment: NormalisedPayment, processor: string, result: ChargeResult, attempts: AttemptRecord[], ranking: RankedProcessor[]): PaymentResult {
		if (result.outcome === 'succeeded') {
			const profile = this.options.config.processors.find((entry) => entry.processor === processor);
			const feeMinor = profile ? feeFor(profile, payment.amountMinor, payment.currency) : 0;
			return {
				...(payment.capture ? { status: 'succeeded' as const } : { status: 'authorized' as const, ...this.hold(processor, result.authorization) }),
				paymentId: payment.paymentId,
				processor,
				transactionId: result.transactionId,
				fallbackUsed: attempts.some((attempt) => attempt.processor !== processor),
				amount: toMajorString(payment.amountMinor, payment.currency),
				currency: payment.currency,
				feeMinor,
				fee: toMajorString(feeMinor, payment.currency),
				attempts: summaries(attempts),
				ranking,
				replayed: false,
			};
		}
		if (result.outcome === 'action_required') {
			const { action, transactionId } = result;
			const amount = toMajorString(payment.amountMinor, payment.currency);
			return { status: 'action_required', paymentId: payment.paymentId, processor, transactionId, action, capture: payment.capture, amount, currency: payment.currency, attempts: summaries(attempts), ranking, replayed: false };
		}
		if (result.outcome === 'hard_decline') {
			return failed(payment.paymentId, 'hard_decline', `${processor} declined the payment: ${result.message}`, summaries(attempts), ranking, result.code);
		}
		const message = `${processor} did not answer, and it may have charged; submit the payment again later to settle it (no other processor is tried until then)`;
		return failed(payment.paymentId, 'outcome_unknown', message, summaries(attempts), ranking, result.outcome === 'unknown' ? result.code : undefined);
	}

	/** The processor's fee for a payment, by its profile (0 when it has none). */
	private feeOf(processor: string, payment: { amount: string; currency: string }): { feeMinor: number; fee: string } {
		const profile = this.options.config.processors.find((entry) => entry.processor === processor);
		const amountMinor = minorUnitsOf(Number(payment.amount), payment.currency, 'Payment');
		const feeMinor = profile ? feeFor(profile, amountMinor, payment.currency) : 0;
		return { feeMinor, fee: toMajorString(feeMinor, payment.currency) };
	}

	/** When the authorization's hold ends: as the processor said, or its documented validity from now. */
	private hold(processor: string, reported: AuthorizationHold | undefined): { expiresAt: string; honorPeriodEndsAt?: string } {
		const validity = this.options.connectors[processor]?.authorization?.validity ?? { days: 7 };
		const inDays = (days: number) => new Date(this.now() + days * 86_400_000).toISOString();
		const honor = reported?.honorPeriodEndsAt ?? (validity.honorDays === undefined ? undefined : inDays(validity.honorDays));
		return { expiresAt: normaliseInstant(reported?.expiresAt) ?? inDays(validity.days), ...(honor ? { honorPeriodEndsAt: normaliseInstant(honor) } : {}) };
	}

	/** Charges on one processor; a lost answer is retried with the same key (settled) a few times before giving up. */
	private async chargeSettled(payment: NormalisedPayment, owner: string, processor: string, resuming: boolean): Promise<ChargeResult> {
		let result: ChargeResult | undefined;
		for (let tryNumber = 0; tryNumber <= this.settleTries; tryNumber++) {
			result = await this.attempt(payment, owner, processor, resuming || tryNumber > 0);
			if (result.outcome !== 'unknown') return result;
		}
		return result!;
	}

	private async attempt(payment: NormalisedPayment, owner: string, processor: string, resuming: boolean): Promise<ChargeResult> {
		const connector = this.options.connectors[processor];
		const key = idempotencyKeyFor(payment.paymentId, processor);
		const seq = await this.payments.startAttempt(payment.paymentId, owner, processor, key, this.leaseMs, this.now());
		const started = this.now();
		const result: ChargeResult = connector
			? await connector.charge({
					paymentId: payment.paymentId,
					idempotencyKey: key,
					amountMinor: payment.amountMinor,
					currency: payment.currency,
					method: payment.method,
					token: payment.tokenFor(processor)!,
					description: payment.description,
					resuming,
					capture: payment.capture,
					returnUrl: payment.returnUrl,
				})
			: { outcome: 'processor_failure', code: 'NOT_CONFIGURED', message: `No connection to ${processor} is configured` };
		const duration = this.now() - started;
		// Vendors sometimes quote the token back ("No such PaymentMethod: 'pm_…'"): it stays out of the record.
		if ('message' in result) result.message = result.message.split(payment.tokenFor(processor) ?? '\u0000').join('[token]');
		await this.payments.finishAttempt(payment.paymentId, seq, result, duration, this.now());
		if (connector) {
			const ok = result.outcome === 'succeeded' || result.outcome === 'hard_decline' || result.outcome === 'action_required';
			await this.stats.record(processor, ok, duration, this.options.config.health, this.now());
			// A failure must count at once (circuit, ranking); successes may wait for the next read.
			if (!ok) this.healthCache = undefined;
		}
		return result;
	}

	private async conclude(payment: NormalisedPayment, owner: string, result: PaymentResult): Promise<PaymentResult> {
		const unknown = result.status === 'failed' && result.reason === 'outcome_unknown';
		const charged = result.status === 'succeeded' || result.status === 'authorized';
		const atProcessor = charged || result.status === 'action_required';
		await this.payments.finish(
			payment.paymentId,
			owner,
			{
				state: atProcessor ? result.status : unknown ? 'unknown' : 'failed',
				processor: atProcessor ? result.processor : undefined,
				processorTransactionId: atProcessor ? result.transactionId : undefined,
				fallbackUsed: charged && result.fallbackUsed,
				feeMinor: charged ? result.feeMinor : undefined,
				reason: result.status === 'failed' ? result.reason : undefined,
				authorizationExpiresAt: result.status === 'authorized' ? result.expiresAt : undefined,
				honorPeriodEndsAt: result.status === 'authorized' ? result.honorPeriodEndsAt : undefined,
				result,
			},
			this.now(),
		);
		return result;
	}

	/** The learned health, re-read from the store at most every `healthTtlMs` (outcomes of this router drop the cache). */
	private loadHealth(): Promise<Record<string, ProcessorHealth>> {
		const ttl = this.options.healthTtlMs ?? 500;
		const cached = this.healthCache;
		if (cached && this.now() - cached.at < ttl) return cached.health;
		const health = this.readHealth();
		this.healthCache = { at: this.now(), health };
		health.catch(() => (this.healthCache = undefined));
		return health;
	}

	/**
	 * A processor whose circuit's cool-down is over is half-open: this payment tries it first if it takes the one probe
	 * (across every worker), goes ahead as usual if the circuit closed meanwhile, and otherwise keeps away from it
	 * (probe-share payments aside) until the probe is back.
	 */
	private async admitHalfOpen(health: Record<string, ProcessorHealth>): Promise<Record<string, ProcessorHealth>> {
		const nowMs = this.now();
		const admitted = { ...health };
		for (const [processor, learned] of Object.entries(health)) {
			if (learned.openUntilMs === 0 || learned.openUntilMs > nowMs) continue;
			const admission = await this.stats.admit(processor, this.options.config.health);
			admitted[processor] = admission.admitted
				? { ...learned, openUntilMs: 0, probe: admission.probe }
				: { ...learned, openUntilMs: nowMs + admission.retryInMs };
		}
		return admitted;
	}

	private readHealth(): Promise<Record<string, ProcessorHealth>> {
		const { config } = this.options;
		const priors = Object.fromEntries(config.processors.map((profile) => [profile.processor, profile]));
		return this.stats.health(config.processors.map((profile) => profile.processor), priors, config.health, this.now());
	}
}

interface NormalisedPayment {
	paymentId: string;
	fingerprint: string;
	amountMinor: number;
	currency: string;
	country?: string;
	method: PaymentMethodType;
	description?: string;
	capture: boolean;
	returnUrl?: string;
	tokenFor: (processor: string) => string | undefined;
}

/** The request checked by type (nothing coerced: an id that is not one is refused, never charged as "undefined"). */
function normalise(request: PaymentRequest): NormalisedPayment {
	const { paymentId, amount, currency, country, method = 'card', tokens = {}, description, capture: captureFlag, returnUrl } = assertInput(paymentRequestSchema, request, 'Payment');
	const amountMinor = minorUnitsOf(amount, currency, 'Payment');
	if (Object.values(tokens).some((token) => /^\d[\d -]{11,22}\d$/.test(token))) {
		// Invalid input like any other (the field named, nothing echoed): a caller is told which field to fix.
		throw new InputError([{ field: 'tokens', problem: 'look like card numbers: pass the processor tokens, never card data' }], 'Payment');
	}
	const capture = captureFlag !== false;
	return {
		paymentId,
		fingerprint: paymentFingerprint(amountMinor, currency, method, tokens, capture),
		amountMinor,
		currency,
		country,
		method,
		description,
		capture,
		returnUrl,
		tokenFor: (processor) => tokens[processor] ?? tokens['*'],
	};
}

/**
 * Which processors to try, in order. A processor that already charged, or whose answer was lost, comes first and
 * alone decides (its repeat returns the first result); processors that already failed this payment are not retried.
 */
function tryOrder(earlier: AttemptRecord[], order: string[]): { queue: string[]; resuming: boolean } {
	const succeeded = earlier.find((attempt) => attempt.outcome === 'succeeded');
	if (succeeded) return { queue: [succeeded.processor], resuming: true };
	const tried = new Set(earlier.map((attempt) => attempt.processor));
	const untried = order.filter((processor) => !tried.has(processor));
	const unsettled = earlier.find((attempt) => attempt.outcome === 'pending' || attempt.outcome === 'unknown');
	return unsettled ? { queue: [unsettled.processor, ...untried], resuming: true } : { queue: untried, resuming: false };
}

/**
 * What must not change between submissions of one payment id. The tokens enter only as a hash: the store never
 * holds them.
 */
export function paymentFingerprint(amountMinor: number, currency: string, method: PaymentMethodType, tokens: Record<string, string>, capture = true): string {
	// Authorize-only joins the fingerprint only when on, so fingerprints stored before it existed still match.
	const facts: unknown[] = [amountMinor, currency, method, Object.entries(tokens).sort()];
	return createHash('sha256').update(JSON.stringify(capture ? facts : [...facts, 'authorize_only'])).digest('hex');
}

/** An instant as ISO 8601 in UTC (`…Z`), so stored instants compare as text; undefined when it is none. */
function normaliseInstant(value: string | undefined): string | undefined {
	if (value === undefined) return undefined;
	const ms = Date.parse(value);
	return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function failed(paymentId: string, reason: FailureReason, message: string, attempts: AttemptSummary[], ranking: RankedProcessor[], code?: string): PaymentResult {
	return { status: 'failed', paymentId, reason, message, code, attempts, ranking, replayed: false };
}

function summaries(attempts: AttemptRecord[]): AttemptSummary[] {
	return attempts.map(({ processor, outcome, code, message, durationMs }) => ({ processor, outcome, code, message, durationMs }));
}

function explainNone(ranking: RankedProcessor[], attempts: AttemptRecord[]): string {
	if (attempts.length > 0) return 'Every eligible processor has failed for this payment';
	const reasons = ranking.map((entry) => `${entry.processor}: ${entry.notes.join(', ')}`);
	return `No processor can take this payment (${reasons.join('; ')})`;
}
