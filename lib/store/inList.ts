import type { SqlExecutor, SqlRow, SqlValue } from './types';

/**
 * The one way to put a list of values in a statement: `column IN (?, ?, …)`, in chunks. A statement takes at most
 * 32,766 parameters on SQLite and 65,535 on PostgreSQL; a list of ids from a caller (a replay of dead letters, a page
 * of records) can be longer, and a statement that fails on the limit fails the whole operation.
 */

/** Values per IN list: far below both limits, with room for the statement's other parameters. */
export const IN_LIST_CHUNK = 500;

export interface InListChunk<V extends SqlValue> {
	/** The values of this chunk, in the order given. */
	values: V[];
	/** `?, ?, …`: one placeholder per value, to put inside `IN (…)`. */
	placeholders: string;
}

/** A statement for one chunk: its SQL (with the chunk's placeholders in it) and all its parameters in order. */
export type InListStatement<V extends SqlValue> = (chunk: InListChunk<V>) => { sql: string; params: SqlValue[] };

/**
 * The values in chunks of at most `size`: a list that fits one chunk as it is, repeats and all (IN is a set: a repeat
 * costs a parameter, where a Set to drop it cost ~45 bytes a value, for each of the ~16 values a synced record is looked
 * up by); a longer one as its distinct values in the order first given, so no row comes back from two chunks.
 */
export function* inListChunks<V extends SqlValue>(values: Iterable<V>, size = IN_LIST_CHUNK): Generator<InListChunk<V>> {
	if (!(Number.isSafeInteger(size) && size >= 1)) throw new Error(`An IN list chunk holds at least 1 value, got ${size}`);
	if (Array.isArray(values) && values.length <= size) {
		if (values.length > 0) yield { values, placeholders: placeholders(values.length) };
		return;
	}
	const distinct = values instanceof Set ? [...(values as Set<V>)] : [...new Set(values)];
	for (let start = 0; start < distinct.length; start += size) {
		// Most lists fit one chunk (a page, a batch): taken whole, not copied.
		const part = start === 0 && distinct.length <= size ? distinct : distinct.slice(start, start + size);
		yield { values: part, placeholders: placeholders(part.length) };
	}
}

/** `?, ?, …` by count: the same few counts (a page, a batch, the chunk size) come back for every statement. */
const placeholderLists = new Map<number, string>();

function placeholders(count: number): string {
	let list = placeholderLists.get(count);
	if (list === undefined) {
		list = Array.from({ length: count }, () => '?').join(', ');
		if (placeholderLists.size < 1000) placeholderLists.set(count, list);
	}
	return list;
}

/**
 * A statement's texts by count of values, for a fixed text around its IN list: a hot caller (a sync looks up each page
 * of records by several lists) takes the same few texts again instead of building, and SQLite's statement cache then
 * flattening, a new text of some 700 characters for every list.
 */
export class InListSql {
	private readonly texts = new Map<number, string>();

	constructor(
		private readonly before: string,
		private readonly after = '',
	) {}

	/** The text for `count` values: `before ?, ?, … after`. */
	text(count: number): string {
		let text = this.texts.get(count);
		if (text === undefined) {
			text = `${this.before}${placeholders(count)}${this.after}`;
			if (this.texts.size < 1000) this.texts.set(count, text);
		}
		return text;
	}
}

/**
 * Runs a SELECT once per chunk and returns every row, chunk after chunk. An ORDER BY holds within a chunk only:
 * sort the rows afterwards when the order matters across chunks. No values, no query.
 */
export async function selectIn<T extends SqlRow, V extends SqlValue>(
	executor: SqlExecutor,
	values: Iterable<V>,
	statement: InListStatement<V>,
	size = IN_LIST_CHUNK,
): Promise<T[]> {
	// One chunk's rows (most lists) are returned as read, not copied into another array.
	let rows: T[] | undefined;
	for (const chunk of inListChunks(values, size)) {
		const { sql, params } = statement(chunk);
		const found = await executor.query<T>(sql, params);
		if (rows === undefined) rows = found;
		else rows.push(...found);
	}
	return rows ?? [];
}

/** Runs an UPDATE or DELETE once per chunk; returns the rows changed in all. Atomic only inside the caller's transaction. */
export async function runIn<V extends SqlValue>(executor: SqlExecutor, values: Iterable<V>, statement: InListStatement<V>, size = IN_LIST_CHUNK): Promise<number> {
	let changes = 0;
	for (const chunk of inListChunks(values, size)) {
		const { sql, params } = statement(chunk);
		changes += (await executor.run(sql, params)).changes;
	}
	return changes;
}
