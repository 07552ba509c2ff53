import { InListSql, selectIn } from '../store/inList';
import { insertMany } from '../store/insertMany';
import type { SqlExecutor, SqlValue } from '../store/types';

type HubColumn = 'internal_id' | 'match_key';

/** Hub records by internal id or by match key: each text made once per count of values. */
const BY_COLUMN: Record<HubColumn, InListSql> = {
	internal_id: new InListSql('SELECT internal_id, match_key, data FROM sync_records WHERE integration = ? AND entity = ? AND internal_id IN (', ')'),
	match_key: new InListSql('SELECT internal_id, match_key, data FROM sync_records WHERE integration = ? AND entity = ? AND match_key IN (', ')'),
};

/**
 * The records in rounds of distinct ids, in order: a record saved twice starts a second round, as one upsert statement
 * cannot touch a row twice on Postgres. Most calls are one round, the records as given. In a function of its own: in an
 * async body each step of an iterator allocated.
 */
function rounds(records: HubRecord[]): HubRecord[][] {
	const found: HubRecord[][] = [];
	let ids = new Set<string>();
	let start = 0;
	for (let index = 0; index < records.length; index++) {
		const id = records[index].internalId;
		if (ids.has(id)) {
			found.push(records.slice(start, index));
			ids = new Set();
			start = index;
		}
		ids.add(id);
	}
	found.push(start === 0 ? records : records.slice(start));
	return found;
}

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

	/**
	 * A page of the hub records updated at or after `since` (an ISO time), in internal-id order after `afterId`: those a
	 * run over other stores of the integration wrote (not to `platform`), and the page's last internal id to go on from
	 * (none once every record is read).
	 */
	async changedElsewhere(key: HubKey, platform: string, since: string, afterId: string, limit: number): Promise<{ records: HubRecord[]; last?: string }> {
		const rows = await this.db.query<{ internal_id: string; match_key: string | null; data: string; written_for: string | null }>(
			'SELECT internal_id, match_key, data, written_for FROM sync_records WHERE integration = ? AND entity = ? AND updated_at >= ? AND internal_id > ? ORDER BY internal_id LIMIT ?',
			[key.integration, key.entity, since, afterId, limit],
		);
		const elsewhere = rows.filter((row) => row.written_for !== null && !(JSON.parse(row.written_for) as string[]).includes(platform));
		return {
			records: elsewhere.map((row) => ({ internalId: row.internal_id, matchKey: row.match_key ?? undefined, data: JSON.parse(row.data) as Record<string, unknown> })),
			last: rows.at(-1)?.internal_id,
		};
	}

	/** Whether the integration's entity holds any record yet. */
	async any(key: HubKey): Promise<boolean> {
		return (await this.page(key, '', 1)).length > 0;
	}

	/** Hub records by match key (lower-cased email or domain). */
	async byMatchKey(key: HubKey, matchKeys: string[]): Promise<Map<string, HubRecord>> {
		return this.select(key, 'match_key', matchKeys, (record) => record.matchKey as string);
	}

	/**
	 * Saves a record with the platforms its run writes it to (the integration's other stores catch up from it). A match
	 * key already held by another record is not taken (the unique index keeps one record per key); the record is saved
	 * without it instead, so a clash never stops a sync. Checked first rather than caught, because a failed statement
	 * aborts a whole Postgres transaction.
	 */
	async put(key: HubKey, record: HubRecord, writtenFor: string[]): Promise<void> {
		await this.putMany(key, [record], writtenFor);
	}

	/**
	 * `put` for many records, as if put one after another (a match key goes to the first record that asks for it while
	 * free): one look-up of the keys and one statement per 500 records instead of two statements per record.
	 */
	async putMany(key: HubKey, records: HubRecord[], writtenFor: string[]): Promise<void> {
		const all = rounds(records);
		for (let index = 0; index < all.length; index++) await this.putDistinct(key, all[index], writtenFor);
	}

	private async putDistinct(key: HubKey, records: HubRecord[], writtenFor: string[]): Promise<void> {
		if (records.length === 0) return;
		const holders = new Map<string, string>();
		const keyOf = new Map<string, string>();
		for (const [matchKey, holder] of await this.byMatchKey(key, records.flatMap((record) => (record.matchKey ? [record.matchKey] : [])))) {
			holders.set(matchKey, holder.internalId);
			keyOf.set(holder.internalId, matchKey);
		}
		const now = new Date().toISOString();
		const platforms = JSON.stringify(writtenFor);
		// Rows go in the order given, so a key one record gives up is free when a later row takes it; one after another
		// (insertMany's flat form), no array per record.
		const values: SqlValue[] = new Array(records.length * 7);
		for (let index = 0, at = 0; index < records.length; index++) {
			const record = records[index];
			const wanted = record.matchKey;
			const matchKey = wanted && (holders.get(wanted) ?? record.internalId) === record.internalId ? wanted : null;
			const previous = keyOf.get(record.internalId);
			if (previous !== undefined && previous !== matchKey) holders.delete(previous);
			// keyOf is read for records held before this statement only: a round holds each record once.
			if (matchKey) holders.set(matchKey, record.internalId);
			values[at++] = key.integration;
			values[at++] = key.entity;
			values[at++] = record.internalId;
			values[at++] = matchKey;
			values[at++] = JSON.stringify(record.data);
			values[at++] = now;
			values[at++] = platforms;
		}
		await insertMany(this.db, {
			into: 'sync_records (integration, entity, internal_id, match_key, data, updated_at, written_for)',
			values,
			width: 7,
			onConflict: `ON CONFLICT (integration, entity, internal_id) DO UPDATE SET match_key = excluded.match_key, data = excluded.data,
			 updated_at = excluded.updated_at, written_for = excluded.written_for`,
		});
	}

	private async select(key: HubKey, column: HubColumn, values: string[], keyOf: (record: HubRecord) => string): Promise<Map<string, HubRecord>> {
		const found = new Map<string, HubRecord>();
		const sql = BY_COLUMN[column];
		const rows = await selectIn<{ internal_id: string; match_key: string | null; data: string }, string>(this.db, values, (chunk) => ({
			sql: sql.text(chunk.values.length),
			params: [key.integration, key.entity, ...chunk.values],
		}));
		for (const row of rows) {
			const record = { internalId: row.internal_id, matchKey: row.match_key ?? undefined, data: JSON.parse(row.data) as Record<string, unknown> };
			found.set(keyOf(record), record);
		}
		return found;
	}
}
