import type { IdMapKey } from './idMap';
import type { SqlExecutor } from './types';

/** A bookmark per (integration, platform, entity) stream, moved only once the records before it are handled. */
export class CursorRepository {
	constructor(private readonly db: SqlExecutor) {}

	async get(key: IdMapKey): Promise<string | undefined> {
		const rows = await this.db.query<{ cursor: string }>(
			'SELECT cursor FROM sync_cursors WHERE integration = ? AND platform = ? AND entity = ?',
			[key.integration, key.platform, key.entity],
		);
		return rows[0]?.cursor;
	}

	async set(key: IdMapKey, cursor: string): Promise<void> {
		await this.db.run(
			`INSERT INTO sync_cursors (integration, platform, entity, cursor, updated_at) VALUES (?, ?, ?, ?, ?)
			 ON CONFLICT (integration, platform, entity) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
			[key.integration, key.platform, key.entity, cursor, new Date().toISOString()],
		);
	}
}
