/**
 * The portal's CRM records: one table per object type. Every write stamps createdate and the object's last-modified
 * property, and tells the listener what changed (for webhooks). Search reads an index that may lag behind writes.
 */
import { Associations, type Owner } from './associations';
import { contactExists, invalidProperties, objectNotFound, validationError } from './errors';
import { type CrmObjectName, type CrmObjectType, crmObjectTypes } from './objects';
import { checkValues } from './values';

/** A record as the API shows it. */
export interface CrmRecord {
	id: string;
	properties: Record<string, string | null>;
	createdAt: string;
	updatedAt: string;
	archived: boolean;
	archivedAt?: string;
}

interface RecordVersion {
	/** Only values that are set; a cleared property is absent. */
	properties: Record<string, string>;
	createdAt: string;
	updatedAt: string;
	archived: boolean;
	archivedAt?: string;
}

/** One past value of a property, as `propertiesWithHistory` lists them (newest first). */
export interface PropertyHistoryEntry {
	value: string;
	timestamp: string;
	sourceType: string;
}

interface StoredRecord extends RecordVersion {
	id: string;
	history: Record<string, PropertyHistoryEntry[]>;
	/** What search sees, oldest first: each version becomes visible at `visibleAt`. */
	indexed: Array<{ visibleAt: number; version: RecordVersion }>;
}

/** A searchable view of one record at one moment. */
export interface IndexedRecord extends RecordVersion {
	id: string;
}

export type CrmChange =
	| { kind: 'creation' | 'deletion'; type: CrmObjectType; id: string; at: number }
	| { kind: 'propertyChange'; type: CrmObjectType; id: string; at: number; propertyName: string; propertyValue: string };

/** Fields a seed record may carry besides `properties`. */
export interface SeedRecord {
	id?: string;
	properties?: Record<string, unknown>;
	createdAt?: string;
	updatedAt?: string;
	archived?: boolean;
}

const firstId = 1001;

export class ObjectTable {
	private readonly records = new Map<string, StoredRecord>();
	/** Numeric ids in ascending order, for paging. */
	private readonly orderedIds: number[] = [];
	private nextId = firstId;
	/** Live records by the value of each unique property (email), for idProperty look-ups and duplicate checks. */
	private readonly uniqueIndex: Map<string, Map<string, string>>;

	constructor(
		readonly type: CrmObjectType,
		private readonly settings: { searchIndexLagMs: number },
		private readonly onChange: (change: CrmChange) => void,
	) {
		const indexed = type.properties.filter((property) => property.unique && property.name !== 'hs_object_id');
		this.uniqueIndex = new Map(indexed.map((property) => [property.name, new Map()]));
	}

	/** A live (or, with `archived`, an archived) record by id, or by a unique property such as email. */
	find(id: string, options: { idProperty?: string; archived?: boolean } = {}): StoredRecord | undefined {
		const archived = options.archived ?? false;
		const { idProperty } = options;
		if (idProperty && idProperty !== 'hs_object_id') {
			const wanted = this.uniqueValue(idProperty, id);
			if (!archived) return this.records.get(this.uniqueIndex.get(idProperty)?.get(wanted) ?? '');
			return this.all().find((record) => record.archived && record.properties[idProperty] === wanted);
		}
		const record = this.records.get(id);
		return record && record.archived === archived ? record : undefined;
	}

	/** Like find, but a miss is HubSpot's 404. */
	require(id: string, options: { idProperty?: string; archived?: boolean } = {}): StoredRecord {
		const record = this.find(id, options);
		if (!record) throw objectNotFound();
		return record;
	}

	/** Rejects an idProperty that is not a unique property of this object. */
	checkIdProperty(idProperty: string | undefined): void {
		if (idProperty === undefined) return;
		const property = this.type.properties.find((candidate) => candidate.name === idProperty);
		if (!property?.unique) {
			throw validationError(`${idProperty} is not a unique property of ${this.type.name}; use a property with unique values as idProperty`);
		}
	}

	create(properties: unknown, now = Date.now()): StoredRecord {
		const values = this.checkedValues(properties, undefined);
		const record = this.insert(String(this.nextId), values, now, now);
		this.onChange({ kind: 'creation', type: this.type, id: record.id, at: now });
		return record;
	}

