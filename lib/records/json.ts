/** Plain JSON values: what a record, an event or an item's data is made of. */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy of plain JSON data (objects, arrays, scalars); several times faster than structuredClone for events. */
export function cloneJson<T>(value: T): T {
	if (value === null || typeof value !== 'object') return value;
	if (Array.isArray(value)) return value.map(cloneJson) as T;
	const copy: Record<string, unknown> = {};
	for (const key in value) copy[key] = cloneJson((value as Record<string, unknown>)[key]);
	return copy as T;
}

export function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** Equal as synced values: blanks are one value, and 5 equals "5" (platforms return numbers as strings). */
export function sameValue(a: unknown, b: unknown): boolean {
	if (isBlank(a) || isBlank(b)) return isBlank(a) && isBlank(b);
	if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
	return String(a) === String(b);
}
