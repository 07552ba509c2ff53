/**
 * Usage events and what is derived from them, in the state store. Recording a batch is one transaction that locks,
 * in a fixed order, (1) the customer's period rows (so closing a period and recording into it serialise), (2) the
 * events (primary key: a duplicate id inserts nothing), (3) the aggregates (an upsert adding the batch's deltas),
 * (4) the quota alerts (primary key: each threshold fires once). The fixed order keeps concurrent recorders on
 * Postgres free of deadlocks; on SQLite the transaction holds the write lock.
 */
import type { SqlDatabase, SqlExecutor } from '../store/types';

export interface StoredEvent {
	eventId: string;
	customerId: string;
	meter: string;
	quantity: number;
	amountMinor: number;
	/** Currency of `amountMinor`; "" for events without an amount. */
	currency: string;
	occurredAtMs: number;
	period: string;
}

export interface QuotaCheck {
	included: number;
	aggregation: 'sum' | 'max';
	/** Percentages of `included` at which to alert, e.g. [80, 100]. */
	thresholds: number[];
	/** Refuse the event (count nothing) when it would take usage past `included`; `plan` names the plan in the refusal. */
	enforce?: { plan: string };
}

export interface EventToRecord extends StoredEvent {
	quota?: QuotaCheck;
}

export type RecordStatus = 'recorded' | 'duplicate' | 'late' | 'refused';

/** Why an event was refused: it would have taken the meter past the plan's included quota. */
export interface QuotaRefusal {
	plan: string;
	customerId: string;
	meter: string;
	period: string;
	included: number;
	/** Usage before the event (the period's sum, or its largest report for a gauge). */
	used: number;
	/** Usage had the event been counted. */
	wouldBe: number;
}

/** A refusal, thrown when the caller asked for all or nothing: the whole batch is rolled back. */
export class QuotaExceededError extends Error {
	constructor(
		readonly refusal: QuotaRefusal,
		readonly eventIndex: number,
	) {
		super(quotaMessage(refusal));
		this.name = 'QuotaExceededError';
	}
}

export function quotaMessage(refusal: QuotaRefusal): string {
	const { plan, meter, included, used, wouldBe, customerId, period } = refusal;
	return `Over the ${meter} quota of plan "${plan}": it includes ${included} ${meter} a period, customer "${customerId}" has ${used} in the period starting ${period} and this would make ${wouldBe}; nothing was counted`;
}

export interface QuotaAlert {
	customerId: string;
	meter: string;
	period: string;
	thresholdPercent: number;
	included: number;
	used: number;
	firedAt: string;
}

export interface AggregateRow {
	customerId: string;
	meter: string;
	period: string;
	currency: string;
	events: number;
	quantity: number;
	maxQuantity: number;
	amountMinor: number;
}

export interface PeriodRow {
	customerId: string;
	period: string;
	openedAt: string;
	closedAt: string | null;
	invoice: unknown;
}

/** What one batch adds to an aggregate row. */
type AggregateDelta = AggregateRow;

const EVENT_COLUMNS = 'event_id, customer_id, meter, quantity, amount_minor, currency, occurred_at_ms, period';
const AGGREGATE_COLUMNS = 'customer_id, meter, period, currency, event_count, quantity_sum, quantity_max, amount_minor_sum';
const PERIOD_COLUMNS = 'customer_id, period, opened_at, closed_at, invoice';

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const keyOf = (...parts: string[]) => JSON.stringify(parts);

export class UsageRepository {
	constructor(private readonly db: SqlDatabase) {}

