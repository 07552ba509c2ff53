/**
 * Dotted paths into JSON records (`customer.address.city`): the one module that field mappings, conflict resolution,
 * segments, event filters, transforms and templates read and write nested fields with.
 *
 * Reading steps into plain objects and into arrays by index (`lines.0.sku`), own properties only.
 * Writing steps into plain objects only. A step that is missing, `undefined` or `null` becomes a new object; a step
 * that holds any other value (text, a number, an array…) is never replaced: the write throws a PathConflictError
 * naming that step, since replacing it would silently lose the value it holds.
 */
import { isPlainObject } from './json';

export class PathConflictError extends Error {
	readonly code = 'PATH_CONFLICT';

	constructor(readonly path: string) {
		super(`"${path}" is not an object`);
		this.name = 'PathConflictError';
	}
}

export function splitPath(path: string): string[] {
	return path.split('.');
}

/** The value at `segments`, or `undefined` with `found: false` when a step is missing. */
export function readPath(source: unknown, segments: readonly string[]): { found: boolean; value: unknown } {
	let current: unknown = source;
	for (const segment of segments) {
		if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, segment)) return { found: false, value: undefined };
		current = (current as Record<string, unknown>)[segment];
	}
	return { found: true, value: current };
}

/** The value at a dotted path, `undefined` when a step is missing. */
export function getPath(source: unknown, path: string): unknown {
	// Most fields are top-level: read them without splitting the path (this runs several times per field of every record).
	if (!path.includes('.')) {
		return source !== null && typeof source === 'object' && Object.prototype.hasOwnProperty.call(source, path) ? (source as Record<string, unknown>)[path] : undefined;
	}
	return readPath(source, splitPath(path)).value;
}

/** Sets a value, creating the objects on the way; throws a PathConflictError where a step holds a value that is not an object. */
export function writePath(target: Record<string, unknown>, segments: readonly string[], value: unknown): void {
	let current = target;
	for (let i = 0; i < segments.length - 1; i++) {
		const segment = segments[i];
		const next = current[segment];
		if (next === undefined || next === null) current[segment] = {};
		else if (!isPlainObject(next)) throw new PathConflictError(segments.slice(0, i + 1).join('.'));
		current = current[segment] as Record<string, unknown>;
	}
	current[segments[segments.length - 1]] = value;
}

export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
	if (!path.includes('.')) target[path] = value;
	else writePath(target, splitPath(path), value);
}

/** Removes the value at `segments`; true when something was there. */
export function deletePath(target: Record<string, unknown>, segments: readonly string[]): boolean {
	const parent = readPath(target, segments.slice(0, -1));
	const last = segments[segments.length - 1];
	if (!parent.found || !isPlainObject(parent.value) || !(last in parent.value)) return false;
	delete parent.value[last];
	return true;
}

/** A path is one or more non-empty segments of letters, digits, `_`, `-`, `$` or `@`. */
export function invalidPath(path: unknown): string | undefined {
	if (typeof path !== 'string' || path === '') return 'a path must be a non-empty string';
	if (!/^[\w$@-]+(\.[\w$@-]+)*$/.test(path)) return `"${path}" is not a dotted field path`;
	return undefined;
}

/** Nested objects become dotted paths, so nested fields are compared one by one; arrays and dates are values. */
export function flatten(record: Record<string, unknown>, prefix = '', into: Record<string, unknown> = {}): Record<string, unknown> {
	for (const key of Object.keys(record)) {
		const value = record[key];
		const path = prefix ? `${prefix}.${key}` : key;
		if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
			flatten(value as Record<string, unknown>, path, into);
		} else if (value !== undefined) {
			into[path] = value;
		}
	}
	return into;
}

/** Dotted paths back into nested objects; two paths of which one runs through the other (`a`, `a.b`) are a PathConflictError. */
export function unflatten(flat: Record<string, unknown>): Record<string, unknown> {
	const record: Record<string, unknown> = {};
	for (const path of Object.keys(flat)) {
		const value = flat[path];
		if (!path.includes('.')) {
			// A top-level key is unique: anything already here was made for a longer path.
			if (Object.prototype.hasOwnProperty.call(record, path)) throw new PathConflictError(path);
			record[path] = value;
			continue;
		}
		const segments = splitPath(path);
		// Keys are unique, so anything already here was made for a longer path: writing would drop it.
		if (readPath(record, segments).found) throw new PathConflictError(path);
		writePath(record, segments, value);
	}
	return record;
}
