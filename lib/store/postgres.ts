import { Pool, types, type PoolClient } from 'pg';

import type { PostgresConfig, RunResult, SqlDatabase, SqlExecutor, SqlRow, SqlValue } from './types';

// BIGINT (int8) and NUMERIC come back as strings by default; every value we store in them fits a double.
const parseNumber = (value: string) => Number(value);
const typeParsers = {
	getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
		oid === types.builtins.INT8 || oid === types.builtins.NUMERIC
			? parseNumber
			: types.getTypeParser(oid, format)) as typeof types.getTypeParser,
};

/** Portable SQL uses `?`; Postgres wants `$1, $2, …`. Our SQL never puts `?` inside a string literal. */
export function toPostgresPlaceholders(sql: string): string {
	let index = 0;
	return sql.replace(/\?/g, () => `$${++index}`);
}

function executor(client: Pool | PoolClient): SqlExecutor {
	return {
		dialect: 'postgres',
		query: async <T extends SqlRow>(sql: string, params: SqlValue[] = []) =>
			(await client.query({ text: toPostgresPlaceholders(sql), values: params, types: typeParsers })).rows as T[],
		run: async (sql: string, params: SqlValue[] = []): Promise<RunResult> => {
			const result = await client.query({ text: toPostgresPlaceholders(sql), values: params, types: typeParsers });
			return { changes: result.rowCount ?? 0 };
		},
	};
}

/** PostgreSQL chose the statement's transaction as a deadlock's victim (SQLSTATE 40P01): it may be run again. */
export function isDeadlock(error: unknown): boolean {
	return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '40P01';
}

/** Serialises schema changes (creating the schema, migrating) across every process sharing the database. */
export const SCHEMA_CHANGE_LOCK = 'SELECT pg_advisory_xact_lock(727274)';

/** Schema names go into a connection option and DDL unquoted, so only plain identifiers are accepted. */
const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Postgres for n8n queue mode across hosts: every worker shares the same rows and constraints. */
export class PostgresDatabase implements SqlDatabase {
	readonly dialect = 'postgres' as const;
	private readonly pool: Pool;
	private readonly direct: SqlExecutor;
	private readonly schema: string;

	constructor(config: PostgresConfig) {
		const schema = config.schema || 'public';
		if (!PLAIN_IDENTIFIER.test(schema)) {
			throw new Error(`Postgres schema "${schema}" must be a plain identifier: letters, digits and underscores`);
		}
		this.schema = schema;
		this.pool = new Pool({
			host: config.host,
			port: config.port,
			database: config.database,
			user: config.user,
			password: config.password,
			ssl: config.ssl ? { rejectUnauthorized: false } : undefined,
			max: 10,
			options: `-c search_path=${schema}`,
		});
		// An idle connection the server drops (restart, failover, idle timeout) is discarded by the pool; without a
		// listener its 'error' event would crash the whole n8n process.
		this.pool.on('error', () => undefined);
		this.direct = executor(this.pool);
	}

	/** Creates the configured schema if it is missing, so a new environment needs no manual DDL. */
	async ensureSchema(): Promise<void> {
		// Checked first: CREATE SCHEMA needs the CREATE privilege on the database even when the schema exists.
		const existing = await this.query('SELECT 1 FROM pg_namespace WHERE nspname = ?', [this.schema.toLowerCase()]);
		if (existing.length > 0) return;
		await this.transaction(async (tx) => {
			// Concurrent CREATE SCHEMA IF NOT EXISTS can still collide on the catalog's unique index: serialise.
			await tx.run(SCHEMA_CHANGE_LOCK);
			await tx.run(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
		});
	}

	query<T extends SqlRow = SqlRow>(sql: string, params?: SqlValue[]): Promise<T[]> {
		return this.direct.query<T>(sql, params);
	}

	run(sql: string, params?: SqlValue[]): Promise<RunResult> {
		return this.direct.run(sql, params);
	}

	async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
		const client = await this.pool.connect();
		let broken: Error | undefined;
		try {
			await client.query('BEGIN');
			const result = await work(executor(client));
			await client.query('COMMIT');
			return result;
		} catch (error) {
			await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
			throw error;
		} finally {
			// A connection that could not roll back may still hold the transaction open: destroy it, don't reuse it.
			client.release(broken);
		}
	}

	async close(): Promise<void> {
		await this.pool.end();
	}
}

/** Opens one connection and runs `SELECT 1`: the credential test of the Integration State Store. */
export async function checkPostgresConnection(config: PostgresConfig): Promise<void> {
	const database = new PostgresDatabase(config);
	try {
		await database.query('SELECT 1');
	} finally {
		await database.close();
	}
}
