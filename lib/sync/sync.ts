import type { CrmConnector, RecordEntity } from '../platforms/crm';
import { type FieldMapping, lowerCase } from '../records/mapping';
import { deletePath, getPath, setPath, splitPath } from '../records/paths';
import { PackedStringSet } from '../records/packedStringSet';
import { resolveVersions, type ConflictStrategy, type FieldPolicy, type RecordVersion } from '../records/resolve';
import type { ActivityCounts, LogRepository } from '../store/logs';
import { decidedValues, ReviewQueue } from '../store/reviews';
import type { StateStore } from '../store/stateStore';
import { HubRecordRepository, type HubKey, type HubRecord } from './hubRecords';
import { InboxRepository, type StagedChange } from './inbox';
import { type DeletePolicy, emptyCounts, pullChanges, type PulledChange } from './pull';
import { pushRecords, writesInFlight, type InternalRecord, type PushOutcome, type PushResult } from './push';
import { inTransaction, type SyncRepositories } from './repositories';
import { hubItemId, threadItems, threadKey, threadPaths, type ThreadItem, type ThreadPaths } from './threads';

export interface SyncPlatform {
	connector: CrmConnector;
	mappings: FieldMapping[];
	/** Fields the records created on this platform get when they leave them empty (see PushRequest). */
	createDefaults?: Record<string, unknown>;
	/**
	 * The platform receives the others' records and is never pulled (a CRM given a store's customers, whose other
	 * contacts must not become store accounts): its records are matched on it by the match field before one is created.
	 */
	receiveOnly?: boolean;
}

export interface SyncOptions {
	store: StateStore;
	integration: string;
	entity: RecordEntity;
	platforms: SyncPlatform[];
	strategy: ConflictStrategy;
	fieldPolicies?: FieldPolicy[];
	/** Platforms in tie-break order for equal modified times; unlisted ones follow by name. */
	platformPriority?: string[];
	deletes: DeletePolicy;
	runId: string;
	/**
	 * Records resolved and pushed together; a multiple of every batch size keeps batches full. By default the fewest that
	 * fill every platform's round of calls (see `fullRoundChunk`).
	 */
	chunkSize?: number;
	/** A change whose push keeps failing is dropped to the error log after this many runs. */
	maxAttempts?: number;
}

export interface PlatformSyncCounts extends ActivityCounts {
	/** Changes pulled from this platform (echoes and unsynced-field edits excluded). */
	pulled: number;
	/** Records that came back unchanged: our own writes (echoes) or edits to fields we do not sync. */
	echoes: number;
	archived: number;
}

export interface SyncSummary {
	runId: string;
	integration: string;
	entity: RecordEntity;
	platforms: Record<string, PlatformSyncCounts>;
	/** Records with at least one field changed differently on two platforms. */
	conflicts: number;
	reviewsOpened: number;
	reviewsApplied: number;
	/** Changes given up after `maxAttempts` failed runs (they are in the error log). */
	deadLettered: number;
	/** Changes still staged for the next run (their pushes failed). */
	pending: number;
	/**
	 * Records created or updated on at least one platform in this run, each counted once however many platforms it
	 * reached: what a per-record price (tickets at $0.10 each) charges for.
	 */
	records: number;
	failures: PushOutcome[];
}

/** A hub record to push, with the values some platforms keep for fields awaiting review (most records have none). */
interface PushItem {
	record: HubRecord;
	own?: Map<string, Record<string, unknown>>;
}

const DELETED_FIELD = '__deleted__';
/** A platform's position in the hub's update times is kept as a cursor of this entity name. */
const CATCH_UP_SUFFIX = '#hub';
/** How far before its position a platform reads the hub again: a run's hub writes commit up to a chunk after they are stamped. */
const CATCH_UP_MARGIN_MS = 5 * 60_000;
/** The position of a platform that is never pulled. */
const RECEIVES_ONLY = 'receives-only';

/** How many chunks of a pulling platform's staged groups are noted for pushing while it pulls (see noteStaged). */
const STAGED_CHUNKS_NOTED = 2;

/** The most records resolved and pushed together by default. */
const MAX_CHUNK = 1000;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * The fewest records that fill every platform's batches and its round of calls (a batch, or `batchesPerRound` batches
 * for a connector that writes several at once; as many of those as it keeps in flight), at most MAX_CHUNK: a chunk in flight is all the memory a sync holds,
 * so it is no larger than the calls need. A chunk's records are alive through its whole push, so V8 copies them at each
 * young-generation collection they meet, and the bytes surviving those collections are what V8 grows its young
 * generation by (to its maximum, 64 MB per semi-space, over a long enough sync) and what it promotes to old space as
 * garbage: with 100 contacts a round instead of 1,000 a 100,000-record sync promoted 13 MB instead of 100 MB.
 */
