import type { IdMapKey } from './idMap';
import { selectIn } from './inList';
import type { SqlExecutor } from './types';

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
			found.set(row.external_id, {
				externalId: row.external_id,
				fingerprint: row.fingerprint,
				data: JSON.parse(row.data) as Record<string, unknown>,
				modifiedAt: row.modified_at ?? undefined,
				writtenByUs: row.written_by_us === 1,
				...(row.partial_write === 1 ? { partial: true } : {}),
			});
		}
		return found;
	}

	/** `put` for many snapshots, a hundred per statement; a later snapshot of the same record wins. */
	async putMany(key: IdMapKey, snapshots: Snapshot[]): Promise<void> {
		const latest = [...new Map(snapshots.map((snapshot) => [snapshot.externalId, snapshot])).values()];
		const now = new Date().toISOString();
		for (let start = 0; start < latest.length; start += 100) {
			const chunk = latest.slice(start, start + 100);
			await this.db.run(
				`INSERT INTO sync_snapshots (integration, platform, entity, external_id, fingerprint, data, modified_at, written_by_us, partial_write, updated_at)
				 VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
				 ON CONFLICT (integration, platform, entity, external_id) DO UPDATE SET fingerprint = excluded.fingerprint,
				 data = excluded.data, modified_at = excluded.modified_at, written_by_us = excluded.written_by_us, partial_write = excluded.partial_write, updated_at = excluded.updated_at`,
				chunk.flatMap((snapshot) => [
					key.integration, key.platform, key.entity, snapshot.externalId, snapshot.fingerprint,
					JSON.stringify(snapshot.data), snapshot.modifiedAt ?? null, snapshot.writtenByUs ? 1 : 0, snapshot.partial ? 1 : 0, now,
				]),
			);
		}
	}

	async put(key: IdMapKey, snapshot: Snapshot): Promise<void> {
		await this.putMany(key, [snapshot]);
	}
}
