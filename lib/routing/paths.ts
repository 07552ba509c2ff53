/** Dotted paths into plain JSON objects (`customer.address.city`), shared by filters, transforms and templates. */

export function splitPath(path: string): string[] {
	return path.split('.');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `segments`, or `undefined` with `found: false` when a step is missing. */
export function readPath(source: unknown, segments: readonly string[]): { found: boolean; value: unknown } {
	let current: unknown = source;
	for (const segment of segments) {
		if (!isPlainObject(current) || !Object.prototype.hasOwnProperty.call(current, segment)) return { found: false, value: undefined };
		current = current[segment];
	}
	return { found: true, value: current };
}

/** Sets a value, creating intermediate objects; throws when a step on the way is a value that is not an object. */
export function writePath(target: Record<string, unknown>, segments: readonly string[], value: unknown): void {
	let current = target;
	for (let i = 0; i < segments.length - 1; i++) {
		const segment = segments[i];
		const next = current[segment];
		if (next === undefined) current[segment] = {};
		else if (!isPlainObject(next)) throw new Error(`"${segments.slice(0, i + 1).join('.')}" is not an object`);
		current = current[segment] as Record<string, unknown>;
	}
	current[segments[segments.length - 1]] = value;
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

/** A deep copy of plain JSON data (objects, arrays, scalars); several times faster than structuredClone for events. */
export function cloneJson<T>(value: T): T {
	if (value === null || typeof value !== 'object') return value;
	if (Array.isArray(value)) return value.map(cloneJson) as T;
	const copy: Record<string, unknown> = {};
	for (const key in value) copy[key] = cloneJson((value as Record<string, unknown>)[key]);
	return copy as T;
}