export function fullRoundChunk(platforms: SyncPlatform[], entity: RecordEntity): number {
	let unit = 1;
	let round = 1;
	for (const { connector } of platforms) {
		const support = connector.entities[entity];
		if (!support || !(support.batchSize >= 1)) continue;
		unit = (unit / gcd(unit, support.batchSize)) * support.batchSize;
		round = Math.max(round, support.batchSize * (connector.writeBatches ? Math.max(1, support.batchesPerRound ?? 1) : 1) * writesInFlight(support));
	}
	const chunk = Math.ceil(round / unit) * unit;
	if (chunk <= MAX_CHUNK) return chunk;
	return unit <= MAX_CHUNK ? Math.floor(MAX_CHUNK / unit) * unit : MAX_CHUNK;
}

/** Failures found before any write that the next run would meet again unchanged: retrying them cannot help. */
const PERMANENT_FAILURES = new Set(['UNMAPPED_VALUE']);

function isRefusal(failures: PushOutcome[]): boolean {
	return failures.every((failure) => failure.error?.code !== undefined && PERMANENT_FAILURES.has(failure.error.code));
}

function values(records: HubRecord[], internalId: string): Record<string, unknown> {
	return records.find((record) => record.internalId === internalId)?.data ?? {};
}

/** A copy of `record` without the given internal paths (a left-out field counts as unchanged when versions are resolved). */
function withoutPaths(record: Record<string, unknown>, paths: string[] = []): Record<string, unknown> {
	if (paths.length === 0) return record;
	const copy = structuredClone(record);
	for (const path of paths.flatMap((joined) => joined.split('+').map((part) => part.trim()))) {
		deletePath(copy, splitPath(path));
	}
	return copy;
}

/** `record` with `items` appended to its thread at `path`, each item once. */
function withItems(record: Record<string, unknown>, path: string, items: ThreadItem[]): Record<string, unknown> {
	const thread = threadItems(getPath(record, path), (position) => `#${position}`);
	const known = new Set(thread.map((item) => item.id));
	const added = items.filter((item) => !known.has(item.id) && known.add(item.id));
	if (added.length === 0) return record;
	const copy = { ...record };
	setPath(copy, path, [...thread, ...added]);
	return copy;
}

/** A page's changes as staged, counted as pulled (a delete of a record never linked has nothing to stage). */
function stagedChanges(platform: string, changes: PulledChange[], groups: string[], counts: PlatformSyncCounts): Array<Omit<StagedChange, 'attempts' | 'revision'>> {
	const staged: Array<Omit<StagedChange, 'attempts' | 'revision'>> = [];
	for (let index = 0; index < changes.length; index++) {
		const change = changes[index];
		if (change.kind === 'deleted' && !change.internalId) continue;
		counts.pulled++;
		if (change.kind === 'deleted') counts.archived++;
		staged.push({ platform, externalId: change.externalId, groupKey: groups[index], data: withoutPaths(change.record, change.unchangedValues), modifiedAt: change.modifiedAt, deleted: change.kind === 'deleted' });
	}
	return staged;
}

/** A chunk's changes by record: the records' internal ids and, at the same position, each one's changes. */
interface ChunkRecords {
	ids: string[];
	changes: StagedChange[][];
}

const isDeleted = (change: StagedChange): boolean => change.deleted;

/** The chunk's changes by record: two groups may turn out to be one record (a linked change and an unlinked one with its email). */
function byRecordOf(groups: Map<string, StagedChange[]>, identities: Map<string, string>): ChunkRecords {
	const records: ChunkRecords = { ids: [], changes: [] };
	const positions = new Map<string, number>();
	groups.forEach((changes, groupKey) => {
		const internalId = identities.get(groupKey) as string;
		const joined = positions.get(internalId);
		// The group's own list is not read again: it is the record's list unless another group joins it.
		if (joined !== undefined) records.changes[joined] = [...records.changes[joined], ...changes];
		else {
			positions.set(internalId, records.ids.length);
			records.ids.push(internalId);
			records.changes.push(changes);
		}
	});
	return records;
}

/** Per platform, its live changes' records as (internal id, external id) pairs. */
function livePairs(records: ChunkRecords): Map<string, Array<{ internalId: string; externalId: string }>> {
	const byPlatform = new Map<string, Array<{ internalId: string; externalId: string }>>();
	for (let position = 0; position < records.ids.length; position++) {
		const internalId = records.ids[position];
		for (const change of records.changes[position]) {
			if (change.deleted) continue;
			const pairs = byPlatform.get(change.platform);
			if (pairs) pairs.push({ internalId, externalId: change.externalId });
			else byPlatform.set(change.platform, [{ internalId, externalId: change.externalId }]);
		}
	}
	return byPlatform;
}

