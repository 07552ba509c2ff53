/**
 * Usage as billing systems ingest it: CloudEvents 1.0 JSON (OpenMeter's ingest format; Lago's event fields are in
 * `data`) or CSV lines with a header. Amounts are exact decimals in major units.
 */
import { money } from './money';
import type { StoredEvent } from './usageStore';

export interface UsageCloudEvent {
	specversion: '1.0';
	id: string;
	source: string;
	type: string;
	subject: string;
	time: string;
	datacontenttype: 'application/json';
	data: {
		meter: string;
		quantity: number;
		period: string;
		amount?: string;
		currency?: string;
	};
}

/** `source` names the producer (e.g. "n8n/usage-meter/<namespace>"); `type` is the meter's event type. */
export function toCloudEvent(event: StoredEvent, source: string): UsageCloudEvent {
	return {
		specversion: '1.0',
		id: event.eventId,
		source,
		type: `usage.${event.meter}`,
		subject: event.customerId,
		time: new Date(event.occurredAtMs).toISOString(),
		datacontenttype: 'application/json',
		data: {
			meter: event.meter,
			quantity: event.quantity,
			period: event.period,
			...(event.currency ? { amount: money(event.amountMinor, event.currency).amount, currency: event.currency } : {}),
		},
	};
}

export const CSV_HEADER = 'event_id,customer_id,meter,quantity,amount,currency,timestamp,period';

/** RFC 4180 quoting: fields with commas, quotes or line breaks are quoted, quotes doubled. */
function csvField(value: string | number): string {
	const text = String(value);
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsvLine(event: StoredEvent): string {
	const amount = event.currency ? money(event.amountMinor, event.currency).amount : '';
	return [event.eventId, event.customerId, event.meter, event.quantity, amount, event.currency, new Date(event.occurredAtMs).toISOString(), event.period]
		.map(csvField)
		.join(',');
}