	/** Applies the values; the record is stamped as modified even when no value changed. */
	update(record: StoredRecord, properties: unknown, now = Date.now()): StoredRecord {
		const values = this.checkedValues(properties, record.id);
		const changed = Object.entries(values).filter(([name, value]) => (record.properties[name] ?? '') !== value);
		this.reindexing(record, () => {
			for (const [name, value] of changed) {
				if (value === '') delete record.properties[name];
				else record.properties[name] = value;
			}
		});
		for (const [name, value] of changed) remember(record, name, value, now);
		this.touch(record, now);
		for (const [propertyName, propertyValue] of changed) {
			this.onChange({ kind: 'propertyChange', type: this.type, id: record.id, at: now, propertyName, propertyValue });
		}
		return record;
	}

	archive(record: StoredRecord, now = Date.now()): void {
		this.reindexing(record, () => {
			record.archived = true;
			record.archivedAt = new Date(now).toISOString();
		});
		this.touch(record, now);
		this.onChange({ kind: 'deletion', type: this.type, id: record.id, at: now });
	}

	/** Records in id order from `afterId` on, `archived` or live. */
	page(afterId: number, limit: number, archived: boolean): { records: StoredRecord[]; nextAfter?: string } {
		const records: StoredRecord[] = [];
		for (let index = lowerBound(this.orderedIds, afterId); index < this.orderedIds.length; index++) {
			const record = this.records.get(String(this.orderedIds[index])) as StoredRecord;
			if (record.archived !== archived) continue;
			if (records.length === limit) return { records, nextAfter: record.id };
			records.push(record);
		}
		return { records };
	}

	/** What search sees at `now`: the newest version of each record that the index has caught up with. */
	searchable(now = Date.now()): IndexedRecord[] {
		const visible: IndexedRecord[] = [];
		for (const id of this.orderedIds) {
			const record = this.records.get(String(id)) as StoredRecord;
			const newest = findLastIndex(record.indexed, (entry) => entry.visibleAt <= now);
			if (newest < 0) continue;
			record.indexed.splice(0, newest);
			visible.push({ id: record.id, ...record.indexed[0].version });
		}
		return visible;
	}

	/** Adds or (for a known id) overwrites a record without events; visible to search at once. */
	seed(input: SeedRecord): StoredRecord {
		if (input.id !== undefined && !/^\d+$/.test(String(input.id))) throw validationError(`seed id ${input.id} is not numeric`);
		const id = input.id === undefined ? String(this.nextId) : String(input.id);
		const values = this.checkedValues(input.properties ?? {}, id);
		const createdAt = timestamp(input.createdAt, 'createdAt');
		const updatedAt = timestamp(input.updatedAt, 'updatedAt') ?? createdAt;
		const existing = this.records.get(id);
		const record = existing ?? this.insert(id, {}, createdAt ?? Date.now(), updatedAt ?? Date.now());
		if (existing) this.stamp(record, updatedAt ?? Date.now());
		this.reindexing(record, () => {
			Object.assign(record.properties, withoutCleared(values));
			if (input.archived) {
				record.archived = true;
				record.archivedAt = record.updatedAt;
			}
		});
		record.indexed = [{ visibleAt: 0, version: snapshot(record) }];
		return record;
	}

	all(): StoredRecord[] {
		return this.orderedIds.map((id) => this.records.get(String(id)) as StoredRecord);
	}

	private insert(id: string, values: Record<string, string>, createdAt: number, updatedAt: number): StoredRecord {
		const created = new Date(createdAt).toISOString();
		const record: StoredRecord = {
			id,
			properties: { ...withoutCleared(values), hs_object_id: id, createdate: created },
			createdAt: created,
			updatedAt: created,
			archived: false,
			indexed: [],
			history: {},
		};
		for (const [name, value] of Object.entries(record.properties)) remember(record, name, value, createdAt);
		this.records.set(id, record);
		this.reindexing(record, () => undefined);
		this.orderedIds.splice(lowerBound(this.orderedIds, Number(id)), 0, Number(id));
		this.nextId = Math.max(this.nextId, Number(id) + 1);
		this.touch(record, updatedAt);
		return record;
	}

	/** Keeps the unique index in step with a change to a record's values or archived flag. */
	private reindexing(record: StoredRecord, mutate: () => void): void {
		for (const [name, index] of this.uniqueIndex) {
			const value = record.properties[name];
			if (value !== undefined && index.get(value) === record.id) index.delete(value);
		}
		mutate();
		if (record.archived) return;
		for (const [name, index] of this.uniqueIndex) {
			const value = record.properties[name];
			if (value !== undefined) index.set(value, record.id);
		}
	}

	/** Stamps the write and queues the new version for the search index. */
	private touch(record: StoredRecord, now: number): void {
		this.stamp(record, now);
		record.indexed.push({ visibleAt: now + this.settings.searchIndexLagMs, version: snapshot(record) });
	}