/** Each group's internal id: a change's linked one, else the hub record of a change's match key, else one from its first change. */
function identities(
	groups: Map<string, StagedChange[]>,
	linked: Map<string, Map<string, string>>,
	matchKeys: Map<StagedChange, string>,
	byMatch: Map<string, HubRecord>,
): Map<string, string> {
	const found = new Map<string, string>();
	groups.forEach((changes, groupKey) => {
		let identity: string | undefined;
		for (let position = 0; identity === undefined && position < changes.length; position++) {
			identity = linked.get(changes[position].platform)?.get(changes[position].externalId);
		}
		for (let position = 0; identity === undefined && position < changes.length; position++) {
			const matchKey = matchKeys.get(changes[position]);
			identity = matchKey === undefined ? undefined : byMatch.get(matchKey)?.internalId;
		}
		identity ??= groupKey.startsWith('match:') || groupKey.startsWith('new:') ? `${changes[0].platform}:${changes[0].externalId}` : groupKey;
		found.set(groupKey, identity);
	});
	return found;
}

/** The review-queue scope of one integration's entity, e.g. `crm:default:contacts`. */
export function syncScope(integration: string, entity: string): string {
	return `crm:${integration}:${entity}`;
}

/**
 * One scheduled sync round across every enabled platform: applies decided reviews, pulls each platform's changes
 * into the inbox (moving its cursor once they are staged), then resolves each record's changes against the hub
 * copy and pushes the winners to every platform. A change stays staged until it reached every platform.
 */
export async function syncPlatforms(options: SyncOptions): Promise<SyncSummary> {
	const run = new SyncRun(options);
	await run.applyDecidedReviews();
	const joining = await run.joiningPlatforms();
	await run.stageAll();
	await run.processInbox();
	await run.backfill(joining);
	await run.catchUp(joining);
	return run.finish();
}

class SyncRun {
	private readonly key: HubKey;
	private readonly hub: HubRecordRepository;
	private readonly inbox: InboxRepository;
	private readonly reviews: ReviewQueue;
	private readonly scope: string;
	private readonly startedAt = new Date().toISOString();
	/** Internal ids of the records some platform created or updated in this run: one member per record of the run, packed. */
	private readonly written = new PackedStringSet();
	private chunk?: number;
	/** Platforms whose pull is still going on. */
	private readonly pulling = new Set<string>();
	/** A pull failed: what it did not stage may concern any record, so nothing more is pushed before the run's end. */
	private pullFailed = false;
	/** Per platform, the groups its pages staged in this run that are not yet handled, in staging order (at most a few chunks). */
	private readonly stagedGroups = new Map<string, string[]>();
	/** Groups handled while a pull went on whose changes stayed staged (a push failed): not tried twice in one run. */
	private readonly triedEarly = new Set<string>();
	/** Per platform, where its records keep their thread, if they have one (see threadPathsOf). */
	private readonly threads = new Map<string, ThreadPaths | undefined>();
	private matchPathList?: Array<string | undefined>;
	readonly summary: SyncSummary;

	constructor(private readonly options: SyncOptions) {
		this.key = { integration: options.integration, entity: options.entity };
		this.hub = new HubRecordRepository(options.store.db);
		this.inbox = new InboxRepository(options.store.db);
		this.reviews = new ReviewQueue(options.store.db);
		this.scope = syncScope(options.integration, options.entity);
		this.summary = {
			runId: options.runId,
			integration: options.integration,
			entity: options.entity,
			platforms: Object.fromEntries(options.platforms.map(({ connector }) => [connector.platform, { ...emptyCounts(), pulled: 0, echoes: 0, archived: 0 }])),
			conflicts: 0,
			reviewsOpened: 0,
			reviewsApplied: 0,
			deadLettered: 0,
			pending: 0,
			records: 0,
			failures: [],
		};
	}

	/** Decisions reviewers made since the last run: written to the hub copy and pushed everywhere. */
	async applyDecidedReviews(): Promise<void> {
		for (;;) {
			const decided = await this.reviews.list({ scope: this.scope, status: 'decided', limit: this.chunkSize() });
			if (decided.length === 0) return;
			const current = await this.hub.getMany(this.key, decided.map((review) => review.recordKey));
			const records: HubRecord[] = [];
			for (const review of decided) {
				const values = decidedValues(review);
				delete values[DELETED_FIELD];
				const record = current.get(review.recordKey) ?? { internalId: review.recordKey, data: {} };
				const data = { ...record.data };
				for (const [path, value] of Object.entries(values)) setPath(data, path, value);
				records.push({ ...record, data });
			}
			await this.hub.putMany(this.key, records, this.platformNames());
			const failed = await this.pushEverywhere(records.map((record) => ({ record })));
			let retryLater = false;
			for (const review of decided) {
				const failures = failed.get(review.recordKey);
				if (failures && !isRefusal(failures)) {
					retryLater = true;
					continue;
				}
				// A decided value a platform has no option for is reported once, not pushed again on every run.
				if (failures) await this.refused(this.options.store.logs, 'review', review.recordKey, failures, values(records, review.recordKey));
				await this.reviews.markApplied(review.id);
				this.summary.reviewsApplied++;
			}
			if (retryLater) return;
		}
	}

