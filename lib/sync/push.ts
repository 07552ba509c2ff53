import { type CrmConnector, type EntitySupport, type RecordEntity, failedWrites, type RecordWrite, type WriteOutcome } from '../platforms/crm';
import type { ActivityCounts } from '../store/logs';
import type { IdMapKey, IdMapRepository } from '../store/idMap';
import type { Snapshot } from '../store/snapshots';
import type { StateStore } from '../store/stateStore';
import { fingerprint } from './fingerprint';
import { describeValue, id } from '../records/inputSchema';
import { sameValue } from '../records/json';
import { type FieldMapping, type PlatformValues, sameFieldValue, toPlatformFields, validateMappings } from '../records/mapping';
import { flatten, getPath, setPath } from '../records/paths';
import { UnmappedValueError } from '../records/valueMap';
import { inTransaction } from './repositories';
import { omitThread, threadItems, threadKey, threadPaths, type ThreadItem, type ThreadPaths } from './threads';

/** An internal record: the package's own model of a contact, company, deal or ticket. */
export interface InternalRecord {
	id: string;
	[field: string]: unknown;
}

export type PushStatus = 'created' | 'updated' | 'skipped' | 'failed';

export interface PushOutcome {
	/** Position of the record in the input, so a node can pair each outcome with its item. */
	index: number;
	internalId: string;
	platform: string;
	entity: RecordEntity;
	status: PushStatus;
	externalId?: string;
	error?: { message: string; code?: string };
}

export interface PushRequest {
	store: StateStore;
	connector: CrmConnector;
	integration: string;
	entity: RecordEntity;
	mappings: FieldMapping[];
	records: InternalRecord[];
	runId: string;
	/** Look unlinked records up by the match field before creating them (default true); see WriteOptions. */
	matchExisting?: boolean;
	/** Record the run's counts in the activity log (default true; sync logs its own totals). */
	logActivity?: boolean;
	/**
	 * Platform fields a record created here gets when its own are empty (the Intercom ticket type, the HubSpot ticket
	 * pipeline a user picked); updates never carry them.
	 */
	createDefaults?: Record<string, unknown>;
}

export interface PushResult {
	outcomes: PushOutcome[];
	counts: ActivityCounts;
}

/** A push request with where its records' thread lives on the platform, when they have one. */
type ThreadedRequest = PushRequest & { thread?: ThreadPaths };

interface PendingWrite {
	index: number;
	record: InternalRecord;
	write: RecordWrite;
	/** What we last knew of the platform record, when it is linked. */
	snapshot?: Snapshot;
}

/**
 * Pushes internal records to one platform: maps them, updates what the ID map knows and matches or creates the
 * rest, in batches of the vendor's maximum. Records whose mapped values equal what we last wrote are skipped, so a
 * re-run writes nothing twice. Per-record failures are logged and reported, and never stop the batch.
 */
