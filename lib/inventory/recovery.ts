import type { StockReading } from '../platforms/inventory';
import type { WriteIntent } from './ledger';

/**
 * Whether a write whose outcome was never recorded (its process was killed, or its answer was lost) reached the store:
 * - `landed`: the store holds the change; record it, write nothing;
 * - `not_landed`: the store never saw it; the change is still owed and may be written;
 * - `in_doubt`: another writer moved the quantity, so neither can be told; never written again, reconcile settles it.
 */
export type IntentVerdict = 'landed' | 'not_landed' | 'in_doubt';

/**
 * Where the platform keeps a marker in the same write as the quantity, the marker decides, whatever the quantity did
 * since. Elsewhere the quantity does: the one aimed at means landed, the one read before means not landed. Both rely on
 * no other write of ours to the item in between, which the engine ensures: it resolves an intent before any other
 * write to that store and SKU, under the same lock.
 */
export function judgeIntent(intent: Pick<WriteIntent, 'previous' | 'next' | 'marker'>, reading: StockReading, keepsMarker: boolean): IntentVerdict {
	if (keepsMarker) return reading.marker === intent.marker ? 'landed' : 'not_landed';
	if (reading.quantity === intent.next) return 'landed';
	if (reading.quantity === intent.previous) return 'not_landed';
	return 'in_doubt';
}
