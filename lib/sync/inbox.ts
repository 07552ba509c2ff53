import { OutboxTopic, outboxKey, type GroupEntry } from '../store/outbox';
import type { SqlExecutor } from '../store/types';
import type { HubKey } from './hubRecords';

/** A change pulled from one platform and staged until every platform has it. */
export interface StagedChange {
	platform: string;
	externalId: string;
	/** The hub record's internal id when known, else `match:<key>` or `new:<platform>:<id>`: changes to one record share it. */
	groupKey: string;
	/** Internal field names. */
	data: Record<string, unknown>;
	modifiedAt?: string;
	deleted: boolean;
	attempts: number;
	revision: number;
}

/** What the inbox keeps of a change beside its key, group, attempts and revision. */
interface StagedPayload {
	platform: string;
	externalId: string;
	data: Record<string, unknown>;
	modifiedAt?: string;
	deleted: boolean;
}

/** The outbox topic of one integration's entity. */
export const inboxTopic = (key: HubKey): string => outboxKey('sync-inbox', key.integration, key.entity);

/** A change's key in its topic: one entry per platform record. */
export const stagedKey = (platform: string, externalId: string): string => outboxKey(platform, externalId);

/**
 * Durable staging between pulling and pushing (Camel's "transactional inbox"), on the store's outbox: a platform's
 * cursor moves once its changes are here, and a change leaves only once it reached every platform, so a crash in
 * between loses nothing. Changes to one record share a group and are handled together.
 */
export class InboxRepository {
	constructor(private readonly db: SqlExecutor) {}

	private topic(key: HubKey): OutboxTopic<StagedPayload> {
		return new OutboxTopic<StagedPayload>(this.db, inboxTopic(key));
	}

	/**
	 * Stages a page of changes, many rows per statement; a newer change to the same platform record replaces the older one
	 * (and its attempt count), also within the page.
	 */
	async stage(key: HubKey, changes: Array<Omit<StagedChange, 'attempts' | 'revision'>>): Promise<void> {
		await this.topic(key).put(
			changes.map((change) => ({
				key: stagedKey(change.platform, change.externalId),
				group: change.groupKey,
				payload: { platform: change.platform, externalId: change.externalId, data: change.data, modifiedAt: change.modifiedAt, deleted: change.deleted },
			})),
		);
	}

	/** The next `limit` groups after `afterGroup`, with all their changes. */
	async nextGroups(key: HubKey, afterGroup: string, limit: number): Promise<Map<string, StagedChange[]>> {
		return this.groups(key, await this.topic(key).groupsAfter(afterGroup, limit));
	}

	/** The given groups that still hold changes, with all their changes. */
	async groups(key: HubKey, groups: string[]): Promise<Map<string, StagedChange[]>> {
		if (groups.length === 0) return new Map();
		return byGroup(await this.topic(key).inGroups([...groups].sort()));
	}

	/** Removes a handled change, unless a newer revision of it was staged meanwhile. */
	async remove(key: HubKey, change: StagedChange): Promise<void> {
		await this.topic(key).remove(stagedKey(change.platform, change.externalId), change.revision);
	}

	/** `remove` for many handled changes: a few statements instead of one per change. */
	async removeMany(key: HubKey, changes: StagedChange[]): Promise<void> {
		await this.topic(key).removeRevisions(changes.map((change) => ({ key: stagedKey(change.platform, change.externalId), revision: change.revision })));
	}

	async countAttempt(key: HubKey, change: StagedChange): Promise<void> {
		await this.topic(key).countAttempt(stagedKey(change.platform, change.externalId), change.revision);
	}

	async size(key: HubKey): Promise<number> {
		return this.topic(key).size();
	}
}

/** Entries as staged changes by group, in a loop of its own: in an async body each step of its iterator allocated. */
function byGroup(entries: Array<GroupEntry<StagedPayload>>): Map<string, StagedChange[]> {
	const found = new Map<string, StagedChange[]>();
	for (let position = 0; position < entries.length; position++) {
		const entry = entries[position];
		const { platform, externalId, data, modifiedAt, deleted } = entry.payload;
		const change: StagedChange = { platform, externalId, groupKey: entry.group, data, modifiedAt, deleted, attempts: entry.attempts, revision: entry.revision };
		const group = found.get(change.groupKey);
		if (group) group.push(change);
		else found.set(change.groupKey, [change]);
	}
	return found;
}