export async function pushRecords(pushRequest: PushRequest): Promise<PushResult> {
	const { store, connector, integration, entity, mappings, records, runId } = pushRequest;
	const startedAt = new Date().toISOString();
	const support = connector.entities[entity];
	const where = `${connector.platform} ${entity}`;
	if (!support) throw new Error(`${connector.platform} does not support ${entity}`);
	validateMappings(mappings, await connector.fieldNames(entity), where);

	const key = { integration, platform: connector.platform, entity };
	// Ids by type, never String()-ed: an object id would be linked to a platform record as "[object Object]".
	const idRule = id();
	const internalIds = records.map((record) => idRule.check(record.id, 'id').value);
	const known = await store.idMap.externalIds(key, internalIds.filter((internalId): internalId is string => internalId !== undefined));
	const snapshots = await store.snapshots.getMany(key, [...known.values()]);
	const outcomes: PushOutcome[] = [];
	const pending: PendingWrite[] = [];

	const thread = threadPaths(connector, entity, mappings);
	const request: ThreadedRequest = { ...pushRequest, thread };
	const held = thread ? await heldItems(request, thread, records, internalIds) : undefined;
	// One object for the push, given each record's snapshot in turn (read before the next record): not a copy per record.
	const platformValues: PlatformValues = { where, options: await connector.fieldOptions?.(entity) };
	const refused: Array<{ recordKey: string; error: UnmappedValueError }> = [];
	records.forEach((record, index) => {
		const internalId = internalIds[index];
		if (record.id === undefined || record.id === null || record.id === '') {
			outcomes.push(failure(index, internalId, connector.platform, entity, { message: `A ${entity} record has no "id"`, code: 'MISSING_ID' }));
			return;
		}
		if (internalId === undefined) {
			outcomes.push(failure(index, internalId, connector.platform, entity, { message: `A ${entity} record's id must be a non-empty string or a whole number, got ${describeValue(record.id)}`, code: 'INVALID_ID' }));
			return;
		}
		const externalId = known.get(internalId);
		const snapshot = externalId ? snapshots.get(externalId) : undefined;
		platformValues.held = snapshot?.data;
		const fields = platformFields(record, mappings, platformValues);
		if (fields instanceof UnmappedValueError) {
			refused.push({ recordKey: internalId, error: fields });
			outcomes.push(failure(index, internalId, connector.platform, entity, { message: fields.message, code: fields.code }));
			return;
		}
		// The thread goes out as the items this platform holds no copy of, or not at all.
		const missing = thread && held ? missingItems(record, internalId, thread, held) : NO_ITEMS;
		if (thread && Array.isArray(getPath(record, thread.internal))) {
			if (missing.length > 0) fields[thread.external] = missing;
			else delete fields[thread.external];
		}
		// A record our last write left half done holds what no snapshot says: it is written again whatever it holds.
		if (snapshot && !snapshot.partial && missing.length === 0 && holdsValues(snapshot.data, fields, mappings)) {
			outcomes.push({ index, internalId, platform: connector.platform, entity, status: 'skipped', externalId });
			return;
		}
		if (!externalId && request.matchExisting !== false && support.matchField && !fields[support.matchField]) {
			outcomes.push(failure(index, internalId, connector.platform, entity, { message: `Record "${record.id}" has no value for ${where}'s match field "${support.matchField}"`, code: 'MISSING_MATCH_KEY' }));
			return;
		}
		pending.push({ index, record, write: { externalId, fields: externalId ? fields : withCreateDefaults(fields, request.createDefaults), internalId }, snapshot });
	});
	for (const { recordKey, error } of refused) {
		await store.logs.recordError({
			integration, scope: `push:${entity}`, platform: connector.platform, recordKey, code: error.code, message: error.message, detail: { field: error.field, value: error.value },
		});
	}

	const batches: PendingWrite[][] = [];
	for (let start = 0; start < pending.length; start += support.batchSize) batches.push(pending.slice(start, start + support.batchSize));
	const perRound = connector.writeBatches ? Math.max(1, support.batchesPerRound ?? 1) : 1;
	const rounds: PendingWrite[][][] = [];
	for (let start = 0; start < batches.length; start += perRound) rounds.push(batches.slice(start, start + perRound));
	for (const written of await eachInFlight(rounds, writesInFlight(support), (round) => writeRound(request, round))) outcomes.push(...written);

	outcomes.sort((a, b) => a.index - b.index);
	const counts = countOutcomes(outcomes);
	if (request.logActivity !== false) await store.logs.recordActivity({
		runId, integration, operation: 'push', platform: connector.platform, entity, ...counts, startedAt, finishedAt: new Date().toISOString(),
	});
	return { outcomes, counts };
}

/** A record's outcome when it is not written (made for failures only: most records are skipped or written). */
function failure(index: number, internalId: string | undefined, platform: string, entity: RecordEntity, error: { message: string; code?: string }): PushOutcome {
	return { index, internalId: internalId ?? '', platform, entity, status: 'failed', error };
}

/** No thread items to send: one shared empty list, not one per record pushed. */
const NO_ITEMS: readonly ThreadItem[] = [];

/** The rounds of calls a push keeps open at once: what the vendor declares (at least one). */
export function writesInFlight(support: EntitySupport): number {
	const declared = support.writesInFlight ?? 1;
	return Number.isSafeInteger(declared) && declared > 1 ? declared : 1;
}

/**
 * Runs `work` on every item, at most `limit` at once, each started as soon as one ends; the results in the items'
 * order. When one fails, no further item starts and those in flight end before its error is thrown, so nothing is
 * still being written once the push has stopped.
 */
