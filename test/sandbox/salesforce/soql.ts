/**
 * The subset of SOQL the sandbox understands: `SELECT f, … FROM Obj [WHERE c AND c …] [ORDER BY f [ASC|DESC], …]
 * [LIMIT n]`, conditions `field op value` with = != < <= > >= LIKE (`%` any run, `_` one character, case-insensitive)
 * and IN (…), values as quoted strings, numbers,
 * true/false/null and unquoted datetime literals. Anything else is Salesforce's MALFORMED_QUERY.
 */
export interface Condition {
	field: string;
	op: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'IN' | 'LIKE';
	value: unknown;
}

export interface SoqlQuery {
	fields: string[];
	object: string;
	where: Condition[];
	orderBy: Array<{ field: string; descending: boolean }>;
	limit?: number;
}

export class SoqlError extends Error {}

const tokenPattern = /\s*('(?:[^'\\]|\\.)*'|!=|<=|>=|[=<>(),]|[A-Za-z0-9_.:+-]+)/y;

function tokenize(text: string): string[] {
	const tokens: string[] = [];
	tokenPattern.lastIndex = 0;
	let position = 0;
	while (position < text.length) {
		if (/^\s*$/.test(text.slice(position))) break;
		tokenPattern.lastIndex = position;
		const match = tokenPattern.exec(text);
		if (!match) throw new SoqlError(`unexpected token at position ${position}`);
		tokens.push(match[1]);
		position = tokenPattern.lastIndex;
	}
	return tokens;
}

function literal(token: string | undefined): unknown {
	if (token === undefined) throw new SoqlError('missing value');
	if (token.startsWith("'")) return token.slice(1, -1).replace(/\\(.)/g, '$1');
	if (/^(true|false)$/i.test(token)) return token.toLowerCase() === 'true';
	if (/^null$/i.test(token)) return null;
	if (/^-?\d+(\.\d+)?$/.test(token)) return Number(token);
	if (/^\d{4}-\d{2}-\d{2}T/.test(token)) {
		const time = Date.parse(token.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
		if (Number.isNaN(time)) throw new SoqlError(`invalid datetime ${token}`);
		return new Date(time);
	}
	throw new SoqlError(`unexpected value ${token}`);
}

export function parseSoql(text: string): SoqlQuery {
	const tokens = tokenize(text);
	let index = 0;
	const peek = () => tokens[index]?.toUpperCase();
	const next = () => tokens[index++];
	const expect = (word: string) => {
		if (peek() !== word) throw new SoqlError(`expecting ${word}, found ${tokens[index] ?? 'end of query'}`);
		index++;
	};
	expect('SELECT');
	const fields: string[] = [];
	do {
		const field = next();
		if (!field || !/^[A-Za-z_][\w.]*$/.test(field)) throw new SoqlError(`unexpected field ${field ?? 'end of query'}`);
		fields.push(field);
	} while (tokens[index] === ',' && ++index);
	expect('FROM');
	const object = next();
	if (!object) throw new SoqlError('missing object');
	const where: Condition[] = [];
	if (peek() === 'WHERE') {
		index++;
		do {
			const field = next();
			const op = next()?.toUpperCase() as Condition['op'];
			if (!['=', '!=', '<', '<=', '>', '>=', 'IN', 'LIKE'].includes(op)) throw new SoqlError(`unexpected operator ${op}`);
			if (op === 'IN') {
				if (next() !== '(') throw new SoqlError('expecting ( after IN');
				const values: unknown[] = [];
				while (tokens[index] !== ')') {
					values.push(literal(next()));
					if (tokens[index] === ',') index++;
					else if (tokens[index] !== ')') throw new SoqlError('expecting , or ) in IN list');
				}
				index++;
				where.push({ field, op, value: values });
			} else {
				const value = literal(next());
				if (op === 'LIKE' && typeof value !== 'string') throw new SoqlError('LIKE takes a quoted string');
				where.push({ field, op, value });
			}
		} while (peek() === 'AND' && ++index);
	}
	const orderBy: SoqlQuery['orderBy'] = [];
	if (peek() === 'ORDER') {
		index++;
		expect('BY');
		do {
			const field = next();
			let descending = false;
			if (peek() === 'ASC' || peek() === 'DESC') descending = next().toUpperCase() === 'DESC';
			orderBy.push({ field, descending });
		} while (tokens[index] === ',' && ++index);
	}
	let limit: number | undefined;
	if (peek() === 'LIMIT') {
		index++;
		limit = Number(next());
		if (!Number.isInteger(limit) || limit < 0) throw new SoqlError('invalid LIMIT');
	}
	if (index < tokens.length) throw new SoqlError(`unexpected token ${tokens[index]}`);
	return { fields, object, where, orderBy, limit };
}

function comparable(value: unknown): number | string | boolean | null {
	if (value instanceof Date) return value.getTime();
	if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
		const time = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
		if (!Number.isNaN(time)) return time;
	}
	return (value as number | string | boolean | null | undefined) ?? null;
}

