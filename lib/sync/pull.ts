import type { CrmConnector, RecordEntity, PlatformRecord } from '../platforms/crm';
import { sameValue } from '../records/json';
import { type FieldMapping, fromPlatformFields, sameFieldValue, validateMappings } from '../records/mapping';
import { getPath, setPath } from '../records/paths';
import type { FieldOptions } from '../records/valueMap';
import type { ActivityCounts } from '../store/logs';
import type { Snapshot } from '../store/snapshots';
import type { StateStore } from '../store/stateStore';
import { fingerprint } from './fingerprint';
import { inTransaction } from './repositories';
import { threadIds, threadItems, threadKey, threadPaths, type ThreadPaths, withoutThread } from './threads';

/** What to do with a record the platform reports deleted or archived. */
export type DeletePolicy = 'ignore' | 'propagate' | 'flag';

export interface PulledChange {
	platform: string;
	entity: RecordEntity;
	externalId: string;
	/** The linked internal id, when the ID map knows this record. */
	internalId?: string;
	kind: 'created' | 'updated' | 'deleted';
	/** The record in internal field names. */
	record: Record<string, unknown>;
	/** The mapped platform fields as pulled. */
	fields: Record<string, unknown>;
	/**
	 * Internal paths of value-mapped fields whose platform value is what we last saw or wrote: read back they may
	 * name a coarser value than the one we hold (several internal values share one platform value), so sync leaves
	 * them out rather than take them for an edit. After a write of ours that failed part-way: every field but the thread.
	 */
	unchangedValues?: string[];
	modifiedAt?: string;
}

export interface PullOptions {
	store: StateStore;
	connector: CrmConnector;
	integration: string;
	entity: RecordEntity;
	mappings: FieldMapping[];
	deletes: DeletePolicy;
	/** Stop after the page that reaches this many changes (the cursor still only covers handled pages). */
	maxChanges?: number;
	/** Read one page without saving snapshots or moving the cursor (a trigger's manual test run). */
	peek?: boolean;
	/** Where a pull with no cursor yet starts: changes made at or after this time (absent: from the beginning). */
	startAt?: Date;
	/** When set, the run's counts go to the activity log under this run id (sync logs its own). */
	runId?: string;
	/** Handles one page of changes; the page's snapshots and the cursor are saved only after it resolves. */
	onPage: (changes: PulledChange[]) => Promise<void>;
	/** Runs once a page's snapshots and the cursor after it are saved, before the next page is read. */
	afterPage?: () => Promise<void>;
}

export interface PullSummary {
	counts: ActivityCounts;
	pages: number;
	/** Records that were our own writes coming back, or changes to fields we do not sync. */
	unchanged: number;
	done: boolean;
}

export function emptyCounts(): ActivityCounts {
	return { created: 0, updated: 0, skipped: 0, failed: 0, conflicts: 0 };
}

/** Only the mapped fields, so a change to a field we do not sync is not a change. */
export function mappedFields(fields: Record<string, unknown>, mappings: FieldMapping[]): Record<string, unknown> {
	const picked: Record<string, unknown> = {};
	for (const mapping of mappings) {
		const value = getPath(fields, mapping.external);
		if (value !== undefined) setPath(picked, mapping.external, value);
	}
	return picked;
}

/** Same synced values: what we last saw or wrote equals what the platform now holds (blank equals missing). */
export function sameMappedValues(a: Record<string, unknown>, b: Record<string, unknown>, mappings: FieldMapping[]): boolean {
	return mappings.every((mapping) => sameFieldValue(mapping, getPath(a, mapping.external), getPath(b, mapping.external)));
}

/**
 * Pulls a platform's changes since its cursor, page by page. A record whose mapped values equal the last snapshot
 * (our own write echoing back, or an edit to an unsynced field) is not a change. After `onPage` has handled a page,
 * its snapshots are saved and only then the cursor moves, so a failure re-reads the page on the next run.
 */
export async function pullChanges(options: PullOptions): Promise<PullSummary> {
	const { store, connector, integration, entity, mappings } = options;
	if (!connector.entities[entity]) throw new Error(`${connector.platform} does not support ${entity}`);
	validateMappings(mappings, await connector.fieldNames(entity), `${connector.platform} ${entity}`);
	const key = { integration, platform: connector.platform, entity };
	const summary: PullSummary = { counts: emptyCounts(), pages: 0, unchanged: 0, done: false };
	const startedAt = new Date().toISOString();
	let cursor = (await store.cursors.get(key)) ?? (options.startAt ? connector.cursorAt(entity, options.startAt) : undefined);
	// Value maps may name platform options by label; the platform's options say which stored value that is.
	const fieldOptions = mappings.some((mapping) => mapping.values) ? await connector.fieldOptions?.(entity) : undefined;
	let handled = 0;
	while (!summary.done && (options.maxChanges === undefined || handled < options.maxChanges)) {
		// The page is handled in a call of its own: its records and changes are unreachable once it returns, so they are
		// not kept alive (copied through young-generation collections, then promoted as garbage) during `afterPage`.
		const read = await pullPage(options, cursor, summary, fieldOptions);
		summary.pages++;
		if (options.peek) return summary;
		cursor = read.cursor;
		summary.done = read.done;
		handled += read.changes;
		await options.afterPage?.();
	}
	if (options.runId) {
		await store.logs.recordActivity({
			runId: options.runId, integration, operation: 'pull', platform: connector.platform, entity, ...summary.counts, startedAt, finishedAt: new Date().toISOString(),
		});
	}
	return summary;
}

