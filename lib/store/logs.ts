import { randomUUID } from 'node:crypto';

import type { SqlExecutor } from './types';

export interface ActivityCounts {
	created: number;
	updated: number;
	skipped: number;
	failed: number;
	conflicts: number;
}

export interface ActivityEntry extends ActivityCounts {
	runId: string;
	integration: string;
	operation: string;
	platform: string;
	entity: string;
	startedAt: string;
	finishedAt: string;
}

export interface ErrorEntry {
	integration: string;
	scope: string;
	platform: string;
	recordKey?: string;
	code?: string;
	message: string;
	detail?: unknown;
}

/** Activity (counts per run) and errors (one row per failed record or call), for audit and for the UI. */
export class LogRepository {
	constructor(private readonly db: SqlExecutor) {}

	async recordActivity(entry: ActivityEntry): Promise<void> {
		await this.db.run(
			`INSERT INTO activity_log (run_id, integration, operation, platform, entity, created, updated, skipped, failed, conflicts, started_at, finished_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			 ON CONFLICT (run_id, platform, entity) DO UPDATE SET created = excluded.created, updated = excluded.updated,
			 skipped = excluded.skipped, failed = excluded.failed, conflicts = excluded.conflicts, finished_at = excluded.finished_at`,
			[
				entry.runId, entry.integration, entry.operation, entry.platform, entry.entity, entry.created, entry.updated,
				entry.skipped, entry.failed, entry.conflicts, entry.startedAt, entry.finishedAt,
			],
		);
	}

	async recordError(entry: ErrorEntry): Promise<string> {
		const id = randomUUID();
		await this.db.run(
			`INSERT INTO error_log (id, integration, scope, platform, record_key, code, message, detail, created_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			[
				id, entry.integration, entry.scope, entry.platform, entry.recordKey ?? null, entry.code ?? null, entry.message,
				entry.detail === undefined ? null : JSON.stringify(entry.detail), new Date().toISOString(),
			],
		);
		return id;
	}

	async errors(integration: string, limit = 100): Promise<Array<ErrorEntry & { id: string; createdAt: string }>> {
		const rows = await this.db.query<Record<string, string | null>>(
			'SELECT * FROM error_log WHERE integration = ? ORDER BY created_at DESC LIMIT ?',
			[integration, limit],
		);
		return rows.map((row) => ({
			id: row.id as string,
			integration: row.integration as string,
			scope: row.scope as string,
			platform: row.platform as string,
			recordKey: row.record_key ?? undefined,
			code: row.code ?? undefined,
			message: row.message as string,
			detail: row.detail === null ? undefined : JSON.parse(row.detail),
			createdAt: row.created_at as string,
		}));
	}
}
