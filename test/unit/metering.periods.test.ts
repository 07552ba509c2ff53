/** Billing periods (luxon): calendar months, anchor days clamped in short months, time zones; export formats. */
import { periodContaining, periodOf, PeriodCalendar, previousPeriod, toCloudEvent, toCsvLine, CSV_HEADER, type StoredEvent } from '../../lib/metering';

describe('billing periods', () => {
	test('calendar months in UTC by default, named by their first day', () => {
		const period = periodOf(Date.UTC(2026, 10, 27, 23, 59));
		expect(period).toEqual({
			key: '2026-11-01',
			start: '2026-11-01T00:00:00.000Z',
			end: '2026-12-01T00:00:00.000Z',
			startMs: Date.UTC(2026, 10, 1),
			endMs: Date.UTC(2026, 11, 1),
		});
		expect(periodOf(Date.UTC(2026, 11, 1)).key).toBe('2026-12-01');
		expect(periodOf(Date.UTC(2026, 11, 1) - 1).key).toBe('2026-11-01');
	});

	test('an anchor day starts each period on that day, clamped to the end of shorter months', () => {
		const anchored = { anchorDay: 31, timeZone: 'UTC' };
		expect(periodContaining('2026-02-15', anchored)).toMatchObject({ key: '2026-01-31', end: '2026-02-28T00:00:00.000Z' });
		expect(periodContaining('2026-02-28', anchored)).toMatchObject({ key: '2026-02-28', end: '2026-03-31T00:00:00.000Z' });
		expect(periodContaining('2026-03-30', { anchorDay: 15, timeZone: 'UTC' }).key).toBe('2026-03-15');
		expect(periodContaining('2026-03-14', { anchorDay: 15, timeZone: 'UTC' }).key).toBe('2026-02-15');
	});

	test('periods start at midnight in their time zone, across daylight saving changes', () => {
		const berlin = { anchorDay: 1, timeZone: 'Europe/Berlin' };
		// 23:30 UTC on 31 October is already 1 November in Berlin.
		expect(periodOf(Date.UTC(2026, 9, 31, 23, 30), berlin)).toMatchObject({ key: '2026-11-01', start: '2026-11-01T00:00:00.000+01:00' });
		expect(periodOf(Date.UTC(2026, 9, 31, 22, 59), berlin).key).toBe('2026-10-01');
		expect(periodContaining('2026-03-20', berlin)).toMatchObject({ start: '2026-03-01T00:00:00.000+01:00', end: '2026-04-01T00:00:00.000+02:00' });
	});

	test('the previous period and the calendar cache agree with direct computation', () => {
		const config = { anchorDay: 10, timeZone: 'America/New_York' };
		const period = periodContaining('2026-01-05', config);
		expect(period.key).toBe('2025-12-10');
		expect(previousPeriod(period, config).key).toBe('2025-11-10');
		const calendar = new PeriodCalendar(config);
		for (let hour = 0; hour < 24 * 400; hour += 29) {
			const at = Date.UTC(2026, 0, 1) + hour * 3_600_000;
			expect(calendar.periodOf(at)).toEqual(periodOf(at, config));
		}
	});
});

describe('export formats', () => {
	const event: StoredEvent = { eventId: 'e,1', customerId: 'acme "inc"', meter: 'transactions', quantity: 1, amountMinor: 12_345, currency: 'USD', occurredAtMs: Date.UTC(2026, 10, 2, 10), period: '2026-11-01' };

	test('CSV lines quote commas and quotes (RFC 4180)', () => {
		expect(CSV_HEADER).toBe('event_id,customer_id,meter,quantity,amount,currency,timestamp,period');
		expect(toCsvLine(event)).toBe('"e,1","acme ""inc""",transactions,1,123.45,USD,2026-11-02T10:00:00.000Z,2026-11-01');
	});

	test('CloudEvents carry the customer as subject and the exact amount', () => {
		expect(toCloudEvent(event, 'n8n/usage-meter/x')).toEqual({
			specversion: '1.0',
			id: 'e,1',
			source: 'n8n/usage-meter/x',
			type: 'usage.transactions',
			subject: 'acme "inc"',
			time: '2026-11-02T10:00:00.000Z',
			datacontenttype: 'application/json',
			data: { meter: 'transactions', quantity: 1, period: '2026-11-01', amount: '123.45', currency: 'USD' },
		});
	});
});