/** Reads, classifies and hands over one page; unless peeking, saves its snapshots with the cursor after it. */
async function pullPage(options: PullOptions, cursor: string | undefined, summary: PullSummary, fieldOptions?: FieldOptions): Promise<{ cursor: string; done: boolean; changes: number }> {
	const { store, connector, integration, entity } = options;
	const key = { integration, platform: connector.platform, entity };
	const page = await readPage(options, cursor, summary, fieldOptions);
	const { changes, echoes } = page;
	await options.onPage(changes);
	if (options.peek) return { cursor: page.cursor, done: page.done, changes: changes.length };
	// The page's snapshots and the cursor after it are saved together or not at all.
	await inTransaction(store, async ({ snapshots, cursors }) => {
		await snapshots.putMany(key, readSnapshots(changes, echoes));
		await cursors.set(key, page.cursor);
	});
	return { cursor: page.cursor, done: page.done, changes: changes.length };
}

/** The snapshots of what a page read: its live changes' and its echoes' fields, as the platform holds them. */
function readSnapshots(changes: PulledChange[], echoes: ReadRecord[]) {
	const snapshots = [];
	for (const read of changes) if (read.kind !== 'deleted') snapshots.push(readSnapshot(read));
	for (const read of echoes) snapshots.push(readSnapshot(read));
	return snapshots;
}

function readSnapshot(read: ReadRecord) {
	return { externalId: read.externalId, fingerprint: fingerprint(read.fields), data: read.fields, modifiedAt: read.modifiedAt, writtenByUs: false };
}

/**
 * Reads and classifies one page in a call of its own: the records as the platform gave them are unreachable once it
 * returns, so they are not kept alive through the page's staging and snapshots (what is kept is the mapped fields).
 */
async function readPage(options: PullOptions, cursor: string | undefined, summary: PullSummary, fieldOptions?: FieldOptions): Promise<{ changes: PulledChange[]; echoes: ReadRecord[]; cursor: string; done: boolean }> {
	const page = await options.connector.pullChanges(options.entity, cursor);
	return { ...(await classify(options, page.records, summary, fieldOptions)), cursor: page.cursor, done: page.done };
}

/** A record shown as an example of what a pull emits, not as a change. */
export type SampledRecord = Omit<PulledChange, 'kind' | 'unchangedValues'> & { kind: 'sample' };

/** How far back a sample looks, nearest first: the last day, the last 30 days, then everything. */
const SAMPLE_WINDOWS_MS = [86_400_000, 30 * 86_400_000, undefined];

/**
 * The latest few records (at most `limit`, the newest of the first page that has any in the nearest window), read
 * without touching the cursor, the snapshots or the ID map beyond a look-up: what a trigger's manual test run shows
 * when nothing changed, so fields can be mapped.
 */
export async function sampleRecords(options: { store: StateStore; connector: CrmConnector; integration: string; entity: RecordEntity; mappings: FieldMapping[]; limit: number; now?: number }): Promise<SampledRecord[]> {
	const { store, connector, integration, entity, mappings } = options;
	const now = options.now ?? Date.now();
	for (const window of SAMPLE_WINDOWS_MS) {
		const page = await connector.pullChanges(entity, window === undefined ? undefined : connector.cursorAt(entity, new Date(now - window)));
		const latest = page.records.filter((record) => !record.archived).slice(-options.limit);
		if (latest.length === 0) continue;
		const internalIds = await store.idMap.internalIds({ integration, platform: connector.platform, entity }, latest.map((record) => record.externalId));
		const fieldOptions = mappings.some((mapping) => mapping.values) ? await connector.fieldOptions?.(entity) : undefined;
		return latest.map((record) => {
			const fields = mappedFields(record.fields, mappings);
			return { platform: connector.platform, entity, externalId: record.externalId, internalId: internalIds.get(record.externalId), kind: 'sample', record: fromPlatformFields(fields, mappings, fieldOptions), fields, modifiedAt: record.modifiedAt };
		});
	}
	return [];
}

/** A record read back as it now is, to be kept as its snapshot. */
type ReadRecord = Pick<PulledChange, 'externalId' | 'fields' | 'modifiedAt'>;

