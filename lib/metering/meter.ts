/**
 * The usage meter: records usage events exactly once, aggregates them per customer, meter and billing period,
 * prices periods under a plan, closes them and exports what was counted. Knows nothing of n8n; takes the
 * database and a clock.
 */
import { checkInput, id, InputError, optional, wholeNumber, type InputViolation } from '../records/inputSchema';
import type { ApiCallCounter, ApiCallHour } from '../store/apiCalls';
import type { SqlDatabase } from '../store/types';
import { isCurrencyCode, toMinorExact } from './money';
import { checkPeriodConfig, DEFAULT_PERIOD, parseTimestamp, PeriodCalendar, type BillingPeriod, type PeriodConfig } from './periods';
import { includedQuota, type Plan } from './plan';
import { priceUsage, type Invoice, type MeterUsage } from './pricing';
import { UsageRepository, type AggregateRow, type EventToRecord, type QuotaAlert, type QuotaRefusal, type RecordStatus, type StoredEvent } from './usageStore';

/** A usage event as a flow reports it. */
export interface UsageEventInput {
	eventId: string;
	customerId: string;
	meter: string;
	/** Whole units; default 1. */
	quantity?: number;
	/** Money the event moved (for percentage pricing), in major units: "129.99" or 129.99. */
	amount?: string | number;
	/** Currency of `amount`. */
	currency?: string;
	/** When the usage happened: ISO text, epoch ms or Date; default now. */
	timestamp?: string | number | Date;
	/** The customer's plan, for quota alerts on this meter. */
	plan?: Plan;
	/** Refuse the event, counting nothing, when it would take usage past the plan's included quota (needs `plan`). */
	enforceQuota?: boolean;
}

export interface RecordOutcome {
	eventId: string;
	customerId: string;
	meter: string;
	period: string;
	status: RecordStatus;
	/** Set when the status is "refused": the quota the event would have exceeded. */
	refusal?: QuotaRefusal;
}

export interface RecordResult {
	outcomes: RecordOutcome[];
	alerts: QuotaAlert[];
}

export interface MeterOptions {
	db: SqlDatabase;
	/** Keeps the events of separate meters (e.g. per integration or environment) apart; event ids are unique within it. */
	namespace: string;
	period?: PeriodConfig;
	/** Percentages of an included quota at which an alert fires once per period. */
	alertThresholds?: number[];
	now?: () => number;
}

export interface CustomerUsage {
	customerId: string;
	period: BillingPeriod;
	meters: Record<string, MeterUsage & { amounts: Record<string, number> }>;
}

export interface PeriodInvoice extends Invoice {
	customerId: string;
	period: BillingPeriod;
	status: 'open' | 'closed';
	/** Amounts recorded in currencies other than the plan's: not priced. */
	unpricedAmounts: Array<{ meter: string; currency: string; amountMinor: number }>;
}

/** A usage event that cannot be counted, naming each bad field. */
export class UsageValidationError extends InputError {
	constructor(
		readonly eventId: string | undefined,
		violations: InputViolation[],
	) {
		super(violations, eventId ? `Usage event "${eventId}"` : 'Usage event');
		this.name = 'UsageValidationError';
	}
}

const METER_NAME = /^[a-z][a-z0-9_]*$/;

/** How far back Record API Calls looks for finished hours not counted yet: longer than any billing period. */
export const API_CALL_LOOKBACK_MS = 40 * 24 * 3_600_000;

/** The keys of a usage event, checked by type: an event id "undefined" or "NaN" would count once for every event without one. */
const usageKeysSchema = { eventId: id(), customerId: id(), quantity: optional(wholeNumber(0), { emptyText: false }) };

/** What the operations on one customer's usage (Get Usage, Preview Invoice, Close Period, Export) take. */
export const customerSchema = { customerId: id() };

export class UsageMeter {
	readonly repository: UsageRepository;
	private readonly namespace: string;
	readonly periodConfig: PeriodConfig;
	private readonly calendar: PeriodCalendar;
	private readonly thresholds: number[];
	private readonly now: () => number;

	constructor(options: MeterOptions) {
		this.repository = new UsageRepository(options.db);
		this.namespace = options.namespace;
		this.periodConfig = options.period ?? DEFAULT_PERIOD;
		checkPeriodConfig(this.periodConfig);
		this.calendar = new PeriodCalendar(this.periodConfig);
		this.thresholds = options.alertThresholds ?? [80, 100];
		this.now = options.now ?? Date.now;
	}

