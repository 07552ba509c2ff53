import type { EntryKind, PostedEntry } from '../platforms/accounting';
import { selectIn } from '../store/inList';
import { OutboxTopic, outboxKey } from '../store/outbox';
import type { SqlExecutor } from '../store/types';
import { AttemptLog, type NotedAttempts } from '../transport/notedWrites';

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
	reference: string;
	external_id: string | null;
	external_type: string | null;
	external_number: string | null;
	total_minor: number | string | null;
	currency: string | null;
	created_at: string;
	updated_at: string;
}

/** The attempts to post entries: the store outbox's topic, one entry per (connection, kind, source id). */
export const ENTRY_ATTEMPTS_TOPIC = 'accounting.entries';

export const entryAttemptKey = (connection: string, kind: string, sourceId: string) => outboxKey(connection, kind, sourceId);

/** What names an entry's attempts: the entry's key. */
export interface EntryName {
	kind: EntryKind;
	sourceId: string;
}

/**
 * The entries of one connection (platform + account): accounting_entries keeps what the platform holds (the reference
 * stamped, its id, number and total); the attempts to post each one (whether one may have landed, how many, the last
 * error) are noted in the store outbox.
 */
export class EntryRepository {
	readonly attempts: AttemptLog<EntryName>;

	constructor(
		private readonly db: SqlExecutor,
		private readonly connection: string,
	) {
		this.attempts = new AttemptLog(new OutboxTopic<EntryName>(db, ENTRY_ATTEMPTS_TOPIC));
	}

	/** The key of an entry's attempts in the log. */
	attemptKey(kind: EntryKind, sourceId: string): string {
		return entryAttemptKey(this.connection, kind, sourceId);
	}

	async get(kind: EntryKind, sourceId: string): Promise<EntryRow | undefined> {
		const [row] = await this.db.query<Row & Record<string, unknown>>('SELECT * FROM accounting_entries WHERE connection = ? AND kind = ? AND source_id = ?', [this.connection, kind, sourceId]);
		return row && toEntry(row, await this.attempts.get(this.attemptKey(kind, sourceId)));
	}

	/** The source ids of the entries the platform holds under these ids, by `<kind>:<external id>`. */
	async sourceIds(externalIds: string[]): Promise<Map<string, string>> {
		const rows = await selectIn<{ kind: string; source_id: string; external_id: string }, string>(this.db, [...new Set(externalIds)], ({ placeholders, values }) => ({
			sql: `SELECT kind, source_id, external_id FROM accounting_entries WHERE connection = ? AND external_id IN (${placeholders})`,
			params: [this.connection, ...values],
		}));
		return new Map(rows.map((row) => [`${row.kind}:${row.external_id}`, row.source_id]));
	}

	/** Keeps the reference an entry's writes are stamped with (the look-up finds it by that), before any is sent. */
	async stamp(kind: EntryKind, sourceId: string, reference: string): Promise<void> {
		const stamp = new Date().toISOString();
		await this.db.run(
			`INSERT INTO accounting_entries (connection, kind, source_id, reference, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
			 ON CONFLICT (connection, kind, source_id) DO UPDATE SET reference = excluded.reference, updated_at = excluded.updated_at`,
			[this.connection, kind, sourceId, reference, stamp, stamp],
		);
	}

	/** Keeps what the platform holds of the entry. */
	async keep(kind: EntryKind, sourceId: string, posted: PostedEntry): Promise<void> {
		await this.db.run(
			`UPDATE accounting_entries SET external_id = ?, external_type = ?, external_number = ?, total_minor = ?, currency = ?, updated_at = ?
			 WHERE connection = ? AND kind = ? AND source_id = ?`,
			[posted.externalId, posted.externalType, posted.number ?? null, posted.totalMinor, posted.currency, new Date().toISOString(), this.connection, kind, sourceId],
		);
	}

	/** Durably notes, before the write is sent, that it may land. */
	async attempting(kind: EntryKind, sourceId: string, reference: string): Promise<void> {
		await this.stamp(kind, sourceId, reference);
		await this.attempts.attempting(this.attemptKey(kind, sourceId), { kind, sourceId }, this.connection);
	}

	async recorded(kind: EntryKind, sourceId: string, posted: PostedEntry): Promise<void> {
		await this.keep(kind, sourceId, posted);
		await this.attempts.landed(this.attemptKey(kind, sourceId));
	}

	async refused(kind: EntryKind, sourceId: string, message: string): Promise<void> {
		await this.attempts.refused(this.attemptKey(kind, sourceId), message);
	}

	/** An attempt whose outcome is still unknown keeps its state; the error is noted for Get Transaction. */
	async noteError(kind: EntryKind, sourceId: string, message: string): Promise<void> {
		await this.attempts.unanswered(this.attemptKey(kind, sourceId), { kind, sourceId }, message, this.connection);
	}
}

function toEntry(row: Row, attempts: NotedAttempts | undefined): EntryRow {
	return {
		kind: row.kind as EntryKind,
		sourceId: row.source_id,
		state: row.external_id !== null ? 'recorded' : attempts?.state === 'refused' ? 'refused' : 'attempting',
		reference: row.reference,
		attempts: attempts?.attempts ?? 0,
		externalId: row.external_id ?? undefined,
		externalType: row.external_type ?? undefined,
		number: row.external_number ?? undefined,
		totalMinor: row.total_minor === null ? undefined : Number(row.total_minor),
		currency: row.currency ?? undefined,
		lastError: row.external_id !== null ? undefined : attempts?.lastError,
		createdAt: row.created_at,
		updatedAt: attempts && attempts.updatedAt > row.updated_at ? attempts.updatedAt : row.updated_at,
	};
}