	/** Records a batch atomically; returns each event's status (in input order) and the alerts that fired now. */
	async record(
		namespace: string,
		events: EventToRecord[],
		now: Date,
		options: { allOrNothing?: boolean } = {},
	): Promise<{ statuses: RecordStatus[]; alerts: QuotaAlert[]; refusals: Map<number, QuotaRefusal> }> {
		const stamp = now.toISOString();
		return await this.db.transaction(async (tx) => {
			const closed = await this.lockPeriods(tx, namespace, events, stamp);
			const refusals = await this.overQuota(tx, namespace, events, closed);
			const [first] = refusals.entries();
			if (first && options.allOrNothing) throw new QuotaExceededError(first[1], first[0]);
			const statuses: RecordStatus[] = new Array(events.length);
			const deltas = new Map<string, AggregateDelta>();
			const order = events.map((_, index) => index).sort((a, b) => byText(events[a].eventId, events[b].eventId));
			for (const index of order) {
				const event = events[index];
				statuses[index] = refusals.has(index)
					? 'refused'
					: closed.has(keyOf(event.customerId, event.period))
					? await this.reportLate(tx, namespace, event, stamp)
					: await this.insertEvent(tx, namespace, event, stamp);
				if (statuses[index] === 'recorded') addDelta(deltas, event);
			}
			const sortedDeltas = [...deltas.entries()].sort(([a], [b]) => byText(a, b)).map(([, delta]) => delta);
			for (const delta of sortedDeltas) await this.addToAggregate(tx, namespace, delta, stamp);
			const alerts = await this.fireQuotaAlerts(tx, namespace, events, statuses, stamp);
			return { statuses, alerts, refusals };
		});
	}

	/**
	 * The enforced events (by index) that would take usage past their quota, taken in input order so the 10,001st
	 * sync is the one refused. Runs after lockPeriods: the customer's period rows are locked, so no concurrent
	 * recorder can add usage between this read and our insert. Duplicates (counted before or earlier in the batch) and
	 * late events are never refused.
	 */
	private async overQuota(tx: SqlExecutor, namespace: string, events: EventToRecord[], closed: Set<string>): Promise<Map<number, QuotaRefusal>> {
		const refusals = new Map<number, QuotaRefusal>();
		const usage = new Map<string, number>();
		const inBatch = new Set<string>();
		for (const [index, event] of events.entries()) {
			const quota = event.quota;
			const repeat = inBatch.has(event.eventId);
			inBatch.add(event.eventId);
			if (!quota?.enforce || repeat || event.quantity === 0 || closed.has(keyOf(event.customerId, event.period))) continue;
			const key = keyOf(event.customerId, event.meter, event.period);
			const used = usage.get(key) ?? (await periodUsage(tx, namespace, event, quota.aggregation));
			usage.set(key, used);
			const wouldBe = quota.aggregation === 'max' ? Math.max(used, event.quantity) : used + event.quantity;
			if (wouldBe <= quota.included || (await isCounted(tx, namespace, event.eventId))) {
				usage.set(key, wouldBe);
				continue;
			}
			refusals.set(index, { plan: quota.enforce.plan, customerId: event.customerId, meter: event.meter, period: event.period, included: quota.included, used, wouldBe });
		}
		return refusals;
	}

	/** Creates each touched period row if new and locks it; returns the (customer, period) pairs already closed. */
	private async lockPeriods(tx: SqlExecutor, namespace: string, events: StoredEvent[], stamp: string): Promise<Set<string>> {
		const pairs = new Map<string, [string, string]>();
		for (const event of events) pairs.set(keyOf(event.customerId, event.period), [event.customerId, event.period]);
		const closed = new Set<string>();
		for (const [key, [customerId, period]] of [...pairs.entries()].sort(([a], [b]) => byText(a, b))) {
			// Creates the row or touches it, which takes its lock: a concurrent close waits for us, or we see its commit.
			const [row] = await tx.query<{ closed_at: string | null }>(
				`INSERT INTO usage_periods (namespace, customer_id, period, opened_at, closed_at, invoice) VALUES (?, ?, ?, ?, NULL, NULL)
				 ON CONFLICT (namespace, customer_id, period) DO UPDATE SET opened_at = usage_periods.opened_at RETURNING closed_at`,
				[namespace, customerId, period, stamp],
			);
			if (row?.closed_at) closed.add(key);
		}
		return closed;
	}