async function eachInFlight<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
	const results: R[] = new Array(items.length);
	let next = 0;
	let failed = false;
	const worker = async () => {
		while (!failed && next < items.length) {
			const position = next++;
			try {
				results[position] = await work(items[position]);
			} catch (error) {
				failed = true;
				throw error;
			}
		}
	};
	const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
	const stopped = settled.find((result) => result.status === 'rejected');
	if (stopped) throw stopped.reason;
	return results;
}

/**
 * Writes a round of batches (one batch unless the connector saves calls by seeing several) and records each batch in
 * its own transaction as its outcomes arrive. A call that failed after the transport's retries fails the batches it
 * left unrecorded; a failure of the store itself stops the push.
 */
async function writeRound(request: ThreadedRequest, round: PendingWrite[][]): Promise<PushOutcome[]> {
	const { connector, entity } = request;
	const options = { matchExisting: request.matchExisting };
	const outcomes: PushOutcome[] = [];
	const recorded = new Set<number>();
	let storeFailure: unknown;
	const record = async (position: number, results: WriteOutcome[]): Promise<void> => {
		if (recorded.has(position) || !round[position]) return;
		recorded.add(position);
		try {
			outcomes.push(...(await recordBatch(request, round[position], results)));
		} catch (error) {
			storeFailure = error;
			throw error;
		}
	};
	try {
		const writes = round.map((batch) => batch.map((item) => item.write));
		if (connector.writeBatches && round.length > 1) await connector.writeBatches(entity, writes, options, record);
		else await record(0, await connector.write(entity, writes[0], options));
	} catch (error) {
		if (storeFailure !== undefined) throw storeFailure;
		for (const position of round.keys()) await record(position, failedWrites(round[position].length, error));
	}
	for (const position of round.keys()) await record(position, failedWrites(round[position].length, new Error(`${connector.platform} returned no outcome for this batch`)));
	return outcomes;
}

async function recordBatch(request: ThreadedRequest, batch: PendingWrite[], results: WriteOutcome[]): Promise<PushOutcome[]> {
	const { store, connector, integration, entity, thread } = request;
	const key = { integration, platform: connector.platform, entity };
	// One transaction per batch: the links and snapshots of a batch land together, and SQLite commits once.
	return inTransaction(store, async ({ idMap, snapshots, logs }) => {
		// Thread items added are linked even when their record's write failed after them: they are never added twice.
		if (thread) await linkThreadItems(idMap, threadKey(key, thread), results);
		// Loops, not flatMap with a list per item: this runs for every record written.
		const succeeded: Succeeded[] = [];
		for (let position = 0; position < batch.length; position++) {
			const result = results[position];
			if (result.ok) succeeded.push({ item: batch[position], result });
		}
		// Records linked only now and not created (matched on the platform) may have a snapshot from an earlier pull.
		const matched = succeeded.filter(({ item, result }) => !item.snapshot && !result.created).map(({ result }) => result.externalId);
		const previous = matched.length > 0 ? await snapshots.getMany(key, matched) : new Map<string, Snapshot>();
		// A record made by a write that then failed is linked too: the next attempt updates it, never makes a second.
		const made: Array<{ internalId: string; externalId: string }> = [];
		const halfDone: Array<{ externalId: string; snapshot?: Snapshot }> = [];
		for (let position = 0; position < batch.length; position++) {
			const item = batch[position];
			const result = results[position];
			if (result.ok) continue;
			if (result.externalId && !item.write.externalId) made.push({ internalId: String(item.record.id), externalId: result.externalId });
			const externalId = item.write.externalId ?? result.externalId;
			if (externalId && (result.partial || !item.write.externalId)) halfDone.push({ externalId, snapshot: item.snapshot });
		}
		if (made.length > 0) await idMap.linkMany(key, made);
		// A write that failed after part of it was applied (or made the record) left it neither as it was nor as written.
		// Its snapshot keeps what was known before and says so: the record's next read is this write coming back, not an
		// edit made there, which copied to every other platform would undo the change there (a new variant refused on one
		// store would be taken off all the others); and the change, still pending, is written again.
		await snapshots.putMany(key, halfDone.map(({ externalId, snapshot }) => {
			const data = snapshot?.data ?? {};
			return { externalId, fingerprint: fingerprint(data), data, modifiedAt: snapshot?.modifiedAt, writtenByUs: true, partial: true };
		}));
		const unlinked = succeeded.filter(({ item, result }) => item.write.externalId !== result.externalId);
		const newLinks = await idMap.linkMany(key, unlinked.map(({ item, result }) => ({ internalId: String(item.record.id), externalId: result.externalId })));
		const externalIds = heldExternalIds(succeeded, newLinks);
		await snapshots.putMany(key, writtenSnapshots(request, succeeded, externalIds, previous));
		for (let position = 0; position < batch.length; position++) {
			const result = results[position];
			if (result.ok) continue;
			await logs.recordError({
				integration, scope: `push:${entity}`, platform: connector.platform, recordKey: String(batch[position].record.id), code: result.error.code, message: result.error.message,
			});
		}
		const outcomes = batchOutcomes(request, batch, results, externalIds);
		return outcomes;
	});
}