	private stamp(record: StoredRecord, now: number): void {
		record.updatedAt = new Date(now).toISOString();
		record.properties[this.type.lastModifiedProperty] = record.updatedAt;
	}

	private checkedValues(properties: unknown, ownId: string | undefined): Record<string, string> {
		const { values, problems } = checkValues(this.type, properties);
		if (problems.length > 0) throw invalidProperties(problems);
		if (this.type.name === 'contacts' && values.email) {
			const holder = this.find(values.email, { idProperty: 'email' });
			if (holder && holder.id !== ownId) throw contactExists(holder.id);
		}
		return values;
	}

	private uniqueValue(idProperty: string, id: string): string {
		return this.type.properties.find((property) => property.name === idProperty)?.email ? id.trim().toLowerCase() : id;
	}
}

export class CrmStore {
	readonly settings = { searchIndexLagMs: 0 };
	private tables = new Map<CrmObjectName, ObjectTable>();
	readonly associations = new Associations();
	readonly owners: Owner[] = [];

	constructor(private readonly onChange: (change: CrmChange) => void) {
		this.reset();
	}

	table(name: CrmObjectName): ObjectTable {
		return this.tables.get(name) as ObjectTable;
	}

	reset(): void {
		this.settings.searchIndexLagMs = 0;
		this.tables = new Map(crmObjectTypes.map((type) => [type.name, new ObjectTable(type, this.settings, this.onChange)]));
		this.associations.clear();
		this.owners.length = 0;
	}

	/** A user records can be assigned to (`owners` in a seed). */
	addOwner(fields: { email?: unknown; firstName?: unknown; lastName?: unknown }): Owner {
		if (typeof fields.email !== 'string') throw validationError('an owner needs an email');
		const at = new Date().toISOString();
		const owner: Owner = { id: String(7001 + this.owners.length), email: fields.email, firstName: String(fields.firstName ?? ''), lastName: String(fields.lastName ?? ''), userId: 9001 + this.owners.length, archived: false, createdAt: at, updatedAt: at };
		this.owners.push(owner);
		return owner;
	}
}

/** A record as the API returns it, with the given property names (null where unset), or every set property. */
export function present(record: RecordVersion & { id: string }, names?: string[]): CrmRecord {
	const properties: Record<string, string | null> = {};
	for (const name of names ?? Object.keys(record.properties).sort()) properties[name] = record.properties[name] ?? null;
	return {
		id: record.id,
		properties,
		createdAt: record.createdAt,
		updatedAt: record.updatedAt,
		archived: record.archived,
		...(record.archivedAt ? { archivedAt: record.archivedAt } : {}),
	};
}

function remember(record: StoredRecord, name: string, value: string, at: number): void {
	(record.history[name] ??= []).unshift({ value, timestamp: new Date(at).toISOString(), sourceType: 'API' });
}

/** `propertiesWithHistory`: each named property's values, newest first (an empty list for one never set). */
export function withHistory(body: CrmRecord, record: StoredRecordView, names: string[] | undefined): CrmRecord & { propertiesWithHistory?: Record<string, PropertyHistoryEntry[]> } {
	if (!names || names.length === 0) return body;
	return { ...body, propertiesWithHistory: Object.fromEntries(names.map((name) => [name, [...(record.history?.[name] ?? [])]])) };
}

/** What withHistory reads of a stored record. */
export type StoredRecordView = { history?: Record<string, PropertyHistoryEntry[]> };

function snapshot(record: StoredRecord): RecordVersion {
	const { properties, createdAt, updatedAt, archived, archivedAt } = record;
	return { properties: { ...properties }, createdAt, updatedAt, archived, archivedAt };
}

function withoutCleared(values: Record<string, string>): Record<string, string> {
	return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ''));
}

function timestamp(value: string | undefined, field: string): number | undefined {
	if (value === undefined) return undefined;
	const instant = Date.parse(value);
	if (Number.isNaN(instant)) throw validationError(`seed ${field} ${value} is not an ISO 8601 timestamp`);
	return instant;
}

function findLastIndex<T>(items: T[], test: (item: T) => boolean): number {
	for (let index = items.length - 1; index >= 0; index--) if (test(items[index])) return index;
	return -1;
}

/** The first index whose value is >= target. */
function lowerBound(sorted: number[], target: number): number {
	let low = 0;
	let high = sorted.length;
	while (low < high) {
		const middle = (low + high) >>> 1;
		if (sorted[middle] < target) low = middle + 1;
		else high = middle;
	}
	return low;
}
