/** What a CRM or support platform can do for the sync engine. One implementation per platform. */
import type { FieldOptions } from '../records/valueMap';

export type CrmEntity = 'contacts' | 'companies' | 'deals' | 'tickets';
export const CRM_ENTITIES: readonly CrmEntity[] = ['contacts', 'companies', 'deals', 'tickets'];

/** What the sync engine keeps in step: a CRM entity, or a store's products (lib/platforms/products.ts). */
export type RecordEntity = CrmEntity | 'products';

/**
 * The internal values of the enumerated fields the default mappings carry. Each platform's value map translates its
 * own options to and from these, so any two platforms meet through them (n maps, not one per pair of platforms).
 */
export const CRM_VALUES = {
	/** Deal `stage`: Salesforce's standard opportunity stages, the finest of the platforms'. */
	dealStages: [
		'PROSPECTING', 'QUALIFICATION', 'NEEDS_ANALYSIS', 'VALUE_PROPOSITION', 'DECISION_MAKERS', 'PERCEPTION_ANALYSIS',
		'PROPOSAL', 'NEGOTIATION', 'CLOSED_WON', 'CLOSED_LOST',
	],
	/**
	 * Ticket `status`, the neutral ticket model's (lib/platforms/tickets.ts): open, pending (waiting on the requester),
	 * on hold (waiting on a third party), solved, closed. A desk's own statuses beyond these read back as the nearest.
	 */
	ticketStatuses: ['OPEN', 'PENDING', 'ON_HOLD', 'SOLVED', 'CLOSED'],
	/** Ticket `priority` (Zendesk's and Freshdesk's "normal"/"medium" is MEDIUM). */
	ticketPriorities: ['LOW', 'MEDIUM', 'HIGH', 'URGENT'],
} as const;

/** A record as the platform holds it, in the platform's own field names. */
export interface PlatformRecord {
	externalId: string;
	fields: Record<string, unknown>;
	modifiedAt?: string;
	archived?: boolean;
}

/** One record to write; with an external id it is an update, without one it is matched or created. */
export interface RecordWrite {
	externalId?: string;
	fields: Record<string, unknown>;
	/** Our id for the record; platforms with an external-id field use it to make creates idempotent. */
	internalId?: string;
}

export interface WriteOptions {
	/**
	 * Look up unlinked records by the match field before creating (false when the caller already matched them, as
	 * sync does through its hub of every platform's records). Platforms that upsert on the match field ignore it.
	 */
	matchExisting?: boolean;
}

/** The outcome for the write at the same index of the batch. */
export type WriteOutcome =
	| { ok: true; externalId: string; created: boolean; fields: Record<string, unknown>; modifiedAt?: string; threadIds?: ThreadIds }
	| { ok: false; error: { message: string; code?: string }; threadIds?: ThreadIds; externalId?: string; partial?: boolean };

/*
 * A failed outcome's `externalId`: the record the write made before it failed (a ticket created, then a comment
 * refused). It is linked, so the next attempt updates that record instead of creating another.
 *
 * `partial`: the write failed after some of it was applied (a product's fields saved, then one of its variants
 * refused), so the record holds neither what it held nor what was written. A record made by a failed write is partly
 * written too, with or without the flag. Sync takes the platform's next read of such a record for this write coming
 * back, not for an edit made there, and writes the record again (lib/sync/push.ts).
 */

/**
 * The thread items a write added: our item id → the platform's id. A failed write lists the items it added before
 * failing, so they are linked and never added again.
 */
export type ThreadIds = Record<string, string>;

