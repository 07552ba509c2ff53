import type { SqlExecutor } from '../store/types';

/** The last agreed version of a record, in internal field names: the base every platform's change is measured from. */
export interface HubRecord {
	internalId: string;
	matchKey?: string;
	data: Record<string, unknown>;
}

export interface HubKey {
	integration: string;
	entity: string;
}

export class HubRecordRepository {
	constructor(private readonly db: SqlExecutor) {}

	async getMany(key: HubKey, internalIds: string[]): Promise<Map<string, HubRecord>> {
		return this.select(key, 'internal_id', internalIds, (record) => record.internalId);
	}

	/** Hub records in internal-id order after `afterId`, a page at a time (to walk every record in bounded memory). */
	async page(key: HubKey, afterId: string, limit: number): Promise<HubRecord[]> {
		const rows = await this.db.query<{ internal_id: string; match_key: string | null; data: string }>(
			'SELECT internal_id, match_key, data FROM sync_records WHERE integration = ? AND entity = ? AND internal_id > ? ORDER BY internal_id LIMIT ?',
			[key.integration, key.entity, afterId, limit],
		);
		return rows.map((row) => ({ internalId: row.internal_id, matchKey: row.match_key ?? undefined, data: JSON.parse(row.data) as Record<string, unknown> }));
	}

	/** Hub records by match key (lower-cased email or domain). */
	async byMatchKey(key: HubKey, matchKeys: string[]): Promise<Map<string, HubRecord>> {
		return this.select(key, 'match_key', matchKeys, (record) => record.matchKey as string);
	}

	/**
	 * Saves a record. A match key already held by another record is not taken (the unique index keeps one record per
	 * key); the record is saved without it instead, so a clash never stops a sync. Checked first rather than caught,
	 * because a failed statement aborts a whole Postgres transaction.
	 */
	async put(key: HubKey, record: HubRecord): Promise<void> {
		let matchKey = record.matchKey ?? null;
		if (matchKey) {
			const holder = (await this.byMatchKey(key, [matchKey])).get(matchKey);
			if (holder && holder.internalId !== record.internalId) matchKey = null;
		}
		await this.db.run(
			`INSERT INTO sync_records (integration, entity, internal_id, match_key, data, updated_at) VALUES (?, ?, ?, ?, ?, ?)
			 ON CONFLICT (integration, entity, internal_id) DO UPDATE SET match_key = excluded.match_key, data = excluded.data, updated_at = excluded.updated_at`,
			[key.integration, key.entity, record.internalId, matchKey, JSON.stringify(record.data), new Date().toISOString()],
		);
	}

	private async select(key: HubKey, column: string, values: string[], keyOf: (record: HubRecord) => string): Promise<Map<string, HubRecord>> {
		const found = new Map<string, HubRecord>();
		for (let start = 0; start < values.length; start += 500) {
			const chunk = values.slice(start, start + 500);
			const rows = await this.db.query<{ internal_id: string; match_key: string | null; data: string }>(
				`SELECT internal_id, match_key, data FROM sync_records WHERE integration = ? AND entity = ? AND ${column} IN (${chunk.map(() => '?').join(', ')})`,
				[key.integration, key.entity, ...chunk],
			);
			for (const row of rows) {
				const record = { internalId: row.internal_id, matchKey: row.match_key ?? undefined, data: JSON.parse(row.data) as Record<string, unknown> };
				found.set(keyOf(record), record);
			}
		}
		return found;
	}
}

/** A change pulled from one platform and staged until every platform has it. */
export interface StagedChange {
	platform: string;
	externalId: string;
	/** The hub record's internal id when known, else `match:<key>` or `new:<platform>:<id>`: changes to one record share it. */
	groupKey: string;
	/** Internal field names. */
	data: Record<string, unknown>;
	modifiedAt?: string;
	deleted: boolean;
	attempts: number;
	revision: number;
}

/**
 * Durable staging between pulling and pushing (Camel's "transactional inbox"): a platform's cursor moves once its
 * changes are here, and a change leaves only once it reached every platform, so a crash in between loses nothing.
 */
export class InboxRepository {
	constructor(private readonly db: SqlExecutor) {}

	/** Stages a change; a newer change to the same platform record replaces the older one (and its attempt count). */
	async stage(key: HubKey, change: Omit<StagedChange, 'attempts' | 'revision'>): Promise<void> {
		await this.db.run(
			`INSERT INTO sync_inbox (integration, entity, platform, external_id, group_key, data, modified_at, deleted, attempts, revision, staged_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 1, ?)
			 ON CONFLICT (integration, entity, platform, external_id) DO UPDATE SET group_key = excluded.group_key, data = excluded.data,
			 modified_at = excluded.modified_at, deleted = excluded.deleted, attempts = 0, revision = sync_inbox.revision + 1, staged_at = excluded.staged_at`,
			[key.integration, key.entity, change.platform, change.externalId, change.groupKey, JSON.stringify(change.data), change.modifiedAt ?? null, change.deleted ? 1 : 0, new Date().toISOString()],
		);
	}

	/** The next `limit` groups after `afterGroup`, with all their changes. */
	async nextGroups(key: HubKey, afterGroup: string, limit: number): Promise<Map<string, StagedChange[]>> {
		const groups = await this.db.query<{ group_key: string }>(
			`SELECT DISTINCT group_key FROM sync_inbox WHERE integration = ? AND entity = ? AND group_key > ? ORDER BY group_key LIMIT ?`,
			[key.integration, key.entity, afterGroup, limit],
		);
		const found = new Map<string, StagedChange[]>();
		const keys = groups.map((row) => row.group_key);
		if (keys.length === 0) return found;
		const rows = await this.db.query<Record<string, string | number | null>>(
			`SELECT * FROM sync_inbox WHERE integration = ? AND entity = ? AND group_key IN (${keys.map(() => '?').join(', ')}) ORDER BY group_key, platform, external_id`,
			[key.integration, key.entity, ...keys],
		);
		for (const row of rows) {
			const change: StagedChange = {
				platform: row.platform as string,
				externalId: row.external_id as string,
				groupKey: row.group_key as string,
				data: JSON.parse(row.data as string) as Record<string, unknown>,
				modifiedAt: (row.modified_at as string | null) ?? undefined,
				deleted: Number(row.deleted) === 1,
				attempts: Number(row.attempts),
				revision: Number(row.revision),
			};
			found.set(change.groupKey, [...(found.get(change.groupKey) ?? []), change]);
		}
		return found;
	}

	/** Removes a handled change, unless a newer revision of it was staged meanwhile. */
	async remove(key: HubKey, change: StagedChange): Promise<void> {
		await this.db.run(
			'DELETE FROM sync_inbox WHERE integration = ? AND entity = ? AND platform = ? AND external_id = ? AND revision = ?',
			[key.integration, key.entity, change.platform, change.externalId, change.revision],
		);
	}

	async countAttempt(key: HubKey, change: StagedChange): Promise<void> {
		await this.db.run(
			'UPDATE sync_inbox SET attempts = attempts + 1 WHERE integration = ? AND entity = ? AND platform = ? AND external_id = ? AND revision = ?',
			[key.integration, key.entity, change.platform, change.externalId, change.revision],
		);
	}

	async size(key: HubKey): Promise<number> {
		const rows = await this.db.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM sync_inbox WHERE integration = ? AND entity = ?', [key.integration, key.entity]);
		return Number(rows[0].n);
	}
}
