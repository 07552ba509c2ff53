/**
 * Billing periods: calendar months by default, or months starting on an anchor day, in a time zone. A period is
 * named by the local date it starts on ("2026-11-01"); an event belongs to the period its own timestamp falls in,
 * so a late event lands in its own (earlier) period, not the current one.
 */
import { DateTime } from 'luxon';

export interface PeriodConfig {
	/** Day of the month periods start on (1–31; in shorter months the period starts on the month's last day). */
	anchorDay: number;
	/** IANA time zone the anchor day's midnight is in. */
	timeZone: string;
}

export interface BillingPeriod {
	/** The local start date, e.g. "2026-11-01": the period's key in the store. */
	key: string;
	/** Inclusive start and exclusive end, as ISO timestamps in the period's time zone. */
	start: string;
	end: string;
	startMs: number;
	endMs: number;
}

export const DEFAULT_PERIOD: PeriodConfig = { anchorDay: 1, timeZone: 'UTC' };

export function checkPeriodConfig(config: PeriodConfig): void {
	if (!Number.isInteger(config.anchorDay) || config.anchorDay < 1 || config.anchorDay > 31) {
		throw new Error(`Billing anchor day must be a whole number from 1 to 31, got ${config.anchorDay}`);
	}
	if (!DateTime.now().setZone(config.timeZone).isValid) throw new Error(`Unknown time zone "${config.timeZone}"`);
}

function anchorOf(year: number, month: number, config: PeriodConfig): DateTime {
	const first = DateTime.fromObject({ year, month, day: 1 }, { zone: config.timeZone });
	return first.set({ day: Math.min(config.anchorDay, first.daysInMonth ?? 28) });
}

function periodStartingAt(start: DateTime, config: PeriodConfig): BillingPeriod {
	const nextMonth = start.plus({ months: 1 });
	const end = anchorOf(nextMonth.year, nextMonth.month, config);
	return { key: start.toISODate()!, start: start.toISO()!, end: end.toISO()!, startMs: start.toMillis(), endMs: end.toMillis() };
}

/** The period an instant (epoch milliseconds) falls in. */
export function periodOf(epochMs: number, config: PeriodConfig = DEFAULT_PERIOD): BillingPeriod {
	const local = DateTime.fromMillis(epochMs, { zone: config.timeZone });
	let start = anchorOf(local.year, local.month, config);
	if (local < start) {
		const previous = local.minus({ months: 1 });
		start = anchorOf(previous.year, previous.month, config);
	}
	return periodStartingAt(start, config);
}

/** The period a local date ("2026-11-15") or ISO timestamp falls in. */
export function periodContaining(date: string, config: PeriodConfig = DEFAULT_PERIOD): BillingPeriod {
	const instant = DateTime.fromISO(date, { zone: config.timeZone });
	if (!instant.isValid) throw new Error(`"${date}" is not an ISO date or timestamp`);
	return periodOf(instant.toMillis(), config);
}

/** The period before the given one. */
export function previousPeriod(period: BillingPeriod, config: PeriodConfig = DEFAULT_PERIOD): BillingPeriod {
	return periodOf(period.startMs - 1, config);
}

/** Reads an event timestamp: ISO text, epoch milliseconds, or a Date. */
export function parseTimestamp(value: unknown): number | undefined {
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value === 'string' && value.trim() !== '') {
		if (/^\d+$/.test(value.trim())) return Number(value.trim());
		const parsed = DateTime.fromISO(value.trim(), { setZone: true });
		return parsed.isValid ? parsed.toMillis() : undefined;
	}
	return undefined;
}

/** Remembers the periods it computed: events cluster in a few periods, and luxon's arithmetic is costly per event. */
export class PeriodCalendar {
	private readonly known: BillingPeriod[] = [];

	constructor(readonly config: PeriodConfig = DEFAULT_PERIOD) {}

	periodOf(epochMs: number): BillingPeriod {
		const cached = this.known.find((period) => epochMs >= period.startMs && epochMs < period.endMs);
		if (cached) return cached;
		const period = periodOf(epochMs, this.config);
		if (this.known.length >= 24) this.known.shift();
		this.known.push(period);
		return period;
	}
}