type Succeeded = { item: PendingWrite; result: Extract<WriteOutcome, { ok: true }> };

/** Each succeeded write's platform record: the one linked now, or the one it already was linked to. */
function heldExternalIds(succeeded: Succeeded[], newLinks: Array<{ externalId: string }>): string[] {
	const externalIds: string[] = [];
	let linked = 0;
	for (const { item, result } of succeeded) externalIds.push(item.write.externalId !== result.externalId ? newLinks[linked++].externalId : result.externalId);
	return externalIds;
}

/**
 * The snapshots of what was written. A partial write changes only its fields: the snapshot keeps what was known of the
 * others, and takes a mapped field the write left out from the platform's answer (a default it set, such as a consent
 * not given).
 */
function writtenSnapshots(request: ThreadedRequest, succeeded: Succeeded[], externalIds: string[], previous: Map<string, Snapshot>) {
	const rows = [];
	for (let position = 0; position < succeeded.length; position++) {
		const { item, result } = succeeded[position];
		const known = withValues((item.snapshot ?? previous.get(result.externalId))?.data, answeredDefaults(request.mappings, item.write.fields, result.fields));
		const data = withValues(known, omitThread(item.write.fields, request.thread));
		rows.push({ externalId: externalIds[position], fingerprint: fingerprint(data), data, modifiedAt: result.modifiedAt, writtenByUs: true });
	}
	return rows;
}

/** Each write's outcome in batch order; a succeeded one's platform record is the next of `externalIds`. */
function batchOutcomes({ connector, entity }: ThreadedRequest, batch: PendingWrite[], results: WriteOutcome[], externalIds: string[]): PushOutcome[] {
	const outcomes: PushOutcome[] = [];
	let succeeded = 0;
	for (let position = 0; position < batch.length; position++) {
		const item = batch[position];
		const result = results[position];
		const internalId = String(item.record.id);
		if (result.ok) outcomes.push({ index: item.index, internalId, platform: connector.platform, entity, status: result.created ? 'created' : 'updated', externalId: externalIds[succeeded++] });
		else outcomes.push({ index: item.index, internalId, platform: connector.platform, entity, status: 'failed', error: result.error });
	}
	return outcomes;
}

/** Links the thread items the writes added (our item id → the platform's), failed writes' too. */
async function linkThreadItems(idMap: IdMapRepository, key: IdMapKey, results: WriteOutcome[]): Promise<void> {
	const added = results.flatMap((result) => Object.entries(result?.threadIds ?? {}).map(([internalId, externalId]) => ({ internalId, externalId })));
	if (added.length > 0) await idMap.linkMany(key, added);
}

/** Thread items of a record pushed by a workflow without ids are named by the record and their position. */
function itemsOf(record: InternalRecord, internalId: string, thread: ThreadPaths): ThreadItem[] {
	return threadItems(getPath(record, thread.internal), (position) => `${internalId}#${position + 1}`);
}

/** The ids of the records' thread items this platform already holds a copy of (or is where they came from). */
async function heldItems(request: PushRequest, thread: ThreadPaths, records: InternalRecord[], internalIds: Array<string | undefined>): Promise<Set<string>> {
	const key = threadKey({ integration: request.integration, platform: request.connector.platform, entity: request.entity }, thread);
	const ids = records.flatMap((record, index) => (internalIds[index] === undefined ? [] : itemsOf(record, internalIds[index] as string, thread).map((item) => item.id)));
	return new Set((await request.store.idMap.externalIds(key, ids)).keys());
}

