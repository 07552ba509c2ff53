import { selectIn } from '../store/inList';
import { insertMany } from '../store/insertMany';
import type { SqlExecutor } from '../store/types';
import type { HubKey } from './hubRecords';

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

	/**
	 * Stages a page of changes, many rows per statement; a newer change to the same platform record replaces the older one
	 * (and its attempt count), also within the page.
	 */
	async stage(key: HubKey, changes: Array<Omit<StagedChange, 'attempts' | 'revision'>>): Promise<void> {
		const latest = [...new Map(changes.map((change) => [`${change.platform}\u0000${change.externalId}`, change])).values()];
		const stagedAt = new Date().toISOString();
		await insertMany(this.db, {
			into: 'sync_inbox (integration, entity, platform, external_id, group_key, data, modified_at, deleted, attempts, revision, staged_at)',
			rows: latest.map((change) => [
				key.integration, key.entity, change.platform, change.externalId, change.groupKey, JSON.stringify(change.data), change.modifiedAt ?? null, change.deleted ? 1 : 0, 0, 1, stagedAt,
			]),
			onConflict: `ON CONFLICT (integration, entity, platform, external_id) DO UPDATE SET group_key = excluded.group_key, data = excluded.data,
			 modified_at = excluded.modified_at, deleted = excluded.deleted, attempts = 0, revision = sync_inbox.revision + 1, staged_at = excluded.staged_at`,
		});
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
		// The keys are in order, so the chunks' rows, each chunk ordered, are in order too.
		const rows = await selectIn<Record<string, string | number | null>, string>(this.db, keys, ({ placeholders, values }) => ({
			sql: `SELECT * FROM sync_inbox WHERE integration = ? AND entity = ? AND group_key IN (${placeholders}) ORDER BY group_key, platform, external_id`,
			params: [key.integration, key.entity, ...values],
		}));
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