export interface EntitySupport {
	/** The platform's name for the entity, e.g. HubSpot `contacts`, Salesforce `Contact`. */
	object: string;
	/** The platform field that identifies an existing record on first sync (email for contacts, domain for companies). */
	matchField?: string;
	/** The vendor's maximum records per batch write. */
	batchSize: number;
	/**
	 * Batches handed to `writeBatches` at once, when the connector saves calls by seeing several (one look-up or one
	 * job-status poll serves them all). Absent or 1: batch by batch through `write`.
	 */
	batchesPerRound?: number;
	/**
	 * Writes (a `write` call, or a round of `writeBatches`) one push keeps open at once, for a vendor that takes
	 * concurrent calls and limits only their rate (HubSpot): a push then goes at the pace of the vendor's rate window,
	 * which the transport enforces, instead of one write's round trips after another's. Each write's outcomes are kept as
	 * it ends, whatever the others do. It holds this many batches in memory at once. Absent or 1: one after another.
	 */
	writesInFlight?: number;
	/**
	 * The field holding the record's thread (a ticket's comments), when it has one: a list of items, each read with the
	 * platform's own `id`, only ever appended to. Sync copies each item once to every other platform through an ID map
	 * of the items (lib/sync/threads.ts); a write is given only the items the platform lacks, each with our id, and
	 * answers the platform id of each it added (`threadIds`).
	 */
	thread?: string;
}

/** Keeps the outcomes of the batch at `position` of a round. */
export type BatchRecorder = (position: number, outcomes: WriteOutcome[]) => Promise<void>;

/** The failed outcome of a write whose call failed (after the transport's retries): the error's message and code. */
export function failedWrite(error: unknown): WriteOutcome {
	return { ok: false, error: { message: error instanceof Error ? error.message : String(error), code: (error as { code?: string } | undefined)?.code } };
}

/** One failed outcome per write, for a call that failed as a whole. */
export function failedWrites(count: number, error: unknown): WriteOutcome[] {
	return Array.from({ length: count }, () => failedWrite(error));
}

/**
 * Each write checked on its own before any call (`check` throws naming the field): a malformed one fails alone with
 * `code`, the others go on to `send`, which answers by their index in the batch.
 */
export async function writeEachChecked<T>(
	batch: RecordWrite[],
	check: (write: RecordWrite) => T,
	code: string,
	send: (checked: Array<{ index: number; write: RecordWrite; value: T }>) => Promise<Map<number, WriteOutcome>>,
): Promise<WriteOutcome[]> {
	const outcomes: WriteOutcome[] = new Array(batch.length);
	const valid: Array<{ index: number; write: RecordWrite; value: T }> = [];
	batch.forEach((write, index) => {
		try {
			valid.push({ index, write, value: check(write) });
		} catch (error) {
			outcomes[index] = { ok: false, error: { message: (error as Error).message, code } };
		}
	});
	if (valid.length > 0) for (const [index, outcome] of await send(valid)) outcomes[index] = outcome;
	return outcomes;
}

export interface ChangePage {
	records: PlatformRecord[];
	/** Resumes after the last record of this page; stored only once the page is handled. */
	cursor: string;
	done: boolean;
}

export interface CrmConnector {
	readonly platform: string;
	readonly entities: Partial<Record<RecordEntity, EntitySupport>>;
	/** Field names the platform knows for an entity, to validate mappings before anything is written. */
	fieldNames(entity: RecordEntity): Promise<string[]>;
	/**
	 * The options of the entity's enumerated fields as the vendor lists them (HubSpot: property options and pipeline
	 * stages), so a value the platform would refuse is reported per record before the write. Absent: none listed.
	 */
	fieldOptions?(entity: RecordEntity): Promise<FieldOptions>;
	/** Writes one batch (at most `batchSize`); one outcome per input, in input order. */
	write(entity: RecordEntity, batch: RecordWrite[], options?: WriteOptions): Promise<WriteOutcome[]>;
	/**
	 * Writes several batches (each at most `batchSize`, at most `batchesPerRound` of them), handing each batch's
	 * outcomes to `record` as soon as they are known, so they are kept before the next batch goes out. A batch whose
	 * call failed is recorded as failed and the others go on; a batch never recorded is failed by the caller.
	 */
	writeBatches?(entity: RecordEntity, batches: RecordWrite[][], options: WriteOptions, record: BatchRecorder): Promise<void>;
	/** Changes since `cursor` (undefined: from the beginning), one page. */
	pullChanges(entity: RecordEntity, cursor: string | undefined): Promise<ChangePage>;
	/** The cursor from which `pullChanges` reads the changes made at or after `at` (a trigger starting from now or a date). */
	cursorAt(entity: RecordEntity, at: Date): string;
	/** Archives (soft-deletes) records, for the "propagate" delete policy; absent when the platform cannot. */
	archive?(entity: RecordEntity, externalIds: string[]): Promise<void>;
}