function missingItems(record: InternalRecord, internalId: string, thread: ThreadPaths, held: Set<string>): readonly ThreadItem[] {
	return itemsOf(record, internalId, thread).filter((item) => !held.has(item.id));
}

/** The record's platform fields, or the value it holds that the platform has no option for (nothing is written then). */
function platformFields(record: InternalRecord, mappings: FieldMapping[], platform: PlatformValues): Record<string, unknown> | UnmappedValueError {
	try {
		return toPlatformFields(record, mappings, platform);
	} catch (error) {
		if (error instanceof UnmappedValueError) return error;
		throw error;
	}
}

/** The fields of a record to create, with each default the record leaves empty. */
function withCreateDefaults(fields: Record<string, unknown>, defaults: Record<string, unknown> = {}): Record<string, unknown> {
	const missing = Object.entries(defaults).filter(([field, value]) => !isBlank(value) && isBlank(fields[field]));
	return missing.length === 0 ? fields : { ...Object.fromEntries(missing), ...Object.fromEntries(Object.entries(fields).filter(([, value]) => !isBlank(value))) };
}

const isBlank = (value: unknown) => value === undefined || value === null || value === '';

/**
 * True when every value about to be written is what the snapshot already holds (blank equals missing), leaf by leaf
 * of the fields as `flatten` walks them; walked in place, with no flat copy, as it runs for every record pushed.
 */
function holdsValues(snapshot: Record<string, unknown>, fields: Record<string, unknown>, mappings: FieldMapping[], prefix = ''): boolean {
	for (const key of Object.keys(fields)) {
		const value = fields[key];
		const path = prefix ? `${prefix}.${key}` : key;
		if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
			if (!holdsValues(snapshot, value as Record<string, unknown>, mappings, path)) return false;
			continue;
		}
		if (value === undefined) continue;
		const held = getPath(snapshot, path);
		const mapping = mappingTo(mappings, path);
		if (!(mapping ? sameFieldValue(mapping, held, value) : sameValue(held, value))) return false;
	}
	return true;
}

function mappingTo(mappings: FieldMapping[], external: string): FieldMapping | undefined {
	for (const mapping of mappings) if (mapping.external === external) return mapping;
	return undefined;
}

/** The mapped fields the platform answered with that the write did not carry: plain values (a thread is kept its own way). */
function answeredDefaults(mappings: FieldMapping[], written: Record<string, unknown>, answered: Record<string, unknown>): Record<string, unknown> {
	const defaults: Record<string, unknown> = {};
	for (const { external } of mappings) {
		const value = getPath(answered, external);
		if (value !== undefined && (value === null || typeof value !== 'object') && getPath(written, external) === undefined) setPath(defaults, external, value);
	}
	return defaults;
}

function withValues(base: Record<string, unknown> | undefined, fields: Record<string, unknown>): Record<string, unknown> {
	if (!base) return fields;
	// Nothing to keep, and copying flat fields would give the same object: a new record's snapshot is what was written.
	if (isEmpty(base) && isFlat(fields)) return fields;
	// The old snapshot object is dropped after this, so nested objects may be shared and updated in place.
	const data = { ...base };
	// Keys, not entries: an entry array per field of every record written.
	const flat = flatten(fields);
	for (const path of Object.keys(flat)) setPath(data, path, flat[path]);
	return data;
}

function isEmpty(record: Record<string, unknown>): boolean {
	for (const key in record) if (Object.prototype.hasOwnProperty.call(record, key)) return false;
	return true;
}

/** No nested object, dotted key or undefined value: `flatten` and `setPath` would give the same keys and values in order. */
function isFlat(fields: Record<string, unknown>): boolean {
	for (const key in fields) {
		if (!Object.prototype.hasOwnProperty.call(fields, key)) continue;
		if (key.includes('.')) return false;
		const value = fields[key];
		if (value === undefined || (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date))) return false;
	}
	return true;
}

function countOutcomes(outcomes: PushOutcome[]): ActivityCounts {
	const counts: ActivityCounts = { created: 0, updated: 0, skipped: 0, failed: 0, conflicts: 0 };
	for (const outcome of outcomes) counts[outcome.status]++;
	return counts;
}