	private async insertEvent(tx: SqlExecutor, namespace: string, event: StoredEvent, stamp: string): Promise<RecordStatus> {
		const inserted = await insertEventRow(tx, 'usage_events', 'recorded_at', namespace, event, stamp);
		return inserted ? 'recorded' : 'duplicate';
	}

	/** An event for a closed period: a duplicate if it was counted before the close, else kept apart as late. */
	private async reportLate(tx: SqlExecutor, namespace: string, event: StoredEvent, stamp: string): Promise<RecordStatus> {
		if (await isCounted(tx, namespace, event.eventId)) return 'duplicate';
		await insertEventRow(tx, 'usage_late_events', 'reported_at', namespace, event, stamp);
		return 'late';
	}

	private async addToAggregate(tx: SqlExecutor, namespace: string, delta: AggregateDelta, stamp: string): Promise<void> {
		await tx.run(
			`INSERT INTO usage_aggregates (namespace, ${AGGREGATE_COLUMNS}, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			 ON CONFLICT (namespace, customer_id, meter, period, currency) DO UPDATE SET
				event_count = usage_aggregates.event_count + excluded.event_count,
				quantity_sum = usage_aggregates.quantity_sum + excluded.quantity_sum,
				quantity_max = CASE WHEN excluded.quantity_max > usage_aggregates.quantity_max THEN excluded.quantity_max ELSE usage_aggregates.quantity_max END,
				amount_minor_sum = usage_aggregates.amount_minor_sum + excluded.amount_minor_sum,
				updated_at = excluded.updated_at`,
			[namespace, delta.customerId, delta.meter, delta.period, delta.currency, delta.events, delta.quantity, delta.maxQuantity, delta.amountMinor, stamp],
		);
	}