	/** Platforms pulled for the first time in an integration that already has records: they need every record. */
	async joiningPlatforms(): Promise<SyncPlatform[]> {
		// Records another run (another node of a store group) agreed on count too, though none of these platforms was there.
		if (!(await this.hub.any(this.key))) return [];
		const joining: SyncPlatform[] = [];
		for (const platform of this.options.platforms) {
			// A platform pulled while empty keeps an empty cursor: it has joined (what it lacked was pushed to it then).
			if ((await this.options.store.cursors.get(this.platformKey(platform.connector.platform))) === undefined) joining.push(platform);
		}
		return joining;
	}

	/**
	 * Copies every hub record to platforms that joined in this run: records unchanged elsewhere would otherwise never
	 * reach them. Their own records were pulled and matched first, so those are linked and skipped, not duplicated.
	 */
	async backfill(joining: SyncPlatform[]): Promise<void> {
		if (joining.length === 0) return;
		for (let after = ''; ;) {
			const records = await this.hub.page(this.key, after, this.chunkSize());
			if (records.length === 0) return;
			after = records[records.length - 1].internalId;
			await this.pushEverywhere(records.map((record) => ({ record })), joining);
		}
	}

	/**
	 * Brings each platform up to the hub's records that other runs changed: runs sharing an integration over different
	 * stores (several nodes of one store group, each holding some stores' credentials) agree on one hub, and a change one
	 * run pulled reaches the stores only another run holds here. Each platform keeps its position in the hub's update
	 * times and is given the records a run without it wrote there; records are read again from a margin before it (a run
	 * committing late is not missed), and a record the platform already holds is skipped by its snapshot (no call).
	 * A push that fails leaves the position, so the next run tries again.
	 */
	async catchUp(joining: SyncPlatform[]): Promise<void> {
		const startedAt = new Date().toISOString();
		for (const platform of this.options.platforms) {
			const key = { ...this.platformKey(platform.connector.platform), entity: `${this.options.entity}${CATCH_UP_SUFFIX}` };
			const position = await this.options.store.cursors.get(key);
			// A platform new to the hub was given every record (backfill): it starts from now.
			if (position && !joining.includes(platform)) {
				const since = new Date(Date.parse(position) - CATCH_UP_MARGIN_MS).toISOString();
				if (!(await this.catchUpFrom(platform, since))) continue;
			}
			await this.options.store.cursors.set(key, startedAt);
		}
	}

	/** Pushes the hub records other runs changed since `since`; false when a push failed. */
	private async catchUpFrom(platform: SyncPlatform, since: string): Promise<boolean> {
		let succeeded = true;
		for (let after = ''; ;) {
			const page = await this.hub.changedElsewhere(this.key, platform.connector.platform, since, after, this.chunkSize());
			if (page.last === undefined) return succeeded;
			after = page.last;
			const failed = await this.pushEverywhere(page.records.map((record) => ({ record })), [platform]);
			if (failed.size > 0) succeeded = false;
		}
	}

	/**
	 * Pulls every platform at once into the inbox. Once a single platform is still pulling (typically waiting on its
	 * vendor's rate window), the records its pages staged are resolved and pushed a chunk at a time between its pages:
	 * every other platform's changes are staged by then, and a pull hands out each record at its latest change, so no
	 * change staged later is an older one to those records. They are resolved on what a run started now would see.
	 */
	async stageAll(): Promise<void> {
		for (const { connector, receiveOnly } of this.options.platforms) if (!receiveOnly) this.pulling.add(connector.platform);
		const settled = await Promise.allSettled(this.options.platforms.map(async (platform) => {
			try {
				await this.stage(platform);
			} catch (error) {
				this.pullFailed = true;
				throw error;
			} finally {
				this.pulling.delete(platform.connector.platform);
			}
		}));
		const stopped = settled.find((result) => result.status === 'rejected');
		if (stopped) throw stopped.reason;
	}

	/** Pushes full chunks of what `platform` staged, when it is the only platform still pulling. */
	private async pushWhilePulling(platform: string): Promise<void> {
		const groups = this.stagedGroups.get(platform);
		if (!groups || this.pullFailed || this.pulling.size !== 1 || !this.pulling.has(platform)) return;
		while (groups.length >= this.chunkSize()) {
			const kept = await this.processChunk(await this.inbox.groups(this.key, groups.splice(0, this.chunkSize())));
			for (const group of kept) this.triedEarly.add(group);
		}
	}

