/** Field mappings between the internal record model and one platform's fields, with value transforms. */
import { isPlainObject, sameValue } from './json';
import { getPath, setPath } from './paths';
import { extendValueMap, type FieldOptions, valueFromPlatform, valueToPlatform, type ValueMap } from './valueMap';

export type ValueTransform = 'trim' | 'lowercase' | 'uppercase' | 'e164' | 'date' | { map: Record<string, string> };

export interface FieldMapping {
	/**
	 * Path in the internal record; dots reach into nested objects (`address.city`). Paths joined by `+`
	 * (`firstName+lastName`) fill one platform field with their values joined by a space, and split it back
	 * (first word to the first path, the rest to the second) for platforms with a single name field.
	 */
	internal: string;
	/** The platform's field name (or dotted path for platforms with nested records). */
	external: string;
	/** Normalising transforms; a `{map}` transform renames the values it knows and passes the rest. */
	transforms?: ValueTransform[];
	/**
	 * For an enumerated field (stage, status, priority, country…): the platform's value for each internal value. A
	 * value neither mapped nor among the platform's options is refused for its record (see valueMap.ts).
	 */
	values?: ValueMap;
}

/** What a push knows of the platform: its enumerated fields' options, a name for messages, the record as it holds it. */
export interface PlatformValues {
	where: string;
	options?: FieldOptions;
	/** The platform record's fields as last seen or written (its snapshot). */
	held?: Record<string, unknown>;
}

export class MappingError extends Error {
	constructor(message: string, readonly field?: string) {
		super(message);
		this.name = 'MappingError';
	}
}

/**
 * `value` in lower case, the same string when it has no letter to lower: String#toLowerCase returns a new string
 * every time, and emails (match keys, a lowercase transform) are lowered several times for every record a sync moves.
 */
export function lowerCase(value: string): string {
	for (let index = 0; index < value.length; index++) {
		const code = value.charCodeAt(index);
		if ((code >= 65 && code <= 90) || code > 127) return value.toLowerCase();
	}
	return value;
}

/** `+` and digits only (at least one): already E.164, kept as the same string. */
function isE164(value: string): boolean {
	if (value.length < 2 || value.charCodeAt(0) !== 43) return false;
	for (let index = 1; index < value.length; index++) {
		const code = value.charCodeAt(index);
		if (code < 48 || code > 57) return false;
	}
	return true;
}

/** E.164 from common national and international spellings; numbers without a country code get `defaultCountryCode`. */
export function toE164(value: string, defaultCountryCode = '1'): string {
	const trimmed = value.trim();
	// Most numbers a sync reads back are what it wrote: not rebuilt (two new strings) for each of its comparisons.
	if (isE164(trimmed)) return trimmed;
	const digits = trimmed.replace(/\D/g, '');
	if (digits === '') return trimmed;
	if (trimmed.startsWith('+')) return `+${digits}`;
	if (trimmed.startsWith('00')) return `+${digits.slice(2)}`;
	return `+${defaultCountryCode}${digits.replace(/^0/, '')}`;
}

/**
 * A calendar date (`YYYY-MM-DD`) from an ISO 8601 date-time, its UTC day: HubSpot holds a deal's close date as a
 * date-time at midnight UTC where Salesforce holds the date, and the two must read the same or every run echoes it.
 * Anything that is not an ISO date-time is passed as it is, for the platform to accept or refuse.
 */
export function toCalendarDate(value: string): string {
	const trimmed = value.trim();
	if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(trimmed)) return value;
	const instant = new Date(trimmed);
	return Number.isNaN(instant.getTime()) ? value : instant.toISOString().slice(0, 10);
}

