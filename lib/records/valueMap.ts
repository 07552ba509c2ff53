/**
 * Value maps: how an enumerated field (a deal stage, a ticket status, a priority, a country…) translates between the
 * internal record and one platform. Enumerations are never copied raw: a value the map does not know and the
 * platform does not list is refused per record, naming the field and the value, before anything is written.
 */

/** One option of an enumerated platform field: the value the platform stores and the label people see. */
export interface FieldOption {
	value: string;
	label?: string;
}

/** The options of a platform's enumerated fields, by platform field name (as the vendor lists them). */
export type FieldOptions = Record<string, FieldOption[]>;

/**
 * `out`: internal value → the platform's option (its stored value, or its label, resolved against the platform's
 * options). `in`: platform value → internal value, for a platform value that several internal values share; any
 * other platform value reads back through `out` reversed, its first entry winning.
 */
export interface ValueMap {
	out: Record<string, string>;
	in?: Record<string, string>;
}

/** One enumerated field of one platform: what a value is checked against on its way out. */
export interface EnumeratedField {
	/** The platform field, e.g. `dealstage`. */
	field: string;
	/** The internal path it is filled from, e.g. `stage`. */
	internal: string;
	/** Where the field lives, for messages: `hubspot deals`. */
	where: string;
	map?: ValueMap;
	/** The platform's options, when the vendor lists them. */
	options?: FieldOption[];
	/** The value the platform record holds now, as last seen: always acceptable to the platform it came from. */
	held?: unknown;
}

export class UnmappedValueError extends Error {
	readonly code = 'UNMAPPED_VALUE';

	constructor(message: string, readonly field: string, readonly value: unknown) {
		super(message);
		this.name = 'UnmappedValueError';
	}
}

/** Exact key first, then the same key ignoring case and surrounding blanks ("closed won" finds "Closed Won"). */
function lookup(entries: Record<string, string> | undefined, key: string): string | undefined {
	if (!entries) return undefined;
	if (Object.prototype.hasOwnProperty.call(entries, key)) return entries[key];
	const wanted = fold(key);
	const found = Object.keys(entries).find((candidate) => fold(candidate) === wanted);
	return found === undefined ? undefined : entries[found];
}

function fold(text: string): string {
	return text.trim().toLowerCase();
}

/** The option a text names: its stored value exactly, else its value or its label ignoring case. */
function findOption(options: FieldOption[], text: string): FieldOption | undefined {
	const wanted = fold(text);
	return options.find((option) => option.value === text)
		?? options.find((option) => fold(option.value) === wanted)
		?? options.find((option) => option.label !== undefined && fold(option.label) === wanted);
}

function listed(options: FieldOption[]): string {
	const shown = options.slice(0, 12).map((option) => (option.label && option.label !== option.value ? `${option.value} (${option.label})` : option.value));
	return `${shown.join(', ')}${options.length > shown.length ? ', …' : ''}`;
}

/**
 * The platform value for an internal value: the map's entry, else the platform option it already names, else a
 * platform value the map itself uses. Blank values pass (they clear the field); anything else is an error.
 */
export function valueToPlatform(value: unknown, rule: EnumeratedField): unknown {
	if (value === undefined || value === null || value === '') return value;
	const name = `${rule.where} field "${rule.field}"`;
	if (typeof value !== 'string' && typeof value !== 'number') {
		throw new UnmappedValueError(`${name} takes one of its options; "${rule.internal}" holds ${JSON.stringify(value)}`, rule.field, value);
	}
	const text = String(value);
	const target = lookup(rule.map?.out, text);
	if (target !== undefined) return resolveTarget(target, text, rule, name);
	// A value read raw from this very platform (one its map does not know) goes back to it unchanged.
	if ((typeof rule.held === 'string' || typeof rule.held === 'number') && String(rule.held) === text) return rule.held;
	if (rule.options) {
		const option = findOption(rule.options, text);
		if (option) return option.value;
	} else {
		const own = Object.values(rule.map?.out ?? {}).find((candidate) => fold(candidate) === fold(text));
		if (own !== undefined) return own;
	}
	const known = rule.options ? `; its options: ${listed(rule.options)}` : '';
	throw new UnmappedValueError(
		`${name} has no value for "${text}" (from "${rule.internal}"): add "${text}" to the value map${known}`,
		rule.field,
		value,
	);
}

/** A map entry names an option by value or label; the platform's own list says which stored value that is. */
function resolveTarget(target: string, text: string, rule: EnumeratedField, name: string): string {
	if (!rule.options) return target;
	const option = findOption(rule.options, target);
	if (option) return option.value;
	throw new UnmappedValueError(
		`${name}: the value map sends "${text}" (from "${rule.internal}") to "${target}", which is not one of its options: ${listed(rule.options)}`,
		rule.field,
		text,
	);
}

/**
 * The internal value for a platform value: the map's `in` entry, else the first `out` entry that sends a value to
 * it. A value the map does not know is kept as it is: pushing it elsewhere reports it there, naming it.
 */
export function valueFromPlatform(value: unknown, map: ValueMap | undefined, options?: FieldOption[]): unknown {
	if (!map || (typeof value !== 'string' && typeof value !== 'number') || value === '') return value;
	const text = String(value);
	const direct = lookup(map.in, text);
	if (direct !== undefined) return direct;
	const option = options ? findOption(options, text) : undefined;
	const names = new Set([fold(text), ...(option ? [fold(option.value), ...(option.label ? [fold(option.label)] : [])] : [])]);
	const entry = Object.entries(map.out).find(([, target]) => names.has(fold(target)));
	return entry ? entry[0] : value;
}

/** Extends `base` with `extra`: extra's entries win both ways (they come first when read back). */
export function extendValueMap(base: ValueMap | undefined, extra: ValueMap): ValueMap {
	return { out: { ...extra.out, ...withoutKeys(base?.out, extra.out) }, in: { ...base?.in, ...extra.in } };
}

function withoutKeys(entries: Record<string, string> | undefined, removed: Record<string, string>): Record<string, string> {
	const gone = new Set(Object.keys(removed).map(fold));
	return Object.fromEntries(Object.entries(entries ?? {}).filter(([key]) => !gone.has(fold(key))));
}