	/** Notes the groups a page staged, for pushWhilePulling; past a few chunks they are left to processInbox. */
	private noteStaged(platform: string, staged: Array<{ groupKey: string }>): void {
		const noted = this.stagedGroups.get(platform) ?? [];
		this.stagedGroups.set(platform, noted);
		const room = STAGED_CHUNKS_NOTED * this.chunkSize();
		if (noted.length >= room) return;
		const groups = new Set<string>();
		for (let position = 0; position < staged.length; position++) groups.add(staged[position].groupKey);
		for (const group of groups) if (noted.length < room) noted.push(group);
	}

	/** Pulls one platform into the inbox; its cursor moves page by page once the page is staged. */
	async stage(platform: SyncPlatform): Promise<void> {
		const name = platform.connector.platform;
		if (platform.receiveOnly) {
			// Never pulled: its position only says it has joined, so the records it was given are not given again.
			const key = this.platformKey(name);
			if (!(await this.options.store.cursors.get(key))) await this.options.store.cursors.set(key, RECEIVES_ONLY);
			return;
		}
		const counts = this.summary.platforms[name];
		const pulled = await pullChanges({
			store: this.options.store,
			connector: platform.connector,
			integration: this.options.integration,
			entity: this.options.entity,
			mappings: platform.mappings,
			deletes: this.options.deletes,
			onPage: async (changes) => {
				const staged = stagedChanges(name, changes, await this.groupKeys(platform, changes), counts);
				await inTransaction(this.options.store, async ({ inbox }) => inbox.stage(this.key, staged));
				this.noteStaged(name, staged);
			},
			afterPage: async () => this.pushWhilePulling(name),
		});
		counts.echoes += pulled.unchanged;
		counts.skipped += pulled.counts.skipped;
	}

	/** Resolves and pushes the inbox a chunk of records at a time, so memory stays bounded whatever its size. */
	async processInbox(): Promise<void> {
		let after = '';
		for (;;) {
			const groups = await this.inbox.nextGroups(this.key, after, this.chunkSize());
			if (groups.size === 0) break;
			after = [...groups.keys()][groups.size - 1];
			for (const group of this.triedEarly) groups.delete(group);
			if (groups.size > 0) await this.processChunk(groups);
		}
		this.summary.pending = await this.inbox.size(this.key);
	}

	async finish(): Promise<SyncSummary> {
		this.summary.records = this.written.size;
		for (const [platform, counts] of Object.entries(this.summary.platforms)) {
			await this.options.store.logs.recordActivity({
				runId: this.options.runId, integration: this.options.integration, operation: 'sync', platform, entity: this.options.entity,
				created: counts.created, updated: counts.updated, skipped: counts.skipped, failed: counts.failed, conflicts: counts.conflicts,
				startedAt: this.startedAt, finishedAt: new Date().toISOString(),
			});
		}
		return this.summary;
	}

	/** The platforms (stores) this run writes to, by the names they keep their links under. */
	private platformNames(): string[] {
		return this.options.platforms.map(({ connector }) => connector.platform);
	}

	private chunkSize(): number {
		this.chunk ??= this.options.chunkSize ?? fullRoundChunk(this.options.platforms, this.options.entity);
		return this.chunk;
	}

	/** Each platform's match field as an internal path, in platform order (worked out once per run). */
	private matchPaths(): Array<string | undefined> {
		this.matchPathList ??= this.options.platforms.map((platform) => {
			const field = platform.connector.entities[this.options.entity]?.matchField;
			return platform.mappings.find((mapping) => mapping.external === field)?.internal;
		});
		return this.matchPathList;
	}

	private matchKey(record: Record<string, unknown>): string | undefined {
		for (const path of this.matchPaths()) {
			const value = path ? getPath(record, path) : undefined;
			if (typeof value === 'string' && value.trim() !== '') return lowerCase(value.trim());
		}
		return undefined;
	}

	/** Changes to one record share a key: its internal id, else the hub record with its match key, else the match key itself. */
	private async groupKeys(platform: SyncPlatform, changes: PulledChange[]): Promise<string[]> {
		const keys = changes.map((change) => (change.internalId ? undefined : this.matchKey(change.record)));
		const known = await this.hub.byMatchKey(this.key, keys.filter((key): key is string => key !== undefined));
		return changes.map((change, index) => {
			if (change.internalId) return change.internalId;
			const matchKey = keys[index];
			if (matchKey) return known.get(matchKey)?.internalId ?? `match:${matchKey}`;
			return `new:${platform.connector.platform}:${change.externalId}`;
		});
	}

	/**
	 * Resolves and pushes a chunk of groups; returns the groups whose changes stay staged (a push failed). The chunk's
	 * records are walked by index in these async bodies: a Map's iterator there allocated at every step, most of what a
	 * chunk's bookkeeping allocated.
	 */
	private async processChunk(groups: Map<string, StagedChange[]>): Promise<Set<string>> {
		const records = byRecordOf(groups, await this.identify(groups));
		const hubRecords = await this.hub.getMany(this.key, records.ids);
		for (let position = 0; position < records.ids.length; position++) {
			const changes = records.changes[position];
			if (changes.some(isDeleted)) await this.handleDeletes(records.ids[position], changes.filter(isDeleted));
		}
		const toPush = await inTransaction(this.options.store, (repositories) => this.resolveChunk(repositories, records, hubRecords));
		const failed = await this.pushEverywhere(toPush);
		return inTransaction(this.options.store, (repositories) => this.settleChunk(repositories, records, failed));
	}

