/**
 * Subscriptions through a neutral plan model: a plan (amount, currency, interval) is named once with each processor's
 * own plan for it (Stripe's price, PayPal's billing plan), and a subscription is created, moved to another plan,
 * paused or canceled through the processor that bills it, once per request id.
 */
import { subscriptionKeyFor, type CustomerAction, type SubscriptionResult, type SubscriptionState } from '../platforms/payments';
import { InputError, type InputViolation } from '../records/inputSchema';
import { isCurrencyCode, minorDigits, toMinorExact } from '../records/money';
import { IdempotencyLedger } from '../store/idempotency';
import { NotSettled, runRequestOnce, type LedgerActionOptions, type RequestOutcome } from './ledgerActions';

export const PLAN_INTERVALS = ['day', 'week', 'month', 'year'] as const;

/** A plan in the package's words, with the processor's own plan for it on each processor that bills it. */
export interface SubscriptionPlan {
	/** Your id for the plan: `pro-monthly`. */
	id: string;
	/** In major units of `currency`, per interval: 29.00. */
	amount: number;
	currency: string;
	interval: (typeof PLAN_INTERVALS)[number];
	intervalCount?: number;
	/** Processor → its plan: `{ "stripe": "price_…", "paypal": "P-…" }`. */
	processorPlans: Record<string, string>;
}

export type SubscriptionChange = 'create' | 'changePlan' | 'pause' | 'cancel';

export interface SubscriptionRequest {
	/** Your id for this request: done at most once, however often it is submitted. */
	requestId: string;
	change: SubscriptionChange;
	/** Create: the processor to subscribe on. */
	processor?: string;
	/** Create and Change Plan: the plan's id in `plans`. */
	plan?: string;
	/** Change Plan, Pause and Cancel: the subscription's id, as Create answered it. */
	subscriptionId?: string;
	/** Create: the processor's customer (Stripe `cus_…`), and the customer's payment method to charge. */
	customer?: string;
	paymentMethod?: string;
	/** Create: where the subscriber comes back after approving on the processor's page (PayPal). */
	returnUrl?: string;
}

export type SubscriptionFailureReason = 'unknown_subscription' | 'not_supported' | 'processor_refused' | 'outcome_unknown' | 'request_id_reused' | 'in_progress';

export type SubscriptionOutcome = RequestOutcome<
	{
		change: SubscriptionChange;
		subscriptionId: string;
		/** The plan's id in the plan model, and the processor's. */
		plan?: string;
		processorPlanId?: string;
		state: SubscriptionState;
		/** What the subscriber must do before it starts (PayPal's approve page). */
		action?: CustomerAction;
	},
	SubscriptionFailureReason,
	{ change: SubscriptionChange; subscriptionId?: string }
>;

type Succeeded = Extract<SubscriptionOutcome, { status: 'succeeded' }>;

const LEDGER_SCOPE = 'payments.subscription';

type SubscriptionRow = {
	processor: string;
	subscription_id: string;
	plan_id: string | null;
};

/**
 * Each request id runs once through the store's idempotency ledger (concurrent duplicates wait for the first one's
 * answer and get it); the processor is called under a key derived from the request id, so a request whose answer was
 * lost is settled by its repeat, which the processor answers with its first result. The subscriptions made are kept
 * (processor, plan, state) so that later changes find the processor that bills them.
 */
export class PaymentSubscriptions {
	private readonly ledger: IdempotencyLedger;

	constructor(private readonly options: LedgerActionOptions) {
		this.ledger = new IdempotencyLedger(options.db);
	}