	/** For each (customer, meter, period) this batch added to and that has a quota: every threshold crossed, once. */
	private async fireQuotaAlerts(tx: SqlExecutor, namespace: string, events: EventToRecord[], statuses: RecordStatus[], stamp: string): Promise<QuotaAlert[]> {
		const checks = new Map<string, { event: EventToRecord; quota: QuotaCheck }>();
		events.forEach((event, index) => {
			if (event.quota && statuses[index] === 'recorded') checks.set(keyOf(event.customerId, event.meter, event.period), { event, quota: event.quota });
		});
		const alerts: QuotaAlert[] = [];
		for (const [, { event, quota }] of [...checks.entries()].sort(([a], [b]) => byText(a, b))) {
			const used = await periodUsage(tx, namespace, event, quota.aggregation);
			for (const threshold of [...quota.thresholds].sort((a, b) => a - b)) {
				if (used * 100 < threshold * quota.included) break;
				const fired = await tx.run(
					`INSERT INTO usage_quota_alerts (namespace, customer_id, meter, period, threshold_percent, included, used, fired_at)
					 VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
					[namespace, event.customerId, event.meter, event.period, threshold, quota.included, used, stamp],
				);
				if (fired.changes === 1) {
					alerts.push({ customerId: event.customerId, meter: event.meter, period: event.period, thresholdPercent: threshold, included: quota.included, used, firedAt: stamp });
				}
			}
		}
		return alerts;
	}

	async aggregates(namespace: string, period: string, customerId?: string): Promise<AggregateRow[]> {
		const { filter, params } = periodFilter(namespace, period, customerId);
		const rows = await this.db.query<Record<string, string | number>>(
			`SELECT ${AGGREGATE_COLUMNS} FROM usage_aggregates WHERE ${filter} ORDER BY customer_id, meter, currency`,
			params,
		);
		return rows.map(toAggregateRow);
	}

	/** Customers with a period row (any event, counted or late) in the period. */
	async customers(namespace: string, period: string): Promise<string[]> {
		const rows = await this.db.query<{ customer_id: string }>(
			'SELECT customer_id FROM usage_periods WHERE namespace = ? AND period = ? ORDER BY customer_id',
			[namespace, period],
		);
		return rows.map((row) => String(row.customer_id));
	}

	async periodRow(namespace: string, customerId: string, period: string): Promise<PeriodRow | undefined> {
		return await selectPeriodRow(this.db, namespace, customerId, period);
	}

	/** The customer's earliest period with usage (where the setup fee belongs). */
	async firstPeriod(namespace: string, customerId: string): Promise<string | undefined> {
		const [row] = await this.db.query<{ first: string | null }>(
			'SELECT MIN(period) AS first FROM usage_periods WHERE namespace = ? AND customer_id = ?',
			[namespace, customerId],
		);
		return row?.first ?? undefined;
	}

	/**
	 * Closes a customer's period: locks its row (waiting for recorders in flight), then stores the invoice that
	 * `invoiceOf` computes from the final aggregates. Closing again returns the stored row unchanged.
	 */
	async close(namespace: string, customerId: string, period: string, now: Date, invoiceOf: (tx: SqlExecutor) => Promise<unknown>): Promise<{ row: PeriodRow; closedNow: boolean }> {
		const stamp = now.toISOString();
		return await this.db.transaction(async (tx) => {
			await tx.run(
				'INSERT INTO usage_periods (namespace, customer_id, period, opened_at, closed_at, invoice) VALUES (?, ?, ?, ?, NULL, NULL) ON CONFLICT DO NOTHING',
				[namespace, customerId, period, stamp],
			);
			const closing = await tx.run(
				'UPDATE usage_periods SET closed_at = ? WHERE namespace = ? AND customer_id = ? AND period = ? AND closed_at IS NULL',
				[stamp, namespace, customerId, period],
			);
			if (closing.changes === 1) {
				const invoice = await invoiceOf(tx);
				await tx.run('UPDATE usage_periods SET invoice = ? WHERE namespace = ? AND customer_id = ? AND period = ?', [JSON.stringify(invoice), namespace, customerId, period]);
			}
			const row = await selectPeriodRow(tx, namespace, customerId, period);
			return { row: row!, closedNow: closing.changes === 1 };
		});
	}

	/** Aggregates read inside a transaction (the closing one). */
	static async aggregatesIn(tx: SqlExecutor, namespace: string, customerId: string, period: string): Promise<AggregateRow[]> {
		const rows = await tx.query<Record<string, string | number>>(
			`SELECT ${AGGREGATE_COLUMNS} FROM usage_aggregates WHERE namespace = ? AND customer_id = ? AND period = ? ORDER BY meter, currency`,
			[namespace, customerId, period],
		);
		return rows.map(toAggregateRow);
	}

	/** Counted events of a period, oldest first, a page at a time. */
	async events(namespace: string, period: string, options: { customerId?: string; limit: number; offset: number }): Promise<StoredEvent[]> {
		const { filter, params } = periodFilter(namespace, period, options.customerId);
		const rows = await this.db.query<Record<string, string | number>>(
			`SELECT ${EVENT_COLUMNS} FROM usage_events WHERE ${filter} ORDER BY occurred_at_ms, event_id LIMIT ? OFFSET ?`,
			[...params, options.limit, options.offset],
		);
		return rows.map(toStoredEvent);
	}

	async lateEvents(namespace: string, period: string, customerId?: string): Promise<StoredEvent[]> {
		const { filter, params } = periodFilter(namespace, period, customerId);
		const rows = await this.db.query<Record<string, string | number>>(
			`SELECT ${EVENT_COLUMNS} FROM usage_late_events WHERE ${filter} ORDER BY occurred_at_ms, event_id`,
			params,
		);
		return rows.map(toStoredEvent);
	}

	async countEvents(namespace: string): Promise<number> {
		const [row] = await this.db.query<{ count: number }>('SELECT COUNT(*) AS count FROM usage_events WHERE namespace = ?', [namespace]);
		return Number(row?.count ?? 0);
	}
}

/** The period's usage of the event's meter so far: the sum, or the largest report for a gauge. */
async function periodUsage(tx: SqlExecutor, namespace: string, event: StoredEvent, aggregation: 'sum' | 'max'): Promise<number> {
	const [totals] = await tx.query<{ quantity: number | null; max_quantity: number | null }>(
		'SELECT SUM(quantity_sum) AS quantity, MAX(quantity_max) AS max_quantity FROM usage_aggregates WHERE namespace = ? AND customer_id = ? AND meter = ? AND period = ?',
		[namespace, event.customerId, event.meter, event.period],
	);
	return Number((aggregation === 'max' ? totals?.max_quantity : totals?.quantity) ?? 0);
}

async function isCounted(tx: SqlExecutor, namespace: string, eventId: string): Promise<boolean> {
	return (await tx.query('SELECT 1 AS found FROM usage_events WHERE namespace = ? AND event_id = ?', [namespace, eventId])).length > 0;
}

function addDelta(deltas: Map<string, AggregateDelta>, event: StoredEvent): void {
	const key = keyOf(event.customerId, event.meter, event.period, event.currency);
	const delta = deltas.get(key);
	if (!delta) {
		deltas.set(key, { customerId: event.customerId, meter: event.meter, period: event.period, currency: event.currency, events: 1, quantity: event.quantity, maxQuantity: event.quantity, amountMinor: event.amountMinor });
		return;
	}
	delta.events++;
	delta.quantity += event.quantity;
	delta.maxQuantity = Math.max(delta.maxQuantity, event.quantity);
	delta.amountMinor += event.amountMinor;
}

/** Counted and late events share their columns; only the table and the name of the time it arrived differ. */
async function insertEventRow(
	tx: SqlExecutor,
	table: 'usage_events' | 'usage_late_events',
	arrivedAtColumn: 'recorded_at' | 'reported_at',
	namespace: string,
	event: StoredEvent,
	stamp: string,
): Promise<boolean> {
	const inserted = await tx.run(
		`INSERT INTO ${table} (namespace, ${EVENT_COLUMNS}, ${arrivedAtColumn}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		[namespace, event.eventId, event.customerId, event.meter, event.quantity, event.amountMinor, event.currency, event.occurredAtMs, event.period, stamp],
	);
	return inserted.changes === 1;
}

/** A period's rows, optionally narrowed to one customer. */
function periodFilter(namespace: string, period: string, customerId: string | undefined): { filter: string; params: string[] } {
	return customerId === undefined
		? { filter: 'namespace = ? AND period = ?', params: [namespace, period] }
		: { filter: 'namespace = ? AND period = ? AND customer_id = ?', params: [namespace, period, customerId] };
}

async function selectPeriodRow(executor: SqlExecutor, namespace: string, customerId: string, period: string): Promise<PeriodRow | undefined> {
	const [row] = await executor.query<Record<string, string | null>>(
		`SELECT ${PERIOD_COLUMNS} FROM usage_periods WHERE namespace = ? AND customer_id = ? AND period = ?`,
		[namespace, customerId, period],
	);
	return row && toPeriodRow(row);
}

function toAggregateRow(row: Record<string, string | number>): AggregateRow {
	return {
		customerId: String(row.customer_id),
		meter: String(row.meter),
		period: String(row.period),
		currency: String(row.currency),
		events: Number(row.event_count),
		quantity: Number(row.quantity_sum),
		maxQuantity: Number(row.quantity_max),
		amountMinor: Number(row.amount_minor_sum),
	};
}

function toPeriodRow(row: Record<string, string | null>): PeriodRow {
	return {
		customerId: String(row.customer_id),
		period: String(row.period),
		openedAt: String(row.opened_at),
		closedAt: row.closed_at ?? null,
		invoice: row.invoice ? JSON.parse(row.invoice) : null,
	};
}

function toStoredEvent(row: Record<string, string | number>): StoredEvent {
	return {
		eventId: String(row.event_id),
		customerId: String(row.customer_id),
		meter: String(row.meter),
		quantity: Number(row.quantity),
		amountMinor: Number(row.amount_minor),
		currency: String(row.currency),
		occurredAtMs: Number(row.occurred_at_ms),
		period: String(row.period),
	};
}
