import type { Migration, SqlDatabase } from './types';

const HOUR_MS = 3_600_000;

/** Calls made to one platform on one account (credential) in one clock hour (UTC). */
export interface ApiCallHour {
	hourStartMs: number;
	requests: number;
}

/**
 * The API calls every transport sends, counted per platform, account and hour in the store, so every execution and
 * worker adds to the same count. The Usage Meter turns finished hours into `api_calls` usage (each hour once).
 */
export class ApiCallCounter {
	constructor(private readonly db: SqlDatabase) {}

	/** Counts one request to `platform` on `accountKey`, sent at `atMs`. */
	async count(platform: string, accountKey: string, atMs: number): Promise<void> {
		await this.db.run(
			`INSERT INTO api_call_counts (platform, account_key, hour_start_ms, requests) VALUES (?, ?, ?, 1)
			 ON CONFLICT (platform, account_key, hour_start_ms) DO UPDATE SET requests = api_call_counts.requests + 1`,
			[platform, accountKey, hourStart(atMs)],
		);
	}

	/** Requests per hour (every platform and account) for the hours that started at or after `fromMs` and ended by `untilMs`, oldest first. */
	async finishedHours(fromMs: number, untilMs: number): Promise<ApiCallHour[]> {
		const rows = await this.db.query<{ hour_start_ms: number | string; requests: number | string }>(
			`SELECT hour_start_ms, SUM(requests) AS requests FROM api_call_counts
			 WHERE hour_start_ms >= ? AND hour_start_ms <= ? GROUP BY hour_start_ms ORDER BY hour_start_ms`,
			[hourStart(fromMs), untilMs - HOUR_MS],
		);
		return rows.map((row) => ({ hourStartMs: Number(row.hour_start_ms), requests: Number(row.requests) }));
	}

	/** Forgets the hours that started before `beforeMs`. */
	async prune(beforeMs: number): Promise<void> {
		await this.db.run('DELETE FROM api_call_counts WHERE hour_start_ms < ?', [beforeMs]);
	}
}

export const hourStart = (atMs: number): number => Math.floor(atMs / HOUR_MS) * HOUR_MS;

export const apiCallMigrations: Migration[] = [
	{
		component: 'api_calls',
		version: 1,
		description: 'API calls the transports sent, per platform, account and hour',
		statements: [
			`CREATE TABLE api_call_counts (
				platform TEXT NOT NULL,
				account_key TEXT NOT NULL,
				hour_start_ms BIGINT NOT NULL,
				requests BIGINT NOT NULL,
				PRIMARY KEY (platform, account_key, hour_start_ms)
			)`,
		],
	},
];
