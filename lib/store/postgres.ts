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

/** Postgres for n8n queue mode across hosts: every worker shares the same rows and constraints. */
export class PostgresDatabase implements SqlDatabase {
	readonly dialect = 'postgres' as const;
	private readonly pool: Pool;
	private readonly direct: SqlExecutor;

	constructor(config: PostgresConfig) {
		const schema = config.schema ?? 'public';
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
		this.direct = executor(this.pool);
	}

	query<T extends SqlRow = SqlRow>(sql: string, params?: SqlValue[]): Promise<T[]> {
		return this.direct.query<T>(sql, params);
	}

	run(sql: string, params?: SqlValue[]): Promise<RunResult> {
		return this.direct.run(sql, params);
	}

	async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
		const client = await this.pool.connect();
		try {
			await client.query('BEGIN');
			const result = await work(executor(client));
			await client.query('COMMIT');
			return result;
		} catch (error) {
			await client.query('ROLLBACK').catch(() => undefined);
			throw error;
		} finally {
			client.release();
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