	/** The period an instant falls in (default now) under this meter's period settings. */
	period(epochMs = this.now()): BillingPeriod {
		return this.calendar.periodOf(epochMs);
	}

	/** Checks and normalises an event; throws a UsageValidationError naming each bad field. */
	prepare(input: UsageEventInput): EventToRecord {
		const keys = checkInput(usageKeysSchema, input);
		if (keys.violations) throw new UsageValidationError(id().check(input.eventId, 'eventId').value, keys.violations);
		const { eventId, customerId, quantity = 1 } = keys.value;
		const fail = (field: string, problem: string) => new UsageValidationError(eventId, [{ field, problem }]);
		if (typeof input.meter !== 'string' || !METER_NAME.test(input.meter)) throw fail('meter', `must be a lower-case name such as "syncs", got ${JSON.stringify(input.meter)}`);
		let amountMinor = 0;
		let currency = '';
		if (input.amount !== undefined && input.amount !== null && input.amount !== '') {
			currency = input.currency ?? input.plan?.currency ?? '';
			if (!isCurrencyCode(currency)) throw fail('currency', `must be the amount's ISO 4217 currency, got ${JSON.stringify(input.currency)}`);
			const minor = toMinorExact(input.amount, currency);
			if (minor === undefined || minor < 0n) throw fail('amount', `must be a non-negative number with at most the currency's minor-unit digits, got ${JSON.stringify(input.amount)}`);
			amountMinor = Number(minor);
		}
		const occurredAtMs = input.timestamp === undefined || input.timestamp === '' ? this.now() : parseTimestamp(input.timestamp);
		if (occurredAtMs === undefined) throw fail('timestamp', `must be an ISO date or epoch milliseconds, got ${JSON.stringify(input.timestamp)}`);
		const quota = input.plan && includedQuota(input.plan, input.meter);
		const enforce = quota && input.enforceQuota ? { enforce: { plan: input.plan!.name } } : {};
		return {
			eventId,
			customerId,
			meter: input.meter,
			quantity,
			amountMinor,
			currency,
			occurredAtMs,
			period: this.calendar.periodOf(occurredAtMs).key,
			...(quota && (this.thresholds.length > 0 || input.enforceQuota) ? { quota: { ...quota, thresholds: this.thresholds, ...enforce } } : {}),
		};
	}

	/** Records a batch in one transaction: each event counted once across every execution and worker. */
	async record(inputs: UsageEventInput[]): Promise<RecordResult> {
		const events = inputs.map((input) => this.prepare(input));
		return await this.recordPrepared(events);
	}

	/**
	 * Records prepared events. An event over an enforced quota is refused (status "refused", nothing counted for it);
	 * with `allOrNothing` the first refusal throws a QuotaExceededError instead and nothing of the batch is counted.
	 */
	async recordPrepared(events: EventToRecord[], options: { allOrNothing?: boolean } = {}): Promise<RecordResult> {
		if (events.length === 0) return { outcomes: [], alerts: [] };
		const { statuses, alerts, refusals } = await this.repository.record(this.namespace, events, new Date(this.now()), options);
		const outcomes = events.map((event, index) => {
			const refusal = refusals.get(index);
			return { eventId: event.eventId, customerId: event.customerId, meter: event.meter, period: event.period, status: statuses[index], ...(refusal ? { refusal } : {}) };
		});
		return { outcomes, alerts };
	}

	/**
	 * The API calls the transports counted in the store, as `api_calls` usage of `customerId`: one event per finished
	 * hour (event id `api_calls:<customer>:<hour>`, timestamped at the hour's start), so each hour is counted once
	 * however often this runs, and lands in the period it belongs to. Hours older than the lookback are forgotten.
	 */
	async recordApiCalls(customerId: string, counter: ApiCallCounter, options: { plan?: Plan; enforceQuota?: boolean } = {}): Promise<RecordResult & { hours: ApiCallHour[] }> {
		const now = this.now();
		await counter.prune(now - API_CALL_LOOKBACK_MS);
		const hours = await counter.finishedHours(now - API_CALL_LOOKBACK_MS, now);
		const events = hours.map((hour) =>
			this.prepare({ eventId: `api_calls:${customerId}:${new Date(hour.hourStartMs).toISOString()}`, customerId, meter: 'api_calls', quantity: hour.requests, timestamp: hour.hourStartMs, ...options }),
		);
		return { ...(await this.recordPrepared(events)), hours };
	}