const inSets = new WeakMap<Condition, Set<unknown>>();

/** An IN list as a set (strings lower-cased: SOQL compares them case-insensitively), built once per query. */
function inSet(condition: Condition): Set<unknown> {
	let set = inSets.get(condition);
	if (!set) {
		set = new Set((condition.value as unknown[]).map((value) => {
			const wanted = comparable(value);
			return typeof wanted === 'string' ? wanted.toLowerCase() : wanted;
		}));
		inSets.set(condition, set);
	}
	return set;
}

const likePatterns = new WeakMap<Condition, RegExp>();

/** A LIKE pattern as a regular expression: `%` any run of characters, `_` one, `\` escapes; case-insensitive. */
function likePattern(condition: Condition): RegExp {
	let pattern = likePatterns.get(condition);
	if (!pattern) {
		const source = String(condition.value).replace(/\\([%_\\])|([%_])|([.*+?^${}()|[\]\\])/g, (_match, escaped?: string, wildcard?: string, special?: string) => {
			if (escaped) return escaped.replace(/[\\]/g, '\\\\');
			if (wildcard) return wildcard === '%' ? '.*' : '.';
			return `\\${special}`;
		});
		pattern = new RegExp(`^${source}$`, 'is');
		likePatterns.set(condition, pattern);
	}
	return pattern;
}

export function matches(record: Record<string, unknown>, condition: Condition): boolean {
	const actual = comparable(record[condition.field]);
	if (condition.op === 'IN') {
		const wanted = inSet(condition);
		return wanted.has(typeof actual === 'string' ? actual.toLowerCase() : actual);
	}
	if (condition.op === 'LIKE') return typeof actual === 'string' && likePattern(condition).test(actual);
	const wanted = comparable(condition.value);
	if (condition.op === '=' || condition.op === '!=') {
		// SOQL string comparison is case-insensitive.
		const equal = typeof actual === 'string' && typeof wanted === 'string' ? actual.toLowerCase() === wanted.toLowerCase() : actual === wanted;
		return condition.op === '=' ? equal : !equal;
	}
	if (actual === null || wanted === null) return false;
	if (condition.op === '<') return actual < wanted;
	if (condition.op === '<=') return actual <= wanted;
	if (condition.op === '>') return actual > wanted;
	return actual >= wanted;
}

export function compareBy(orderBy: SoqlQuery['orderBy']): (a: Record<string, unknown>, b: Record<string, unknown>) => number {
	return (a, b) => {
		for (const { field, descending } of orderBy) {
			const left = comparable(a[field]);
			const right = comparable(b[field]);
			if (left === right) continue;
			// Nulls first, as Salesforce sorts ascending by default.
			const order = left === null ? -1 : right === null ? 1 : left < right ? -1 : 1;
			return descending ? -order : order;
		}
		return 0;
	};
}
