import type { SqlExecutor } from '../store/types';

/** The last value both sides agreed on, per record: what "changed since the last sync" is measured against. */
export class BaseRepository {
	constructor(private readonly db: SqlExecutor) {}

	async getMany(scope: string, recordKeys: string[]): Promise<Map<string, Record<string, unknown>>> {
		const found = new Map<string, Record<string, unknown>>();
		for (let start = 0; start < recordKeys.length; start += 500) {
			const chunk = recordKeys.slice(start, start + 500);
			const rows = await this.db.query<{ record_key: string; data: string }>(
				`SELECT record_key, data FROM conflict_bases WHERE scope = ? AND record_key IN (${chunk.map(() => '?').join(', ')})`,
				[scope, ...chunk],
			);
			for (const row of rows) found.set(row.record_key, JSON.parse(row.data) as Record<string, unknown>);
		}
		return found;
	}

	async put(scope: string, recordKey: string, data: Record<string, unknown>): Promise<void> {
		await this.db.run(
			`INSERT INTO conflict_bases (scope, record_key, data, updated_at) VALUES (?, ?, ?, ?)
			 ON CONFLICT (scope, record_key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
			[scope, recordKey, JSON.stringify(data), new Date().toISOString()],
		);
	}
}