	async run(request: SubscriptionRequest, plans: readonly SubscriptionPlan[]): Promise<SubscriptionOutcome> {
		const checked = checkRequest(request, plans);
		const { requestId, change } = checked;
		const fail = (reason: SubscriptionFailureReason, message: string, extra: { code?: string; processor?: string } = {}): SubscriptionOutcome => ({
			status: 'failed',
			requestId,
			change,
			reason,
			message,
			...(checked.subscriptionId ? { subscriptionId: checked.subscriptionId } : {}),
			...extra,
		});
		const existing = checked.subscriptionId === undefined ? undefined : await this.subscription(checked.subscriptionId);
		if (checked.subscriptionId !== undefined && !existing) return fail('unknown_subscription', `No subscription with id ${checked.subscriptionId} was created through this store`);
		const processor = existing?.processor ?? checked.processor!;
		const plan = checked.plan === undefined ? undefined : plans.find((candidate) => candidate.id === checked.plan)!;
		const processorPlanId = plan?.processorPlans[processor];
		if (plan && !processorPlanId) throw new InputError([{ field: 'plan', problem: `${plan.id} has no plan on ${processor}: add one to its processorPlans` }], 'Subscription');
		const actions = this.options.connectors[processor]?.subscriptions;
		const perform = change === 'pause' ? actions?.pause?.bind(actions) : change === 'create' ? undefined : actions?.[change].bind(actions);
		if (!actions || (change !== 'create' && !perform)) return fail('not_supported', `No connection to ${processor} that can ${describe(change)} subscriptions is configured`, { processor });
		return await runRequestOnce(
			this.ledger,
			LEDGER_SCOPE,
			requestId,
			this.options,
			async (): Promise<Succeeded> => {
				const key = { idempotencyKey: subscriptionKeyFor(requestId), resuming: false };
				const answer =
					change === 'create'
						? await actions.create({ ...key, requestId, processorPlanId: processorPlanId!, customer: checked.customer, paymentMethod: checked.paymentMethod, returnUrl: checked.returnUrl })
						: await perform!({ ...key, subscriptionId: existing!.subscription_id, processorPlanId });
				return await this.settle(answer, { requestId, change, processor, plan: plan?.id ?? existing?.plan_id ?? undefined }, fail);
			},
			{
				fail,
				reused: (first) =>
					sameRequest(first, change, processor, plan?.id, checked.subscriptionId)
						? undefined
						: fail('request_id_reused', `Request id ${requestId} was used before to ${describe(first.change)} subscription ${first.subscriptionId}: use a new request id for another request`),
			},
		);
	}

	/** Records the processor's answer; a refusal or a lost answer ends the run without a stored result, so the request id may be submitted again. */
	private async settle(
		answer: SubscriptionResult,
		about: { requestId: string; change: SubscriptionChange; processor: string; plan?: string },
		fail: (reason: SubscriptionFailureReason, message: string, extra?: { code?: string; processor?: string }) => SubscriptionOutcome,
	): Promise<Succeeded> {
		const { change, processor } = about;
		if (answer.outcome === 'unknown') {
			throw new NotSettled(fail('outcome_unknown', `${processor} did not answer; submit the same request id again to settle it: ${answer.message}`, { code: answer.code, processor }));
		}
		if (answer.outcome === 'refused') throw new NotSettled(fail('processor_refused', `${processor} refused to ${describe(change)} the subscription: ${answer.message}`, { code: answer.code, processor }));
		const stamp = new Date(this.options.now()).toISOString();
		const facts = [about.plan ?? null, answer.processorPlanId ?? null, answer.state, answer.processorStatus, stamp];
		// One row per subscription: the first request creates it, every later one updates it.
		await this.options.db.run(
			`INSERT INTO payment_subscriptions (processor, subscription_id, plan_id, processor_plan_id, state, processor_status, updated_at, created_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			 ON CONFLICT (processor, subscription_id) DO UPDATE SET plan_id = excluded.plan_id, processor_plan_id = excluded.processor_plan_id, state = excluded.state,
			 processor_status = excluded.processor_status, updated_at = excluded.updated_at`,
			[processor, answer.subscriptionId, ...facts, stamp],
		);
		return {
			status: 'succeeded',
			requestId: about.requestId,
			change,
			processor,
			subscriptionId: answer.subscriptionId,
			...(about.plan ? { plan: about.plan } : {}),
			...(answer.processorPlanId ? { processorPlanId: answer.processorPlanId } : {}),
			state: answer.state,
			processorStatus: answer.processorStatus,
			...(answer.action ? { action: answer.action } : {}),
			replayed: false,
		};
	}

