import type { EntryKind, PostedEntry } from '../platforms/accounting';
import { selectIn } from '../store/inList';
import type { SqlExecutor } from '../store/types';

/**
 * attempting: a write was sent and its outcome is not known (it may have landed), so the next writer looks it up first.
 * recorded: the platform holds it. refused: the platform said no (nothing landed); a corrected retry may post it.
 */
export type EntryState = 'attempting' | 'recorded' | 'refused';

export interface EntryRow {
	kind: EntryKind;
	sourceId: string;
	state: EntryState;
	reference: string;
	attempts: number;
	externalId?: string;
	externalType?: string;
	number?: string;
	totalMinor?: number;
	currency?: string;
	lastError?: string;
	createdAt: string;
	updatedAt: string;
}

interface Row {
	kind: string;
	source_id: string;
	state: string;
	reference: string;
	attempts: number | string;
	external_id: string | null;
	external_type: string | null;
	external_number: string | null;
	total_minor: number | string | null;
	currency: string | null;
	last_error: string | null;
	created_at: string;
	updated_at: string;
}

/** The accounting_entries rows of one connection (platform + account). */
export class EntryRepository {
	constructor(
		private readonly db: SqlExecutor,
		private readonly connection: string,
	) {}

	async get(kind: EntryKind, sourceId: string): Promise<EntryRow | undefined> {
		const [row] = await this.db.query<Row & Record<string, unknown>>('SELECT * FROM accounting_entries WHERE connection = ? AND kind = ? AND source_id = ?', [this.connection, kind, sourceId]);
		return row && toEntry(row);
	}

	/** The source ids of the entries the platform holds under these ids, by `<kind>:<external id>`. */
	async sourceIds(externalIds: string[]): Promise<Map<string, string>> {
		const rows = await selectIn<{ kind: string; source_id: string; external_id: string }, string>(this.db, [...new Set(externalIds)], ({ placeholders, values }) => ({
			sql: `SELECT kind, source_id, external_id FROM accounting_entries WHERE connection = ? AND external_id IN (${placeholders})`,
			params: [this.connection, ...values],
		}));
		return new Map(rows.map((row) => [`${row.kind}:${row.external_id}`, row.source_id]));
	}

	/** Durably notes, before the write is sent, that it may land. */
	async attempting(kind: EntryKind, sourceId: string, reference: string): Promise<void> {
		const stamp = new Date().toISOString();
		await this.db.run(
			`INSERT INTO accounting_entries (connection, kind, source_id, state, reference, attempts, created_at, updated_at)
			 VALUES (?, ?, ?, 'attempting', ?, 1, ?, ?)
			 ON CONFLICT (connection, kind, source_id) DO UPDATE SET state = 'attempting', reference = excluded.reference,
			 attempts = accounting_entries.attempts + 1, updated_at = excluded.updated_at`,
			[this.connection, kind, sourceId, reference, stamp, stamp],
		);
	}

	async recorded(kind: EntryKind, sourceId: string, posted: PostedEntry): Promise<void> {
		await this.db.run(
			`UPDATE accounting_entries SET state = 'recorded', external_id = ?, external_type = ?, external_number = ?, total_minor = ?, currency = ?,
			 last_error = NULL, updated_at = ? WHERE connection = ? AND kind = ? AND source_id = ?`,
			[posted.externalId, posted.externalType, posted.number ?? null, posted.totalMinor, posted.currency, new Date().toISOString(), this.connection, kind, sourceId],
		);
	}

	async refused(kind: EntryKind, sourceId: string, message: string): Promise<void> {
		await this.db.run(`UPDATE accounting_entries SET state = 'refused', last_error = ?, updated_at = ? WHERE connection = ? AND kind = ? AND source_id = ?`, [
			message,
			new Date().toISOString(),
			this.connection,
			kind,
			sourceId,
		]);
	}

	/** An attempt whose outcome is still unknown keeps its state; the error is noted for Get Transaction. */
	async noteError(kind: EntryKind, sourceId: string, message: string): Promise<void> {
		await this.db.run(`UPDATE accounting_entries SET last_error = ?, updated_at = ? WHERE connection = ? AND kind = ? AND source_id = ?`, [message, new Date().toISOString(), this.connection, kind, sourceId]);
	}
}

function toEntry(row: Row): EntryRow {
	return {
		kind: row.kind as EntryKind,
		sourceId: row.source_id,
		state: row.state as EntryState,
		reference: row.reference,
		attempts: Number(row.attempts),
		externalId: row.external_id ?? undefined,
		externalType: row.external_type ?? undefined,
		number: row.external_number ?? undefined,
		totalMinor: row.total_minor === null ? undefined : Number(row.total_minor),
		currency: row.currency ?? undefined,
		lastError: row.last_error ?? undefined,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}
