import { InListSql, selectIn } from './inList';
import { insertMany } from './insertMany';
import type { SqlExecutor, SqlValue } from './types';

export interface IdMapKey {
	integration: string;
	platform: string;
	entity: string;
}

const ID_MAP_COLUMNS = 'id_map (integration, platform, entity, internal_id, external_id, created_at)';

/** The links' rows one after another: insertMany's flat form, no array per link. */
function linkValues(key: IdMapKey, pairs: Array<{ internalId: string; externalId: string }>, now: string): SqlValue[] {
	const values: SqlValue[] = new Array(pairs.length * 6);
	let at = 0;
	for (let index = 0; index < pairs.length; index++) {
		values[at++] = key.integration;
		values[at++] = key.platform;
		values[at++] = key.entity;
		values[at++] = pairs[index].internalId;
		values[at++] = pairs[index].externalId;
		values[at++] = now;
	}
	return values;
}

type IdColumn = 'internal_id' | 'external_id';

/** Each id looked up by the other, as `k` and `v`. */
const LOOKUPS: Record<IdColumn, InListSql> = {
	internal_id: new InListSql('SELECT internal_id AS k, external_id AS v FROM id_map WHERE integration = ? AND platform = ? AND entity = ? AND internal_id IN (', ')'),
	external_id: new InListSql('SELECT external_id AS k, internal_id AS v FROM id_map WHERE integration = ? AND platform = ? AND entity = ? AND external_id IN (', ')'),
};

/**
 * A loop, not an [id, id] pair per row (a sync looks up several ids for every record), in a function of its own: in an
 * async body each step of an iterator allocated.
 */
function pairsByKey(rows: Array<Record<string, string>>): Map<string, string> {
	const found = new Map<string, string>();
	for (let index = 0; index < rows.length; index++) found.set(rows[index].k, rows[index].v);
	return found;
}

/** Internal id ↔ platform id, unique both ways per integration, platform and entity. */
export class IdMapRepository {
	constructor(private readonly db: SqlExecutor) {}

	/**
	 * Records a mapping unless one exists for either side; returns the mapping that holds afterwards, so a
	 * process that loses a race gets the winner's external id instead of a duplicate.
	 */
	async link(key: IdMapKey, internalId: string, externalId: string): Promise<{ internalId: string; externalId: string; created: boolean }> {
		const inserted = await this.db.run(
			`INSERT INTO id_map (integration, platform, entity, internal_id, external_id, created_at)
			 VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			[key.integration, key.platform, key.entity, internalId, externalId, new Date().toISOString()],
		);
		if (inserted.changes === 1) return { internalId, externalId, created: true };
		const existing = await this.db.query<{ internal_id: string; external_id: string }>(
			`SELECT internal_id, external_id FROM id_map
			 WHERE integration = ? AND platform = ? AND entity = ? AND (internal_id = ? OR external_id = ?)
			 ORDER BY CASE WHEN internal_id = ? THEN 0 ELSE 1 END LIMIT 1`,
			[key.integration, key.platform, key.entity, internalId, externalId, internalId],
		);
		return { internalId: existing[0].internal_id, externalId: existing[0].external_id, created: false };
	}

	/**
	 * `link` for many pairs in two statements per hundred pairs (bulk sync); returns, per pair and in order, the
	 * mapping that holds afterwards.
	 */
	async linkMany(key: IdMapKey, pairs: Array<{ internalId: string; externalId: string }>): Promise<Array<{ internalId: string; externalId: string }>> {
		const held: Array<{ internalId: string; externalId: string }> = [];
		const now = new Date().toISOString();
		for (let start = 0; start < pairs.length; start += 100) {
			const chunk = pairs.length <= 100 ? pairs : pairs.slice(start, start + 100);
			// Through insertMany: the statement's text made once per row count, not for every hundred links.
			const inserted = await insertMany(this.db, { into: ID_MAP_COLUMNS, values: linkValues(key, chunk, now), width: 6, onConflict: 'ON CONFLICT DO NOTHING' }, 100);
			if (inserted === chunk.length) {
				held.push(...chunk);
				continue;
			}
			// Two lookups, not one OR: each uses its own unique index.
			const byInternal = await this.lookup(key, 'internal_id', chunk.map((pair) => pair.internalId));
			const byExternal = await this.lookup(key, 'external_id', chunk.map((pair) => pair.externalId));
			for (const pair of chunk) {
				const externalId = byInternal.get(pair.internalId);
				held.push(externalId !== undefined ? { internalId: pair.internalId, externalId } : { internalId: byExternal.get(pair.externalId) ?? pair.internalId, externalId: pair.externalId });
			}
		}
		return held;
	}

	async externalIds(key: IdMapKey, internalIds: string[]): Promise<Map<string, string>> {
		return this.lookup(key, 'internal_id', internalIds);
	}

	async internalIds(key: IdMapKey, externalIds: string[]): Promise<Map<string, string>> {
		return this.lookup(key, 'external_id', externalIds);
	}

	private async lookup(key: IdMapKey, from: IdColumn, ids: string[]): Promise<Map<string, string>> {
		const sql = LOOKUPS[from];
		const rows = await selectIn<Record<string, string>, string>(this.db, ids, ({ values }) => ({
			sql: sql.text(values.length),
			params: [key.integration, key.platform, key.entity, ...values],
		}));
		return pairsByKey(rows);
	}
}
