/**
 * What each operation takes, declared once as data: the fields of an input and the kind of value each must hold.
 * Values that key money, stock, records or usage are checked by type and never coerced: `String(undefined)` would
 * charge a payment under the id "undefined", `Number("2")` would reinterpret an order line. A check answers the
 * value (an integer id becomes its decimal text, a currency code its upper case) or the violations, each naming the
 * field by its path (`lines[2].quantity`). Nodes and engine entry points check against the same schema.
 */

import { isPlainObject } from './json';
import { isCurrencyCode } from './money';

/** One field that is not what its operation needs. */
export interface InputViolation {
	/** The field's path in the input: `paymentId`, `lines[2].sku`. */
	field: string;
	/** What is wrong, in words: "must be a whole number of at least 1, got the string "2"". */
	problem: string;
}

/** Thrown by an entry point given input that breaks its schema; the message names the first field. */
export class InputError extends Error {
	readonly violations: InputViolation[];

	/** `subject` opens the message ("Payment: amount must be…"); an empty one leaves only the violations. */
	constructor(violations: InputViolation[], subject = 'Invalid input') {
		super(subject ? `${subject}: ${describeViolations(violations)}` : describeViolations(violations));
		this.name = 'InputError';
		this.violations = violations;
	}
}

export type Checked<T> = { value: T; violations?: undefined } | { value?: undefined; violations: InputViolation[] };

/** The kind of value one field holds. */
export interface Rule<T> {
	/** What the value must be, for messages: "a non-empty string or a whole number". */
	readonly expected: string;
	/** An optional field may be left out (undefined, null or ""). */
	readonly optional?: boolean;
	check(value: unknown, field: string): Checked<T>;
}

export type Schema = Record<string, Rule<unknown>>;

/** The checked value a schema describes: optional fields may be undefined. */
export type Parsed<S extends Schema> = { [K in keyof S]: S[K] extends Rule<infer T> ? T : never };

function rule<T>(expected: string, accept: (value: unknown) => T | undefined, optional = false): Rule<T> {
	return {
		expected,
		optional,
		check(value, field) {
			const accepted = accept(value);
			return accepted === undefined ? { violations: [{ field, problem: `must be ${expected}, got ${describeValue(value)}` }] } : { value: accepted };
		},
	};
}

/** A key: a string with something besides spaces in it, or a safe non-negative integer (which becomes its decimal text). */
export function id(): Rule<string> {
	return rule('a non-empty string or a whole number', (value) => {
		if (typeof value === 'string') return value.trim() === '' ? undefined : value;
		if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
		return undefined;
	});
}

/** Free text (a description, a label): any string, empty included. */
export function text(): Rule<string> {
	return rule('a string', (value) => (typeof value === 'string' ? value : undefined));
}

/** Text that names something and is never a number (a SKU, a token, an event type): a string with something besides spaces. */
export function nonEmptyString(): Rule<string> {
	return rule('a non-empty string', (value) => (typeof value === 'string' && value.trim() !== '' ? value : undefined));
}

/** A switch: true or false, never "false". */
export function boolean(): Rule<boolean> {
	return rule('true or false', (value) => (typeof value === 'boolean' ? value : undefined));
}

/** An ISO 3166 alpha-2 country code ("us" is read as US). */
export function countryCode(): Rule<string> {
	return rule('a two-letter ISO 3166 country code such as "US"', (value) => (typeof value === 'string' && /^[A-Za-z]{2}$/.test(value) ? value.toUpperCase() : undefined));
}

/** An amount of money in major units: a finite number above 0; a numeric string is refused, not read. */
export function amount(): Rule<number> {
	return rule('a number above 0', (value) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined));
}

/** A count of units: a whole number of at least `min` (1 by default, a quantity of goods). */
export function wholeNumber(min = 1): Rule<number> {
	return rule(`a whole number of at least ${min}`, (value) => (typeof value === 'number' && Number.isSafeInteger(value) && value >= min ? value : undefined));
}

/** A signed change in units (a stock correction): a whole number other than 0. */
export function signedWholeNumber(): Rule<number> {
	return rule('a whole number other than 0', (value) => (typeof value === 'number' && Number.isSafeInteger(value) && value !== 0 ? value : undefined));
}

/** An ISO 4217 code with a minor unit (lib/records/money.ts); "usd" is read as USD. */
export function currency(): Rule<string> {
	return rule('an ISO 4217 currency code such as "USD"', (value) => {
		if (typeof value !== 'string') return undefined;
		const code = value.toUpperCase();
		return isCurrencyCode(code) ? code : undefined;
	});
}

