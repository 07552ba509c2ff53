import type { SqlExecutor, SqlValue } from './types';

/** Rows per multi-row INSERT: few statements for a large batch, far below both backends' parameter limits. */
export const INSERT_CHUNK_ROWS = 500;

export interface InsertMany {
	/** `table (column, …)`, as written after INSERT INTO. */
	into: string;
	/** Values per row, in the column order of `into`; every row the same length. */
	rows: SqlValue[][];
	/** What follows the VALUES list, e.g. an ON CONFLICT clause. */
	onConflict?: string;
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
	const { rows } = insert;
	if (rows.length === 0) return 0;
	const width = rows[0].length;
	// A statement holds at most 32,766 parameters on SQLite.
	const chunk = Math.max(1, Math.min(rowsPerStatement, Math.floor(32_000 / width)));
	let changes = 0;
	for (let start = 0; start < rows.length; ) {
		const count = statementRows(rows.length - start, chunk);
		// The statement's values in one array of its final size (flat() would grow one as it goes).
		const values: SqlValue[] = new Array(count * width);
		for (let row = 0; row < count; row++) {
			const rowValues = rows[start + row];
			if (rowValues.length !== width) throw new Error(`insertMany into ${insert.into}: every row must have ${width} values`);
			for (let column = 0; column < width; column++) values[row * width + column] = rowValues[column];
		}
		start += count;
		changes += (await executor.run(insertSql(insert, count, width), values)).changes;
	}
	return changes;
}