	async usage(customerId: string, period: BillingPeriod = this.period()): Promise<CustomerUsage> {
		return { customerId, period, meters: byMeter(await this.repository.aggregates(this.namespace, period.key, customerId)) };
	}

	/** Customers with usage (or late events) in the period. */
	async customers(period: BillingPeriod = this.period()): Promise<string[]> {
		return await this.repository.customers(this.namespace, period.key);
	}

	/** The invoice the period would produce now (the stored one once the period is closed). */
	async preview(customerId: string, plan: Plan, period: BillingPeriod = this.period()): Promise<PeriodInvoice> {
		const row = await this.repository.periodRow(this.namespace, customerId, period.key);
		if (row?.closedAt && row.invoice) return { ...(row.invoice as PeriodInvoice), status: 'closed' };
		const aggregates = await this.repository.aggregates(this.namespace, period.key, customerId);
		return this.invoice(customerId, plan, period, aggregates, 'open', await this.isFirstPeriod(customerId, period));
	}

	/** Closes the customer's period: later events for it are kept apart as late. Returns the final invoice. */
	async close(customerId: string, plan: Plan, period: BillingPeriod): Promise<{ invoice: PeriodInvoice; closedNow: boolean; late: StoredEvent[] }> {
		const firstPeriod = await this.isFirstPeriod(customerId, period);
		const { row, closedNow } = await this.repository.close(this.namespace, customerId, period.key, new Date(this.now()), async (tx) => {
			const aggregates = await UsageRepository.aggregatesIn(tx, this.namespace, customerId, period.key);
			return this.invoice(customerId, plan, period, aggregates, 'closed', firstPeriod);
		});
		const late = await this.repository.lateEvents(this.namespace, period.key, customerId);
		return { invoice: { ...(row.invoice as PeriodInvoice), status: 'closed' }, closedNow, late };
	}

	async lateEvents(period: BillingPeriod, customerId?: string): Promise<StoredEvent[]> {
		return await this.repository.lateEvents(this.namespace, period.key, customerId);
	}

	/** Counted events of a period, a page at a time. */
	async events(period: BillingPeriod, options: { customerId?: string; limit?: number; offset?: number } = {}): Promise<StoredEvent[]> {
		return await this.repository.events(this.namespace, period.key, { customerId: options.customerId, limit: options.limit ?? 10_000, offset: options.offset ?? 0 });
	}

	/** The setup fee belongs to the customer's earliest period with usage (or to any period of a customer without usage). */
	private async isFirstPeriod(customerId: string, period: BillingPeriod): Promise<boolean> {
		const first = await this.repository.firstPeriod(this.namespace, customerId);
		return first === undefined || first >= period.key;
	}

	private invoice(customerId: string, plan: Plan, period: BillingPeriod, aggregates: AggregateRow[], status: 'open' | 'closed', firstPeriod: boolean): PeriodInvoice {
		const meters = byMeter(aggregates);
		const usage: Record<string, MeterUsage> = {};
		const unpricedAmounts: PeriodInvoice['unpricedAmounts'] = [];
		for (const [meter, totals] of Object.entries(meters)) {
			usage[meter] = { ...totals, amountMinor: totals.amounts[plan.currency] ?? 0 };
			for (const [currency, amountMinor] of Object.entries(totals.amounts)) {
				if (currency !== plan.currency && amountMinor !== 0) unpricedAmounts.push({ meter, currency, amountMinor });
			}
		}
		const invoice = priceUsage(plan, usage, { firstPeriod });
		return { customerId, period, status, ...invoice, unpricedAmounts };
	}
}

/** Aggregate rows (one per currency) folded into one usage figure per meter. */
function byMeter(rows: AggregateRow[]): CustomerUsage['meters'] {
	const meters: CustomerUsage['meters'] = {};
	for (const row of rows) {
		const meter = (meters[row.meter] ??= { quantity: 0, maxQuantity: 0, amountMinor: 0, events: 0, amounts: {} });
		meter.quantity += row.quantity;
		meter.maxQuantity = Math.max(meter.maxQuantity, row.maxQuantity);
		meter.events += row.events;
		if (row.currency !== '') meter.amounts[row.currency] = (meter.amounts[row.currency] ?? 0) + row.amountMinor;
	}
	for (const meter of Object.values(meters)) meter.amountMinor = Object.values(meter.amounts).reduce((sum, amount) => sum + amount, 0);
	return meters;
}