/**
 * The page's changes, and the records read back after our write to them failed part-way (no change: their snapshots
 * become what was read).
 */
async function classify(options: PullOptions, records: PlatformRecord[], summary: PullSummary, fieldOptions?: FieldOptions): Promise<{ changes: PulledChange[]; echoes: ReadRecord[] }> {
	const { store, connector, integration, entity, mappings } = options;
	const key = { integration, platform: connector.platform, entity };
	const ids = records.map((record) => record.externalId);
	const snapshots = await store.snapshots.getMany(key, ids);
	const internalIds = await store.idMap.internalIds(key, ids);
	const thread = threadPaths(connector, entity, mappings);
	const linkedItems = thread
		? await store.idMap.internalIds(threadKey(key, thread), records.flatMap((record) => threadItems(getPath(record.fields, thread.external), () => '').map((item) => item.id)))
		: new Map<string, string>();
	return classifyRecords(options, records, { snapshots, internalIds, thread, linkedItems, fieldOptions }, summary);
}

/** No thread items, no unchanged values: one shared empty list rather than one per record read (never written to). */
const NONE: never[] = [];

/** The record's thread items neither linked nor in its snapshot: a copy we wrote is linked. */
function freshItems(fields: Record<string, unknown>, snapshot: Snapshot | undefined, thread: ThreadPaths, linkedItems: Map<string, string>) {
	const seen = snapshot ? threadIds(getPath(snapshot.data, thread.external)) : new Set<string>();
	return threadItems(getPath(fields, thread.external), () => '').filter((item) => item.id !== '' && !linkedItems.has(item.id) && !seen.has(item.id));
}

/** A change made in one literal (no base object spread into it): this runs for every record read. */
function pulledChange(platform: string, entity: RecordEntity, record: PlatformRecord, internalId: string | undefined, fields: Record<string, unknown>, kind: PulledChange['kind'], read: Record<string, unknown>): PulledChange {
	return { platform, entity, externalId: record.externalId, internalId, fields, modifiedAt: record.modifiedAt, kind, record: read };
}

/** What classifying a page's records looks up first, a statement per page. */
interface PageKnowledge {
	snapshots: Map<string, Snapshot>;
	internalIds: Map<string, string>;
	thread?: ThreadPaths;
	linkedItems: Map<string, string>;
	fieldOptions?: FieldOptions;
}

/** `classify`'s walk over the records, out of its async body: there each step of the loop's iterator allocated. */
function classifyRecords(options: PullOptions, records: PlatformRecord[], known: PageKnowledge, summary: PullSummary): { changes: PulledChange[]; echoes: ReadRecord[] } {
	const { connector, entity, mappings } = options;
	const { snapshots, internalIds, thread, linkedItems, fieldOptions } = known;
	const compared = withoutThread(mappings, thread);
	const changes: PulledChange[] = [];
	const echoes: ReadRecord[] = [];
	for (let position = 0; position < records.length; position++) {
		const record = records[position];
		const fields = mappedFields(record.fields, mappings);
		const snapshot = snapshots.get(record.externalId);
		const internalId = internalIds.get(record.externalId);
		if (record.archived) {
			if (options.deletes === 'ignore') summary.counts.skipped++;
			else changes.push(pulledChange(connector.platform, entity, record, internalId, fields, 'deleted', fromPlatformFields(fields, mappings, fieldOptions)));
			continue;
		}
		// The change carries only the thread items neither linked nor seen before.
		const fresh = thread ? freshItems(fields, snapshot, thread, linkedItems) : NONE;
		// After a write of ours that failed part-way, what the record holds is that write, not an edit made there: only
		// thread items added since are news.
		const echo = snapshot?.partial || (snapshot && sameMappedValues(fields, snapshot.data, compared));
		if (echo && fresh.length === 0) {
			summary.counts.skipped++;
			summary.unchanged++;
			if (snapshot?.partial) echoes.push({ externalId: record.externalId, fields, modifiedAt: record.modifiedAt });
			continue;
		}
		const kind = snapshot || internalId ? 'updated' : 'created';
		summary.counts[kind]++;
		// A record our write left half done sends its new thread items alone.
		const unchangedValues = snapshot?.partial
			? compared.map((mapping) => mapping.internal)
			: snapshot
			? mappings.filter((mapping) => mapping.values && sameValue(getPath(fields, mapping.external), getPath(snapshot.data, mapping.external))).map((mapping) => mapping.internal)
			: NONE;
		const read = fromPlatformFields(thread ? { ...fields, [thread.external]: fresh } : fields, mappings, fieldOptions);
		const pulled = pulledChange(connector.platform, entity, record, internalId, fields, kind, read);
		if (unchangedValues.length > 0) pulled.unchangedValues = unchangedValues;
		changes.push(pulled);
	}
	return { changes, echoes };
}
