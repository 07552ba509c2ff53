/**
 * The state store: one interface, two backends (SQLite by default, Postgres for queue mode across hosts).
 * Capabilities talk SQL through this narrow door; SQL is written once with `?` placeholders and portable
 * types (TEXT, BIGINT, DOUBLE PRECISION), and each backend adapts it to its dialect.
 */
export type SqlValue = string | number | bigint | null;
export type SqlRow = Record<string, unknown>;

export interface RunResult {
	/** Rows inserted, updated or deleted by the statement. */
	changes: number;
}

export interface SqlExecutor {
	readonly dialect: 'sqlite' | 'postgres';
	query<T extends SqlRow = SqlRow>(sql: string, params?: SqlValue[]): Promise<T[]>;
	run(sql: string, params?: SqlValue[]): Promise<RunResult>;
}

export interface SqlDatabase extends SqlExecutor {
	/**
	 * Runs `work` in one transaction, rolled back if `work` throws. On SQLite a `BEGIN IMMEDIATE` transaction (one
	 * writer across every process sharing the file, so fully serial); on Postgres a READ COMMITTED transaction on one
	 * pooled connection, so a read-modify-write must lock its row first (an UPDATE of the row, as the repositories do).
	 */
	transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
	close(): Promise<void>;
}

/** A versioned schema change owned by one capability; versions count up from 1 per component. */
export interface Migration {
	component: string;
	version: number;
	description: string;
	/** Statements run in order inside one transaction. Written in portable SQL. */
	statements: string[];
	/** Runs after the statements in the same transaction: moves rows where one portable statement cannot (JSON payloads). */
	run?: (tx: SqlExecutor) => Promise<void>;
}

export interface PostgresConfig {
	host: string;
	port: number;
	database: string;
	user: string;
	password: string;
	ssl: boolean;
	/** Postgres schema holding the tables; lets several environments share one database. */
	schema?: string;
}

export type StoreConfig = { kind: 'sqlite'; file: string } | ({ kind: 'postgres' } & PostgresConfig);
