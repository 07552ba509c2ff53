import type { IdMapKey } from './idMap';
import { selectIn } from './inList';
import { insertMany } from './insertMany';
import type { SqlExecutor, SqlValue } from './types';

export interface Snapshot {
	externalId: string;
	fingerprint: string;
	data: Record<string, unknown>;
	modifiedAt?: string;
	/** True when this package wrote the record: the next pull must not treat it as a new change (echo). */
	writtenByUs: boolean;
	/**
	 * Our write failed after part of it was applied: `data` is what was known before it, and the platform's next read of
	 * the record is that write coming back, not an edit made there.
	 */
	partial?: boolean;
}

const SNAPSHOT_COLUMNS = 'sync_snapshots (integration, platform, entity, external_id, fingerprint, data, modified_at, written_by_us, partial_write, updated_at)';
const SNAPSHOT_UPSERT = `ON CONFLICT (integration, platform, entity, external_id) DO UPDATE SET fingerprint = excluded.fingerprint,
 data = excluded.data, modified_at = excluded.modified_at, written_by_us = excluded.written_by_us, partial_write = excluded.partial_write, updated_at = excluded.updated_at`;

/** Last-synced state of each record: the base for conflict detection and for echo suppression. */
export class SnapshotRepository {
	constructor(private readonly db: SqlExecutor) {}

	async getMany(key: IdMapKey, externalIds: string[]): Promise<Map<string, Snapshot>> {
		const found = new Map<string, Snapshot>();
		const rows = await selectIn<{ external_id: string; fingerprint: string; data: string; modified_at: string | null; written_by_us: number; partial_write: number }, string>(
			this.db,
			externalIds,
			({ placeholders, values }) => ({
				sql: `SELECT external_id, fingerprint, data, modified_at, written_by_us, partial_write FROM sync_snapshots
				 WHERE integration = ? AND platform = ? AND entity = ? AND external_id IN (${placeholders})`,
				params: [key.integration, key.platform, key.entity, ...values],
			}),
		);
		for (const row of rows) {
			const snapshot: Snapshot = {
				externalId: row.external_id,
				fingerprint: row.fingerprint,
				data: JSON.parse(row.data) as Record<string, unknown>,
				modifiedAt: row.modified_at ?? undefined,
				writtenByUs: row.written_by_us === 1,
			};
			// Set only when true, as before, without an object spread per row read.
			if (row.partial_write === 1) snapshot.partial = true;
			found.set(row.external_id, snapshot);
		}
		return found;
	}

	/**
	 * `put` for many snapshots, a hundred per statement; a later snapshot of the same record wins. The statement's text is
	 * made once per row count (insertMany), not rebuilt for every hundred snapshots a sync reads or writes.
	 */
	async putMany(key: IdMapKey, snapshots: Snapshot[]): Promise<void> {
		const latest = new Map<string, Snapshot>();
		for (const snapshot of snapshots) latest.set(snapshot.externalId, snapshot);
		const now = new Date().toISOString();
		const rows: SqlValue[][] = [];
		for (const snapshot of latest.values()) {
			rows.push([
				key.integration, key.platform, key.entity, snapshot.externalId, snapshot.fingerprint,
				JSON.stringify(snapshot.data), snapshot.modifiedAt ?? null, snapshot.writtenByUs ? 1 : 0, snapshot.partial ? 1 : 0, now,
			]);
		}
		await insertMany(this.db, { into: SNAPSHOT_COLUMNS, rows, onConflict: SNAPSHOT_UPSERT }, 100);
	}

	async put(key: IdMapKey, snapshot: Snapshot): Promise<void> {
		await this.putMany(key, [snapshot]);
	}
}
