import { createHash } from 'node:crypto';

function canonical(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(canonical);
	if (value && typeof value === 'object') {
		// No prototype: a field named __proto__ stays a field.
		const sorted = Object.create(null) as Record<string, unknown>;
		for (const key of Object.keys(value).sort()) sorted[key] = canonical((value as Record<string, unknown>)[key]);
		return sorted;
	}
	return value === null || value === undefined ? '' : String(value);
}

/** A stable hash of a record's values: the same values in any key order give the same fingerprint. */
export function fingerprint(fields: Record<string, unknown>): string {
	return createHash('sha1').update(JSON.stringify(canonical(fields))).digest('hex');
}
