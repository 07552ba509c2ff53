import { createHash } from 'node:crypto';

function canonical(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(canonical);
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.keys(value as Record<string, unknown>)
				.sort()
				.map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
		);
	}
	return value === null || value === undefined ? '' : String(value);
}

/** A stable hash of a record's values: the same values in any key order give the same fingerprint. */
export function fingerprint(fields: Record<string, unknown>): string {
	return createHash('sha1').update(JSON.stringify(canonical(fields))).digest('hex');
}