	/** Links, resolves and saves to the hub each record of the chunk with live changes; the records to push. */
	private async resolveChunk(repositories: SyncRepositories, records: ChunkRecords, hubRecords: Map<string, HubRecord>): Promise<PushItem[]> {
		// Set-based, a few statements per chunk: one statement per record here was most of a large sync's allocation.
		await this.linkLive(repositories, records);
		const toPush: PushItem[] = [];
		for (let position = 0; position < records.ids.length; position++) {
			const internalId = records.ids[position];
			const changes = records.changes[position];
			const live = changes.some(isDeleted) ? changes.filter((change) => !change.deleted) : changes;
			if (live.length === 0) continue;
			// Awaited only when it has to wait (threads to link, a review to open): an await per record was a promise and
			// a suspended call per record, a tenth of what an initial sync allocated.
			const resolved = this.resolve(repositories, internalId, hubRecords.get(internalId), live);
			toPush.push(resolved instanceof Promise ? await resolved : resolved);
		}
		await repositories.hub.putMany(this.key, toPush.map(({ record }) => record), this.platformNames());
		return toPush;
	}

	/** Takes the chunk's handled changes out of the inbox; returns the groups whose changes stay staged. */
	private async settleChunk(repositories: SyncRepositories, records: ChunkRecords, failed: Map<string, PushOutcome[]>): Promise<Set<string>> {
		const kept = new Set<string>();
		const handled: StagedChange[] = [];
		for (let position = 0; position < records.ids.length; position++) {
			const failures = failed.get(records.ids[position]);
			const changes = records.changes[position];
			for (let index = 0; index < changes.length; index++) {
				// Awaited only for a record whose push failed: an await per change was a tenth of a sync's allocation here.
				if (!failures || (await this.settleFailed(repositories, changes[index], failures))) handled.push(changes[index]);
				else kept.add(changes[index].groupKey);
			}
		}
		await repositories.inbox.removeMany(this.key, handled);
		return kept;
	}

	/** Links each live change's platform record to its hub record, a platform at a time. */
	private async linkLive({ idMap }: SyncRepositories, records: ChunkRecords): Promise<void> {
		for (const [platform, pairs] of livePairs(records)) await idMap.linkMany(this.platformKey(platform), pairs);
	}

	/** The internal id of each group: from the ID map, else the hub's match key, else a new id from the first change. */
	private async identify(groups: Map<string, StagedChange[]>): Promise<Map<string, string>> {
		const { ids, matchKeys } = this.idsAndMatchKeys(groups);
		const linked = new Map<string, Map<string, string>>();
		for (const platform of this.options.platforms) {
			const name = platform.connector.platform;
			linked.set(name, await this.options.store.idMap.internalIds(this.platformKey(name), ids.get(name) ?? []));
		}
		return identities(groups, linked, matchKeys, await this.hub.byMatchKey(this.key, [...matchKeys.values()]));
	}

	/**
	 * Per platform, its changes' external ids; each change's match key. Out of `identify`'s async body, as a loop of its
	 * own: its iteration is optimised, where in the async body each step of the Map's iterator was an allocation.
	 */
	private idsAndMatchKeys(groups: Map<string, StagedChange[]>): { ids: Map<string, string[]>; matchKeys: Map<StagedChange, string> } {
		const ids = new Map<string, string[]>();
		const matchKeys = new Map<StagedChange, string>();
		groups.forEach((changes) => {
			for (let position = 0; position < changes.length; position++) {
				const change = changes[position];
				const platformIds = ids.get(change.platform);
				if (platformIds) platformIds.push(change.externalId);
				else ids.set(change.platform, [change.externalId]);
				const matchKey = this.matchKey(change.data);
				if (matchKey) matchKeys.set(change, matchKey);
			}
		});
		return { ids, matchKeys };
	}

	private resolve(repositories: SyncRepositories, internalId: string, current: HubRecord | undefined, live: StagedChange[]): PushItem | Promise<PushItem> {
		if (this.anyThread(live)) {
			return this.takeThreads(repositories, live).then(({ versions, items, itemsPath }) => this.resolveRecord(repositories, internalId, current, versions, items, itemsPath));
		}
		const versions = live.map((change): RecordVersion => ({ side: change.platform, fields: change.data, modifiedAt: change.modifiedAt }));
		return this.resolveRecord(repositories, internalId, current, versions, [], undefined);
	}

