import type { IdMapKey } from './idMap';
import { InListSql, selectIn } from './inList';
import { insertMany, lastOfEach } from './insertMany';
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

const SNAPSHOT_WIDTH = 10;

const SNAPSHOTS_PER_STATEMENT = 100;

const SNAPSHOTS_BY_ID = new InListSql(
	`SELECT external_id, fingerprint, data, modified_at, written_by_us, partial_write FROM sync_snapshots
	 WHERE integration = ? AND platform = ? AND entity = ? AND external_id IN (`,
	')',
);

interface SnapshotRow {
	external_id: string;
	fingerprint: string;
	data: string;
	modified_at: string | null;
	written_by_us: number;
	partial_write: number;
	[column: string]: unknown;
}

/** Rows read as snapshots by record, in a loop of its own: in an async body each step of an iterator allocated. */
function snapshotsById(rows: SnapshotRow[]): Map<string, Snapshot> {
	const found = new Map<string, Snapshot>();
	for (let index = 0; index < rows.length; index++) {
		const row = rows[index];
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

/** Rows `start` to `end` one after another: insertMany's flat form, no array per row. */
function snapshotValues(key: IdMapKey, snapshots: Snapshot[], start: number, end: number, now: string): SqlValue[] {
	const values: SqlValue[] = new Array((end - start) * SNAPSHOT_WIDTH);
	let at = 0;
	for (let index = start; index < end; index++) {
		const snapshot = snapshots[index];
		values[at++] = key.integration;
		values[at++] = key.platform;
		values[at++] = key.entity;
		values[at++] = snapshot.externalId;
		values[at++] = snapshot.fingerprint;
		values[at++] = JSON.stringify(snapshot.data);
		values[at++] = snapshot.modifiedAt ?? null;
		values[at++] = snapshot.writtenByUs ? 1 : 0;
		values[at++] = snapshot.partial ? 1 : 0;
		values[at++] = now;
	}
	return values;
}

/** Last-synced state of each record: the base for conflict detection and for echo suppression. */
export class SnapshotRepository {
	constructor(private readonly db: SqlExecutor) {}

	async getMany(key: IdMapKey, externalIds: string[]): Promise<Map<string, Snapshot>> {
		const rows = await selectIn<SnapshotRow, string>(
			this.db,
			externalIds,
			({ values }) => ({
				sql: SNAPSHOTS_BY_ID.text(values.length),
				params: [key.integration, key.platform, key.entity, ...values],
			}),
		);
		return snapshotsById(rows);
	}

	/**
	 * `put` for many snapshots, a hundred per statement; a later snapshot of the same record wins. The statement's text is
	 * made once per row count (insertMany), not rebuilt for every hundred snapshots a sync reads or writes.
	 */
	async putMany(key: IdMapKey, snapshots: Snapshot[]): Promise<void> {
		// SQLite upserts a statement's rows one after another, so a later snapshot of a record replaces an earlier one as
		// sent; PostgreSQL refuses a statement that touches a row twice, so it gets the last of each only.
		const latest = this.db.dialect === 'postgres' ? lastOfEach(snapshots, (snapshot) => snapshot.externalId) : snapshots;
		const now = new Date().toISOString();
		// A hundred per statement, each statement's values made on their own: no copy of a range of them.
		for (let start = 0; start < latest.length; start += SNAPSHOTS_PER_STATEMENT) {
			const values = snapshotValues(key, latest, start, Math.min(latest.length, start + SNAPSHOTS_PER_STATEMENT), now);
			await insertMany(this.db, { into: SNAPSHOT_COLUMNS, values, width: SNAPSHOT_WIDTH, onConflict: SNAPSHOT_UPSERT }, SNAPSHOTS_PER_STATEMENT);
		}
	}

	async put(key: IdMapKey, snapshot: Snapshot): Promise<void> {
		await this.putMany(key, [snapshot]);
	}
}
