import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';

import { Mutex } from './mutex';
import type { RunResult, SqlDatabase, SqlExecutor, SqlRow, SqlValue } from './types';

/** How long a writer waits for another process's write lock before giving up. */
const BUSY_TIMEOUT_MS = 30_000;

/**
 * Switching a new file to WAL takes a lock SQLite's busy handler does not wait for, so processes opening one new
 * database at once (n8n's workers on their first execution) can be refused it: they try again until the busy timeout.
 */
function enableWal(db: DatabaseSync): void {
	const deadline = Date.now() + BUSY_TIMEOUT_MS;
	for (;;) {
		try {
			db.exec('PRAGMA journal_mode = WAL');
			return;
		} catch (error) {
			if (!/database is locked/i.test((error as Error).message) || Date.now() > deadline) throw error;
			// A synchronous pause: the constructor cannot await, and the holder is another process.
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
		}
	}
}

type Statement = ReturnType<DatabaseSync['prepare']>;

/** A prepared statement with the names of its result columns, once it has been read as arrays. */
interface PreparedStatement {
	statement: Statement;
	names?: string[];
	/** An object with every result column, null: each row object is a copy of it. */
	template?: Record<string, unknown>;
}

/** Whether this Node's node:sqlite can return rows as arrays (Node 22.16 and 24). */
function readsArrays(statement: Statement): boolean {
	const candidate = statement as Partial<{ setReturnArrays: unknown; columns: unknown }>;
	return typeof candidate.setReturnArrays === 'function' && typeof candidate.columns === 'function';
}

/**
 * SQLite through Node's built-in `node:sqlite`: no dependency, a file in the n8n user folder.
 * WAL lets readers run beside the one writer; `BEGIN IMMEDIATE` takes the write lock up front so two
 * processes racing on the same row serialise instead of failing on lock upgrade.
 */
export class SqliteDatabase implements SqlDatabase {
	readonly dialect = 'sqlite' as const;
	private readonly db: DatabaseSync;
	/** node:sqlite is one connection: async work inside a transaction must not interleave with other callers. */
	private readonly lock = new Mutex();
	/** Marks the async context of an open transaction, to refuse calls that would wait for the lock it holds. */
	private readonly openTransaction = new AsyncLocalStorage<{ open: boolean }>();
	private readonly statements = new Map<string, PreparedStatement>();

	constructor(file: string) {
		if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
		this.db = new DatabaseSync(file);
		this.db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
		enableWal(this.db);
		this.db.exec('PRAGMA synchronous = NORMAL');
		this.db.exec('PRAGMA foreign_keys = ON');
	}

	async query<T extends SqlRow = SqlRow>(sql: string, params: SqlValue[] = []): Promise<T[]> {
		return this.exclusive(async () => this.querySync<T>(sql, params));
	}

	async run(sql: string, params: SqlValue[] = []): Promise<RunResult> {
		return this.exclusive(async () => this.runSync(sql, params));
	}

	async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
		return this.exclusive(async () => {
			this.db.exec('BEGIN IMMEDIATE');
			const tx: SqlExecutor = {
				dialect: 'sqlite',
				query: async <R extends SqlRow>(sql: string, params: SqlValue[] = []) => this.querySync<R>(sql, params),
				run: async (sql: string, params: SqlValue[] = []) => this.runSync(sql, params),
			};
			const marker = { open: true };
			try {
				const result = await this.openTransaction.run(marker, async () => await work(tx));
				this.db.exec('COMMIT');
				return result;
			} catch (error) {
				this.db.exec('ROLLBACK');
				throw error;
			} finally {
				marker.open = false;
			}
		});
	}

	async close(): Promise<void> {
		await this.exclusive(async () => {
			this.statements.clear();
			this.db.close();
		});
	}

	/**
	 * Runs `work` holding the connection. Inside a transaction's `work`, a call on the database itself (not on `tx`)
	 * would wait for the lock that very transaction holds, forever: it fails at once instead.
	 */
	private async exclusive<T>(work: () => Promise<T>): Promise<T> {
		if (this.openTransaction.getStore()?.open) {
			throw new Error('SQLite store used inside its own transaction: use the transaction\'s executor (tx) there');
		}
		return this.lock.runExclusive(work);
	}

	private prepared(sql: string): PreparedStatement {
		let prepared = this.statements.get(sql);
		if (!prepared) {
			prepared = { statement: this.db.prepare(sql) };
			this.statements.set(sql, prepared);
		}
		return prepared;
	}

	private querySync<T>(sql: string, params: SqlValue[]): T[] {
		const prepared = this.prepared(sql);
		const { statement } = prepared;
		if (!readsArrays(statement)) return statement.all(...(params as SQLInputValue[])) as T[];
		// node:sqlite builds each row object through V8's API as a dictionary-mode object that is allocated in old space
		// whatever its life: a read of N rows adds N objects of garbage there until the next full collection, so old
		// space (and RSS) grew with every row a sync read. Its rows as arrays are ordinary young objects, and so are
		// objects made from them here.
		if (prepared.names === undefined) {
			statement.setReturnArrays(true);
			prepared.names = statement.columns().map((column) => column.name);
			prepared.template = {};
			for (const name of prepared.names) prepared.template[name] = null;
		}
		const { names, template } = prepared as Required<PreparedStatement>;
		const rows = statement.all(...(params as SQLInputValue[])) as unknown as unknown[][];
		const objects = new Array<Record<string, unknown>>(rows.length);
		for (let index = 0; index < rows.length; index++) {
			const values = rows[index];
			// A copy of a template holding every column: its shape made at once, where adding each column to `{}` moved the
			// object through a shape per column and grew its property store as it went (161 against 176 bytes a row).
			const row: Record<string, unknown> = { ...template };
			for (let column = 0; column < names.length; column++) row[names[column]] = values[column];
			objects[index] = row;
		}
		return objects as T[];
	}

	private runSync(sql: string, params: SqlValue[]): RunResult {
		if (params.length === 0 && sql.includes(';')) {
			this.db.exec(sql);
			return { changes: 0 };
		}
		const result = this.prepared(sql).statement.run(...(params as SQLInputValue[]));
		return { changes: Number(result.changes) };
	}
}