	private resolveRecord(
		repositories: SyncRepositories,
		internalId: string,
		current: HubRecord | undefined,
		versions: RecordVersion[],
		items: ThreadItem[],
		itemsPath: string | undefined,
	): PushItem | Promise<PushItem> {
		const resolution = resolveVersions(current?.data, versions, {
			strategy: this.options.strategy,
			fieldPolicies: this.options.fieldPolicies,
			sidePriority: this.options.platformPriority,
		});
		if (resolution.conflicts.length > 0) {
			this.summary.conflicts++;
			for (const decision of resolution.decisions.filter((entry) => entry.conflict)) {
				for (const side of decision.changedBy) this.summary.platforms[side].conflicts++;
			}
		}
		const merged = itemsPath ? withItems(resolution.merged, itemsPath, items) : resolution.merged;
		// Saved to the hub with the rest of its chunk.
		const record: HubRecord = { internalId, matchKey: this.matchKey(merged), data: merged };
		if (resolution.review.length === 0) return { record };
		// Fields awaiting review keep each platform's own value: nobody's edit is overwritten before a person decides.
		return this.openReview(repositories, internalId, current, versions, resolution.review).then((own) => ({ record, own }));
	}

	private async openReview(repositories: SyncRepositories, internalId: string, current: HubRecord | undefined, versions: RecordVersion[], fields: string[]): Promise<Map<string, Record<string, unknown>>> {
		const own = new Map<string, Record<string, unknown>>();
		await repositories.reviews.open({ scope: this.scope, recordKey: internalId, fields, base: current?.data, versions });
		this.summary.reviewsOpened++;
		for (const version of versions) own.set(version.side, Object.fromEntries(fields.map((field) => [field, getPath(version.fields, field)])));
		return own;
	}

	/** Whether a change comes from a platform whose records keep a thread (a loop: a closure per record otherwise). */
	private anyThread(changes: StagedChange[]): boolean {
		for (let position = 0; position < changes.length; position++) if (this.threadPathsOf(changes[position].platform)) return true;
		return false;
	}

	/** Where a platform's records keep their thread (worked out once per platform and run), if they have one. */
	private threadPathsOf(platform: string): ThreadPaths | undefined {
		if (!this.threads.has(platform)) {
			const found = this.options.platforms.find(({ connector }) => connector.platform === platform);
			this.threads.set(platform, found ? threadPaths(found.connector, this.options.entity, found.mappings) : undefined);
		}
		return this.threads.get(platform);
	}

	/**
	 * The changes as versions to resolve, their thread taken out: a thread is not a field two sides can disagree on,
	 * each new item is appended to the hub's thread under our id and linked to the item it came from.
	 */
	private async takeThreads(repositories: SyncRepositories, live: StagedChange[]): Promise<{ versions: RecordVersion[]; items: ThreadItem[]; itemsPath?: string }> {
		const items: ThreadItem[] = [];
		let itemsPath: string | undefined;
		const versions: RecordVersion[] = [];
		for (const change of live) {
			const paths = this.threadPathsOf(change.platform);
			if (!paths) {
				versions.push({ side: change.platform, fields: change.data, modifiedAt: change.modifiedAt });
				continue;
			}
			itemsPath ??= paths.internal;
			const key = threadKey(this.platformKey(change.platform), paths);
			for (const item of threadItems(getPath(change.data, paths.internal), () => '')) {
				if (item.id === '') continue;
				const held = await repositories.idMap.link(key, hubItemId(change.platform, item.id), item.id);
				items.push({ ...item, id: held.internalId });
			}
			versions.push({ side: change.platform, fields: withoutPaths(change.data, [paths.internal]), modifiedAt: change.modifiedAt });
		}
		return { versions, items, itemsPath };
	}

	private async handleDeletes(internalId: string, deleted: StagedChange[]): Promise<void> {
		if (deleted.length === 0) return;
		if (this.options.deletes === 'flag') {
			await this.reviews.open({
				scope: this.scope, recordKey: internalId, fields: [DELETED_FIELD],
				versions: deleted.map((change) => ({ side: change.platform, fields: { [DELETED_FIELD]: true }, modifiedAt: change.modifiedAt })),
			});
			this.summary.reviewsOpened++;
			return;
		}
		const sources = new Set(deleted.map((change) => change.platform));
		for (const { connector } of this.options.platforms) {
			if (sources.has(connector.platform) || !connector.archive) continue;
			const externalId = (await this.options.store.idMap.externalIds(this.platformKey(connector.platform), [internalId])).get(internalId);
			if (!externalId) continue;
			await connector.archive(this.options.entity, [externalId]);
			this.summary.platforms[connector.platform].archived++;
		}
	}

