/**
 * QuickBooks Online's query language, as far as the Accounting API documents it: `SELECT * | COUNT(*) | fields FROM
 * <Entity> [WHERE cond AND cond …] [ORDERBY field [ASC|DESC]] [STARTPOSITION n] [MAXRESULTS m]`. Conditions compare a
 * (dotted) property with `=`, `<`, `>`, `<=`, `>=`, `!=`, `IN (…)` or `LIKE '%…%'`; there is no OR. Keywords, entity and
 * property names are case-insensitive; strings are single-quoted with `\'` escapes. STARTPOSITION counts from 1 and
 * MAXRESULTS is at most 1000 (default 100).
 */

export type QueryValue = string | number | boolean;

export interface Condition {
	field: string;
	operator: '=' | '<' | '>' | '<=' | '>=' | '!=' | 'IN' | 'LIKE';
	values: QueryValue[];
}

export interface ParsedQuery {
	entity: string;
	count: boolean;
	conditions: Condition[];
	orderBy?: { field: string; descending: boolean };
	startPosition: number;
	maxResults: number;
}

export class QueryParseError extends Error {}

export const MAX_RESULTS = 1000;
const DEFAULT_RESULTS = 100;

const TOKEN = /\s*(?:'((?:\\'|[^'])*)'|(<=|>=|!=|[=<>(),*])|([A-Za-z_][A-Za-z0-9_.]*)|(-?\d+(?:\.\d+)?))/y;

type Token = { kind: 'string' | 'symbol' | 'word' | 'number'; text: string };

function tokenize(query: string): Token[] {
	const tokens: Token[] = [];
	TOKEN.lastIndex = 0;
	while (TOKEN.lastIndex < query.length) {
		if (/^\s*$/.test(query.slice(TOKEN.lastIndex))) break;
		const at = TOKEN.lastIndex;
		const match = TOKEN.exec(query);
		if (!match) throw new QueryParseError(`Encountered an unexpected character at column ${at + 1}`);
		if (match[1] !== undefined) tokens.push({ kind: 'string', text: match[1].replace(/\\'/g, "'") });
		else if (match[2] !== undefined) tokens.push({ kind: 'symbol', text: match[2] });
		else if (match[3] !== undefined) tokens.push({ kind: 'word', text: match[3] });
		else tokens.push({ kind: 'number', text: match[4] });
	}
	return tokens;
}

class Cursor {
	private index = 0;

	constructor(private readonly tokens: Token[]) {}

	peekWord(word: string): boolean {
		const token = this.tokens[this.index];
		return token?.kind === 'word' && token.text.toLowerCase() === word;
	}

	peekSymbol(symbol: string): boolean {
		const token = this.tokens[this.index];
		return token?.kind === 'symbol' && token.text === symbol;
	}

	done(): boolean {
		return this.index >= this.tokens.length;
	}

	next(what: string): Token {
		const token = this.tokens[this.index++];
		if (!token) throw new QueryParseError(`Encountered end of query, expected ${what}`);
		return token;
	}

	word(expected?: string): string {
		const token = this.next(expected ?? 'a name');
		if (token.kind !== 'word' || (expected && token.text.toLowerCase() !== expected)) {
			throw new QueryParseError(`Encountered "${token.text}", expected ${expected ?? 'a name'}`);
		}
		return token.text;
	}

	symbol(expected: string): void {
		const token = this.next(`"${expected}"`);
		if (token.kind !== 'symbol' || token.text !== expected) throw new QueryParseError(`Encountered "${token.text}", expected "${expected}"`);
	}

	integer(what: string): number {
		const token = this.next(what);
		const value = Number(token.text);
		if (token.kind !== 'number' || !Number.isInteger(value)) throw new QueryParseError(`Encountered "${token.text}", expected ${what}`);
		return value;
	}

	value(): QueryValue {
		const token = this.next('a value');
		if (token.kind === 'string') return token.text;
		if (token.kind === 'number') return Number(token.text);
		if (token.kind === 'word' && /^(true|false)$/i.test(token.text)) return token.text.toLowerCase() === 'true';
		throw new QueryParseError(`Encountered "${token.text}", expected a quoted string, a number or true/false`);
	}
}

export function parseQuery(query: string): ParsedQuery {
	const cursor = new Cursor(tokenize(query));
	cursor.word('select');
	let count = false;
	if (cursor.peekSymbol('*')) cursor.symbol('*');
	else if (cursor.peekWord('count')) {
		cursor.word('count');
		cursor.symbol('(');
		cursor.symbol('*');
		cursor.symbol(')');
		count = true;
	} else {
		// A field list: the sandbox answers every field, as QBO does for the fields it always returns.
		cursor.word();
		while (cursor.peekSymbol(',')) {
			cursor.symbol(',');
			cursor.word();
		}
	}
	cursor.word('from');
	const entity = cursor.word();
	const conditions: Condition[] = [];
	if (cursor.peekWord('where')) {
		cursor.word('where');
		conditions.push(condition(cursor));
		while (cursor.peekWord('and')) {
			cursor.word('and');
			conditions.push(condition(cursor));
		}
		if (cursor.peekWord('or')) throw new QueryParseError('Encountered "OR": the query language does not support OR');
	}
	let orderBy: ParsedQuery['orderBy'];
	if (cursor.peekWord('orderby')) {
		cursor.word('orderby');
		const field = cursor.word();
		let descending = false;
		if (cursor.peekWord('desc')) descending = Boolean(cursor.word('desc'));
		else if (cursor.peekWord('asc')) cursor.word('asc');
		orderBy = { field, descending };
	}
	let startPosition = 1;
	let maxResults = DEFAULT_RESULTS;
	if (cursor.peekWord('startposition')) {
		cursor.word('startposition');
		startPosition = cursor.integer('a start position');
		if (startPosition < 1) throw new QueryParseError('STARTPOSITION must be 1 or more');
	}
	if (cursor.peekWord('maxresults')) {
		cursor.word('maxresults');
		maxResults = cursor.integer('a number of results');
		if (maxResults < 1) throw new QueryParseError('MAXRESULTS must be 1 or more');
	}
	if (!cursor.done()) throw new QueryParseError(`Encountered "${cursor.next('end').text}" after the end of the query`);
	return { entity, count, conditions, orderBy, startPosition, maxResults: Math.min(maxResults, MAX_RESULTS) };
}

function condition(cursor: Cursor): Condition {
	const field = cursor.word();
	if (cursor.peekWord('in')) {
		cursor.word('in');
		cursor.symbol('(');
		const values = [cursor.value()];
		while (cursor.peekSymbol(',')) {
			cursor.symbol(',');
			values.push(cursor.value());
		}
		cursor.symbol(')');
		return { field, operator: 'IN', values };
	}
	if (cursor.peekWord('like')) {
		cursor.word('like');
		return { field, operator: 'LIKE', values: [cursor.value()] };
	}
	const token = cursor.next('an operator');
	if (token.kind !== 'symbol' || !['=', '<', '>', '<=', '>=', '!='].includes(token.text)) {
		throw new QueryParseError(`Encountered "${token.text}", expected an operator`);
	}
	return { field, operator: token.text as Condition['operator'], values: [cursor.value()] };
}

/** A property of a record by a case-insensitive dotted name; `PrimaryEmailAddr` means its `Address`, as QBO filters it. */
export function propertyOf(record: Record<string, unknown>, field: string): unknown {
	let value: unknown = record;
	for (const part of field.split('.')) {
		if (value === null || typeof value !== 'object') return undefined;
		const key = Object.keys(value).find((name) => name.toLowerCase() === part.toLowerCase());
		value = key === undefined ? undefined : (value as Record<string, unknown>)[key];
	}
	if (value !== null && typeof value === 'object') {
		const inner = value as Record<string, unknown>;
		if ('Address' in inner) return inner.Address;
		if ('value' in inner) return inner.value;
	}
	return value;
}

function compare(have: unknown, want: QueryValue): number | undefined {
	if (have === undefined || have === null) return undefined;
	if (typeof want === 'number') return Number(have) - want;
	if (typeof want === 'boolean') return have === want ? 0 : 1;
	const left = String(have).toLowerCase();
	const right = want.toLowerCase();
	return left < right ? -1 : left > right ? 1 : 0;
}

export function matches(record: Record<string, unknown>, conditions: Condition[]): boolean {
	return conditions.every(({ field, operator, values }) => {
		const have = propertyOf(record, field);
		if (operator === 'IN') return values.some((value) => compare(have, value) === 0);
		if (operator === 'LIKE') {
			if (have === undefined || have === null) return false;
			const pattern = String(values[0]).toLowerCase().split('%').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
			return new RegExp(`^${pattern}$`, 's').test(String(have).toLowerCase());
		}
		const order = compare(have, values[0]);
		if (order === undefined) return false;
		return operator === '=' ? order === 0 : operator === '!=' ? order !== 0 : operator === '<' ? order < 0 : operator === '>' ? order > 0 : operator === '<=' ? order <= 0 : order >= 0;
	});
}
