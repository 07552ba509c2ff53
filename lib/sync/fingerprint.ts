import { hash } from 'node:crypto';

/**
 * The values with every object's keys sorted. An ordinary object, not a null-prototype one (which V8 keeps in
 * dictionary mode, a third more allocation for every record a sync reads or writes); `__proto__` is defined as an own
 * field so it stays a field. Either object enumerates array-index keys first, so the JSON is the same as it was.
 */
function canonical(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(canonical);
	if (value && typeof value === 'object') {
		const sorted: Record<string, unknown> = {};
		for (const key of sortedKeys(value)) {
			const field = canonical((value as Record<string, unknown>)[key]);
			if (key === '__proto__') Object.defineProperty(sorted, key, { value: field, enumerable: true, writable: true, configurable: true });
			else sorted[key] = field;
		}
		return sorted;
	}
	return value === null || value === undefined ? '' : String(value);
}

/** Past this many keys an insertion sort's comparisons cost more than Array.prototype.sort's set-up. */
const INSERTION_SORT_MAX = 32;

/**
 * The object's keys in the order Array.prototype.sort gives strings (UTF-16 code units; keys are distinct, so
 * stability is moot), sorted in place by insertion for a record's few fields: V8's sort allocates its merge state
 * (~0.8 kB) on every call, which was 1.6 kB of every record a sync pulls and pushes.
 */
function sortedKeys(value: object): string[] {
	const keys = Object.keys(value);
	if (keys.length > INSERTION_SORT_MAX) return keys.sort();
	for (let i = 1; i < keys.length; i++) {
		const key = keys[i];
		let j = i - 1;
		for (; j >= 0 && keys[j] > key; j--) keys[j + 1] = keys[j];
		keys[j + 1] = key;
	}
	return keys;
}

/** A stable hash of a record's values: the same values in any key order give the same fingerprint. */
export function fingerprint(fields: Record<string, unknown>): string {
	// One-shot: no Hash object per record.
	return hash('sha1', JSON.stringify(canonical(fields)));
}
