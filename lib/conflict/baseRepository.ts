import { selectIn } from '../store/inList';
import type { SqlExecutor } from '../store/types';

/** The last value both sides agreed on, per record: what "changed since the last sync" is measured against. */
export class BaseRepository {
	constructor(private readonly db: SqlExecutor) {}

	async getMany(scope: string, recordKeys: string[]): Promise<Map<string, Record<string, unknown>>> {
		const rows = await selectIn<{ record_key: string; data: string }, string>(this.db, recordKeys, ({ placeholders, values }) => ({
			sql: `SELECT record_key, data FROM conflict_bases WHERE scope = ? AND record_key IN (${placeholders})`,
			params: [scope, ...values],
		}));
		return new Map(rows.map((row) => [row.record_key, JSON.parse(row.data) as Record<string, unknown>]));
	}

	async put(scope: string, recordKey: string, data: Record<string, unknown>): Promise<void> {
		await this.db.run(
			`INSERT INTO conflict_bases (scope, record_key, data, updated_at) VALUES (?, ?, ?, ?)
			 ON CONFLICT (scope, record_key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
			[scope, recordKey, JSON.stringify(data), new Date().toISOString()],
		);
	}
}