/** One of a fixed set of strings. */
export function oneOf<T extends string>(values: readonly T[]): Rule<T> {
	return rule(`one of ${values.map((value) => JSON.stringify(value)).join(', ')}`, (value) => (values.includes(value as T) ? (value as T) : undefined));
}

/** An object with any keys (its contents are the operation's business, e.g. an event's data). */
export function object(): Rule<Record<string, unknown>> {
	return rule('an object', (value) => (isPlainObject(value) ? value : undefined));
}

/** An object whose every value holds `values` (processor → token). */
export function recordOf<T>(values: Rule<T>): Rule<Record<string, T>> {
	return {
		expected: `an object of ${values.expected}`,
		check(value, field) {
			if (!isPlainObject(value)) return { violations: [{ field, problem: `must be an object of ${values.expected}, got ${describeValue(value)}` }] };
			return collect(Object.entries(value).map(([key, entry]) => [key, values.check(entry, `${field}.${key}`)] as const), (entries) => Object.fromEntries(entries));
		},
	};
}

/** A list whose every entry holds `entries`; `nonEmpty` refuses []. */
export function listOf<T>(entries: Rule<T>, options: { nonEmpty?: boolean } = {}): Rule<T[]> {
	const expected = `${options.nonEmpty ? 'a non-empty' : 'an'} array of ${entries.expected}`;
	return {
		expected,
		check(value, field) {
			if (!Array.isArray(value) || (options.nonEmpty && value.length === 0)) return { violations: [{ field, problem: `must be ${expected}, got ${describeValue(value)}` }] };
			return collect(value.map((entry, index) => [index, entries.check(entry, `${field}[${index}]`)] as const), (pairs) => pairs.map(([, checked]) => checked));
		},
	};
}

/** A nested object with its own fields. */
export function shape<S extends Schema>(schema: S, expected = 'an object'): Rule<Parsed<S>> {
	return {
		expected,
		check(value, field) {
			return checkInput(schema, value, field);
		},
	};
}

/**
 * The same rule, but the field may be left out: undefined and null read as absent, and "" too unless `emptyText` is
 * false (an empty text parameter is n8n's "not set"; an empty quantity is no number, never the default).
 */
export function optional<T>(inner: Rule<T>, options: { emptyText?: boolean } = {}): Rule<T | undefined> {
	const emptyIsAbsent = options.emptyText !== false;
	return {
		expected: `${inner.expected} (or nothing)`,
		optional: true,
		check(value, field) {
			return value === undefined || value === null || (emptyIsAbsent && value === '') ? { value: undefined } : inner.check(value, field);
		},
	};
}

/** Checks an input against its schema; every field is checked, so all violations are reported at once. */
export function checkInput<S extends Schema>(schema: S, input: unknown, path = ''): Checked<Parsed<S>> {
	if (!isPlainObject(input)) return { violations: [{ field: path || 'input', problem: `must be an object, got ${describeValue(input)}` }] };
	const fields = Object.entries(schema).map(([name, fieldRule]) => [name, fieldRule.check(input[name], path ? `${path}.${name}` : name)] as const);
	return collect(fields, (entries) => Object.fromEntries(entries.filter(([, value]) => value !== undefined)) as Parsed<S>);
}

/** The checked value, or an InputError naming every field that is wrong (`subject` opens its message). */
export function assertInput<S extends Schema>(schema: S, input: unknown, subject?: string): Parsed<S> {
	const checked = checkInput(schema, input);
	if (checked.violations) throw new InputError(checked.violations, subject);
	return checked.value;
}

function collect<K, T, R>(checks: ReadonlyArray<readonly [K, Checked<T>]>, build: (entries: Array<[K, T]>) => R): Checked<R> {
	const violations = checks.flatMap(([, checked]) => checked.violations ?? []);
	if (violations.length > 0) return { violations };
	return { value: build(checks.map(([key, checked]) => [key, checked.value as T])) };
}

/** "lines[0].quantity must be a whole number of at least 1, got -3; lines[1].sku must be …" */
export function describeViolations(violations: InputViolation[]): string {
	return violations.map((violation) => `${violation.field} ${violation.problem}`).join('; ');
}

/**
 * The value as a message may show it: short strings and numbers in full, anything long (which could be a card
 * number or a token) by its kind only.
 */
export function describeValue(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (value === null) return 'null';
	if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string') {
		if (value === '') return 'an empty string';
		if (value.trim() === '') return 'a string of spaces';
		return value.length <= 12 ? `the string ${JSON.stringify(value)}` : 'a string';
	}
	if (typeof value === 'number') return String(value).length <= 12 ? `the number ${value}` : 'a number';
	if (typeof value === 'boolean') return `${value}`;
	return `a ${typeof value}`;
}
