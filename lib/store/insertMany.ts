import type { SqlExecutor, SqlValue } from './types';

/** Rows per multi-row INSERT: few statements for a large batch, far below both backends' parameter limits. */
export const INSERT_CHUNK_ROWS = 500;

export type InsertMany = {
	/** `table (column, …)`, as written after INSERT INTO. */
	into: string;
	/** What follows the VALUES list, e.g. an ON CONFLICT clause. */
	onConflict?: string;
} & (
	| {
			/** Values per row, in the column order of `into`; every row the same length. */
			rows: SqlValue[][];
	  }
	| {
			/**
			 * The rows' values one after another, `width` per row: what a hot caller hands, as it saves an array per row and
			 * the copy into the statement's values (a batch of at most one statement's rows is sent as it is).
			 */
			values: SqlValue[];
			width: number;
	  }
);

/**
 * The last of each key, in the order given: what one multi-row upsert may take on PostgreSQL, which refuses a statement
 * that touches a row twice. The rows as given when no key repeats; positions by key, not a pair per row.
 */
export function lastOfEach<T>(rows: T[], keyOf: (row: T) => string): T[] {
	const positions = new Map<string, number>();
	for (let index = 0; index < rows.length; index++) positions.set(keyOf(rows[index]), index);
	return positions.size === rows.length ? rows : rows.filter((row, index) => positions.get(keyOf(row)) === index);
}

/**
 * Rows for the next statement: a full chunk, else the largest power of two left, so a batch of any length uses a few
 * distinct statements (each backend keeps its prepared statements, outside the JS heap on SQLite).
 */
function statementRows(left: number, chunk: number): number {
	if (left >= chunk) return chunk;
	return 2 ** Math.floor(Math.log2(left));
}

/**
 * The statement's text, made once per table, row count and width: a statement of 500 rows is some 16 kB of text, which
 * the backends' statement caches would otherwise read through at every use.
 */
const statements = new Map<string, string>();

function insertSql(insert: InsertMany, count: number, width: number): string {
	const key = `${insert.into}\u0000${count}\u0000${width}\u0000${insert.onConflict ?? ''}`;
	let sql = statements.get(key);
	if (sql === undefined) {
		const tuple = `(${Array.from({ length: width }, () => '?').join(', ')})`;
		sql = `INSERT INTO ${insert.into} VALUES ${Array.from({ length: count }, () => tuple).join(', ')}${insert.onConflict ? ` ${insert.onConflict}` : ''}`;
		statements.set(key, sql);
	}
	return sql;
}

/**
 * Inserts many rows with one statement per chunk of rows (`VALUES (?, ?), (?, ?), …`) instead of one statement per row.
 * Atomic only inside the caller's transaction. Returns the rows changed in all.
 */
export async function insertMany(executor: SqlExecutor, insert: InsertMany, rowsPerStatement = INSERT_CHUNK_ROWS): Promise<number> {
	const flat = 'values' in insert ? insert : undefined;
	const rows = 'rows' in insert ? insert.rows : [];
	const rowCount = flat ? flat.values.length / flat.width : rows.length;
	if (rowCount === 0) return 0;
	if (flat && !Number.isInteger(rowCount)) throw new Error(`insertMany into ${insert.into}: ${flat.values.length} values are not rows of ${flat.width}`);
	const width = flat ? flat.width : rows[0].length;
	// A statement holds at most 32,766 parameters on SQLite.
	const chunk = Math.max(1, Math.min(rowsPerStatement, Math.floor(32_000 / width)));
	let changes = 0;
	for (let start = 0; start < rowCount; ) {
		const count = statementRows(rowCount - start, chunk);
		const values = flat ? flatValues(flat.values, start, count, width) : statementValues(insert.into, rows, start, count, width);
		start += count;
		changes += (await executor.run(insertSql(insert, count, width), values)).changes;
	}
	return changes;
}

/** A statement's share of flat values: all of them when they are one statement's, else a copy of its range. */
function flatValues(values: SqlValue[], start: number, count: number, width: number): SqlValue[] {
	return start === 0 && count * width === values.length ? values : values.slice(start * width, (start + count) * width);
}

/** A statement's values from rows, in one array of its final size (flat() would grow one as it goes). */
function statementValues(into: string, rows: SqlValue[][], start: number, count: number, width: number): SqlValue[] {
	const values: SqlValue[] = new Array(count * width);
	for (let row = 0; row < count; row++) {
		const rowValues = rows[start + row];
		if (rowValues.length !== width) throw new Error(`insertMany into ${into}: every row must have ${width} values`);
		for (let column = 0; column < width; column++) values[row * width + column] = rowValues[column];
	}
	return values;
}