export function applyTransforms(value: unknown, transforms?: ValueTransform[]): unknown {
	// A loop, no default list: called for every field of every record a sync reads or writes.
	if (!transforms) return value;
	let current = value;
	for (const transform of transforms) {
		if (typeof current !== 'string') return current;
		if (transform === 'trim') current = current.trim();
		else if (transform === 'lowercase') current = lowerCase(current);
		else if (transform === 'uppercase') current = current.toUpperCase();
		else if (transform === 'e164') current = toE164(current);
		else if (transform === 'date') current = toCalendarDate(current);
		else current = transform.map[current] ?? current;
	}
	return current;
}

/**
 * Whether two values of a mapping's platform field say the same once normalised by its transforms (trim, case, E.164,
 * date), so a platform spelling what we wrote its own way (HubSpot's date-time for a date) is not a change.
 */
export function sameFieldValue(mapping: FieldMapping, a: unknown, b: unknown): boolean {
	const { normalising } = transformsOf(mapping);
	return sameValue(applyTransforms(a, normalising), applyTransforms(b, normalising));
}

/** A mapping's transforms sorted for reading: its `{map}` transforms reversed, and its normalising ones. */
interface ReadTransforms {
	/** The transforms these were worked out from. */
	source: ValueTransform[] | undefined;
	reverse: ValueTransform[];
	normalising: ValueTransform[];
}

/** Worked out once per mapping object, not once per field of every record (a sync's mappings live for its run). */
const readTransforms = new WeakMap<FieldMapping, ReadTransforms>();

function transformsOf(mapping: FieldMapping): ReadTransforms {
	let known = readTransforms.get(mapping);
	// A mapping given other transforms since is worked out again.
	if (!known || known.source !== mapping.transforms) {
		const transforms = mapping.transforms ?? [];
		known = {
			source: mapping.transforms,
			reverse: transforms
				.filter((transform): transform is { map: Record<string, string> } => typeof transform === 'object')
				.map((transform) => ({ map: Object.fromEntries(Object.entries(transform.map).map(([from, to]) => [to, from])) })),
			normalising: transforms.filter((transform) => typeof transform === 'string'),
		};
		readTransforms.set(mapping, known);
	}
	return known;
}

/** The internal value a mapping reads: one path, or several joined by a space. */
function internalValue(record: Record<string, unknown>, internal: string): unknown {
	if (!internal.includes('+')) return getPath(record, internal);
	const parts = internal.split('+').map((path) => getPath(record, path.trim()));
	if (parts.every((part) => part === undefined)) return undefined;
	return parts.filter((part) => part !== undefined && part !== null && String(part).trim() !== '').map(String).join(' ');
}

function setInternalValue(record: Record<string, unknown>, internal: string, value: unknown): void {
	if (!internal.includes('+')) return setPath(record, internal, value);
	const paths = internal.split('+').map((path) => path.trim());
	const words = typeof value === 'string' ? value.trim().split(/\s+/) : [];
	paths.forEach((path, index) => setPath(record, path, index < paths.length - 1 ? (words[index] ?? '') : words.slice(index).join(' ')));
}

/**
 * Internal record → platform fields. Unset internal values are left out, so a partial record updates only what it
 * has. An enumerated field (one with a value map, or one the platform lists options for) gets the platform's value
 * or throws an UnmappedValueError naming the field and the value.
 */
export function toPlatformFields(record: Record<string, unknown>, mappings: FieldMapping[], platform?: PlatformValues): Record<string, unknown> {
	const fields: Record<string, unknown> = {};
	for (const mapping of mappings) {
		const value = internalValue(record, mapping.internal);
		if (value === undefined) continue;
		const transformed = applyTransforms(value, mapping.transforms);
		const options = platform?.options?.[mapping.external];
		const enumerated = mapping.values !== undefined || options !== undefined;
		setPath(fields, mapping.external, enumerated
			? valueToPlatform(transformed, {
				field: mapping.external, internal: mapping.internal, where: platform?.where ?? 'the platform', map: mapping.values, options,
				held: platform?.held ? getPath(platform.held, mapping.external) : undefined,
			})
			: transformed);
	}
	return fields;
}