	private async subscription(subscriptionId: string): Promise<SubscriptionRow | undefined> {
		const rows = await this.options.db.query<SubscriptionRow>('SELECT processor, subscription_id, plan_id FROM payment_subscriptions WHERE subscription_id = ?', [subscriptionId]);
		return rows[0];
	}
}

function describe(change: SubscriptionChange): string {
	return { create: 'create', changePlan: 'change the plan of', pause: 'pause', cancel: 'cancel' }[change];
}

function sameRequest(result: Succeeded, change: SubscriptionChange, processor: string, plan: string | undefined, subscriptionId: string | undefined): boolean {
	if (result.change !== change || result.processor !== processor) return false;
	if (change === 'create' || change === 'changePlan') if (result.plan !== plan) return false;
	return subscriptionId === undefined || result.subscriptionId === subscriptionId;
}

const CHANGES: SubscriptionChange[] = ['create', 'changePlan', 'pause', 'cancel'];

/** The request checked by type, each field the change needs named when missing; never coerced. */
function checkRequest(request: SubscriptionRequest, plans: readonly SubscriptionPlan[]): SubscriptionRequest {
	const violations: InputViolation[] = [];
	const text = (field: keyof SubscriptionRequest, required: boolean) => {
		const value = request[field];
		if (value === undefined || value === null || value === '') {
			if (required) violations.push({ field, problem: 'is required' });
			return;
		}
		if (typeof value !== 'string' || value.trim() === '') violations.push({ field, problem: `must be a non-empty string, got ${JSON.stringify(value)}` });
	};
	text('requestId', true);
	if (!CHANGES.includes(request.change)) violations.push({ field: 'change', problem: `must be one of ${CHANGES.join(', ')}, got ${JSON.stringify(request.change)}` });
	const creating = request.change === 'create';
	text('processor', creating);
	text('plan', creating || request.change === 'changePlan');
	text('subscriptionId', !creating);
	text('customer', false);
	text('paymentMethod', false);
	text('returnUrl', false);
	if (typeof request.plan === 'string' && request.plan !== '' && !plans.some((plan) => plan.id === request.plan)) {
		violations.push({ field: 'plan', problem: `must be one of the plans (${plans.map((plan) => plan.id).join(', ') || 'none given'}), got ${JSON.stringify(request.plan)}` });
	}
	if (violations.length > 0) throw new InputError(violations, 'Subscription');
	return request;
}

/** The plan model checked: every plan with its id, a positive amount, an ISO currency, an interval and its processors' plans. */
export function checkPlans(plans: unknown): SubscriptionPlan[] {
	if (!Array.isArray(plans)) throw new InputError([{ field: 'plans', problem: 'must be a list of plans' }], 'Plans');
	const violations: InputViolation[] = [];
	plans.forEach((plan: Partial<SubscriptionPlan>, index) => {
		const at = (field: string) => `plans[${index}].${field}`;
		if (typeof plan?.id !== 'string' || plan.id.trim() === '') violations.push({ field: at('id'), problem: 'must be a non-empty string' });
		if (typeof plan?.amount !== 'number' || !(plan.amount > 0)) violations.push({ field: at('amount'), problem: 'must be a number above 0 (major units)' });
		if (!isCurrencyCode(plan?.currency)) violations.push({ field: at('currency'), problem: 'must be an ISO 4217 code such as "USD"' });
		else if (typeof plan.amount === 'number' && plan.amount > 0 && toMinorExact(plan.amount, plan.currency) === undefined) {
			violations.push({ field: at('amount'), problem: `must have no more decimals than ${plan.currency} has (${minorDigits(plan.currency)}), got ${plan.amount}: never rounded` });
		}
		if (!PLAN_INTERVALS.includes(plan?.interval as never)) violations.push({ field: at('interval'), problem: `must be one of ${PLAN_INTERVALS.join(', ')}` });
		const processors = plan?.processorPlans;
		if (typeof processors !== 'object' || processors === null || Object.values(processors).some((id) => typeof id !== 'string' || id === '')) {
			violations.push({ field: at('processorPlans'), problem: 'must map each processor to its plan id, e.g. {"stripe": "price_…"}' });
		}
	});
	if (violations.length > 0) throw new InputError(violations, 'Plans');
	return plans as SubscriptionPlan[];
}