	/**
	 * Pushes each record to every platform at once (unchanged ones are skipped by their snapshot), so a run takes the
	 * slowest platform's time rather than the sum of all (a catalogue of 5,000 products waits on BigCommerce's rate
	 * window, not on it plus Shopify's); returns each failed record's failures, in platform order.
	 */
	private async pushEverywhere(
		items: PushItem[],
		platforms: SyncPlatform[] = this.options.platforms,
	): Promise<Map<string, PushOutcome[]>> {
		const failed = new Map<string, PushOutcome[]>();
		if (items.length === 0) return failed;
		// Every push is let finish before a failed one is thrown: no write goes on after the run has stopped.
		const shared = items.map(({ record }): InternalRecord => ({ ...record.data, id: record.internalId }));
		const settled = await Promise.allSettled(platforms.map((platform) => this.pushTo(platform, items, shared)));
		const stopped = settled.find((result) => result.status === 'rejected');
		if (stopped) throw stopped.reason;
		for (let position = 0; position < settled.length; position++) {
			this.count(platforms[position].connector.platform, (settled[position] as PromiseFulfilledResult<PushResult>).value, failed);
		}
		return failed;
	}

	/** Adds a platform's push to the run's counts, its written records and its failures (also to `failed`, by record). */
	private count(platform: string, result: PushResult, failed: Map<string, PushOutcome[]>): void {
		const counts = this.summary.platforms[platform];
		counts.created += result.counts.created;
		counts.updated += result.counts.updated;
		counts.skipped += result.counts.skipped;
		counts.failed += result.counts.failed;
		for (let index = 0; index < result.outcomes.length; index++) {
			const outcome = result.outcomes[index];
			if (outcome.status === 'created' || outcome.status === 'updated') this.written.add(outcome.internalId);
			if (outcome.status !== 'failed') continue;
			failed.set(outcome.internalId, [...(failed.get(outcome.internalId) ?? []), outcome]);
			this.summary.failures.push(outcome);
		}
	}

	private pushTo(platform: SyncPlatform, items: PushItem[], shared: InternalRecord[]) {
		const name = platform.connector.platform;
		// Platforms share one copy of each record (with the hub's id; the hub record stays as saved) unless fields awaiting
		// review keep this platform's own values: a copy per platform was kept alive through every platform's push.
		const records = items.some(({ own }) => own?.has(name))
			? items.map(({ own }, position) => {
				const kept = own?.get(name);
				if (!kept) return shared[position];
				const data: InternalRecord = { ...shared[position] };
				// The id stays the hub's.
				for (const [path, value] of Object.entries(kept)) if (path !== 'id') setPath(data, path, value);
				return data;
			})
			: shared;
		return pushRecords({
			store: this.options.store, connector: platform.connector, integration: this.options.integration, entity: this.options.entity,
			mappings: platform.mappings, records, runId: this.options.runId, createDefaults: platform.createDefaults,
			// Every platform's records were pulled into the hub and matched there before anything is pushed; one that is
			// never pulled is matched on the platform itself.
			matchExisting: platform.receiveOnly === true,
			logActivity: false,
		});
	}

	/**
	 * A change leaves the inbox once it reached every platform; one whose record failed somewhere leaves as a dead letter:
	 * at once when every failure is one no retry can cure (a value the platform has no option for), else after too many
	 * failed runs. True when it leaves (the caller removes the chunk's leavers together).
	 */
	private async settleFailed({ inbox, logs }: SyncRepositories, change: StagedChange, failures: PushOutcome[]): Promise<boolean> {
		if (isRefusal(failures)) {
			await this.refused(logs, change.platform, change.externalId, failures, change.data);
			return true;
		}
		if (change.attempts + 1 < (this.options.maxAttempts ?? 5)) {
			await inbox.countAttempt(this.key, change);
			return false;
		}
		await logs.recordError({
			integration: this.options.integration, scope: `sync:${this.options.entity}:dead-letter`, platform: change.platform, recordKey: change.externalId,
			code: 'SYNC_GAVE_UP', message: `Change from ${change.platform} record ${change.externalId} could not reach every platform after ${change.attempts + 1} runs`,
			detail: change.data,
		});
		this.summary.deadLettered++;
		return true;
	}

	/** A dead letter for a change (from a platform record, or a review's decision) that some platform refused outright. */
	private async refused(logs: LogRepository, source: string, recordKey: string, failures: PushOutcome[], data: Record<string, unknown>): Promise<void> {
		const reasons = failures.map((failure) => `${failure.platform}: ${failure.error?.message ?? 'failed'}`).join('; ');
		const origin = source === 'review' ? `Decided review of record ${recordKey}` : `Change from ${source} record ${recordKey}`;
		await logs.recordError({
			integration: this.options.integration, scope: `sync:${this.options.entity}:dead-letter`, platform: source, recordKey,
			code: 'SYNC_REFUSED', message: `${origin} was not sent: ${reasons}`, detail: data,
		});
		this.summary.deadLettered++;
	}

	private platformKey(platform: string) {
		return { integration: this.options.integration, platform, entity: this.options.entity };
	}
}