/**
 * Platform fields → internal record: picklist maps in reverse, then the normalising transforms (trim, case, E.164),
 * so the same value spelled differently on two platforms reads the same and is not a conflict.
 */
export function fromPlatformFields(fields: Record<string, unknown>, mappings: FieldMapping[], options?: FieldOptions): Record<string, unknown> {
	const record: Record<string, unknown> = {};
	for (const mapping of mappings) {
		const pulled = getPath(fields, mapping.external);
		if (pulled === undefined) continue;
		const value = valueFromPlatform(pulled, mapping.values, options?.[mapping.external]);
		const { reverse, normalising } = transformsOf(mapping);
		setInternalValue(record, mapping.internal, applyTransforms(applyTransforms(value, reverse), normalising));
	}
	return record;
}

/** Fails before anything is written when a mapping names a field the platform lacks. */
export function validateMappings(mappings: FieldMapping[], knownFields: string[], where: string): void {
	if (mappings.length === 0) throw new MappingError(`No field mappings for ${where}`);
	const known = new Set(knownFields);
	for (const mapping of mappings) {
		if (!mapping.internal || !mapping.external) {
			throw new MappingError(`A field mapping for ${where} is missing its internal or external field name`);
		}
		const root = mapping.external.split('.')[0];
		if (!known.has(root)) {
			throw new MappingError(`Field "${mapping.external}" does not exist on ${where} (mapped from "${mapping.internal}")`, mapping.external);
		}
		if (mapping.values !== undefined) validateValueMap(mapping, where);
	}
	refuseNestedPaths(mappings.map((mapping) => mapping.external), where, 'platform');
	refuseNestedPaths(mappings.flatMap((mapping) => mapping.internal.split('+').map((path) => path.trim())), where, 'internal');
}

/** `address` and `address.city` cannot both be filled: the second would write through the first one's value. */
function refuseNestedPaths(paths: string[], where: string, side: string): void {
	for (const outer of paths) {
		const inner = paths.find((path) => path.startsWith(`${outer}.`));
		if (inner) throw new MappingError(`The field mappings for ${where} fill the ${side} field "${outer}" and "${inner}" inside it: map one of them`, outer);
	}
}

function validateValueMap(mapping: FieldMapping, where: string): void {
	const { values } = mapping;
	const isTextMap = (entries: unknown) => isPlainObject(entries) && Object.values(entries).every((value) => typeof value === 'string');
	if (!values || !isTextMap(values.out) || (values.in !== undefined && !isTextMap(values.in))) {
		throw new MappingError(
			`The value map of "${mapping.external}" on ${where} must be {"out": {internal value: platform value, …}, "in"?: {platform value: internal value, …}} with text values`,
			mapping.external,
		);
	}
}

/**
 * A user's value maps over the chosen mappings, by platform field: `{"dealstage": {"PROSPECTING": "Discovery"}}`
 * (internal value → platform option) or `{"dealstage": {"out": {…}, "in": {…}}}`. Their entries extend the field's
 * map and win over it; a field no mapping fills is an error, as is anything but text values.
 */
export function withValueMaps(mappings: FieldMapping[], overrides: unknown, where: string): FieldMapping[] {
	if (overrides === undefined || overrides === null) return mappings;
	if (!isPlainObject(overrides)) throw new MappingError(`The value maps for ${where} must be an object keyed by platform field`);
	const extended = mappings.map((mapping) => ({ ...mapping }));
	for (const [field, given] of Object.entries(overrides)) {
		const mapping = extended.find((candidate) => candidate.external === field);
		if (!mapping) throw new MappingError(`Value map for "${field}" on ${where}: no field mapping fills "${field}"`, field);
		const map = isPlainObject(given) && isPlainObject(given.out) ? given as unknown as ValueMap : { out: given as Record<string, string> };
		validateValueMap({ ...mapping, values: map }, where);
		mapping.values = extendValueMap(mapping.values, map);
	}
	return extended;
}
