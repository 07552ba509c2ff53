import type { FieldOptions } from '../../records/valueMap';
import type { Transport } from '../../transport/transport';
import type { ChangePage, CrmConnector, CrmEntity, EntitySupport, PlatformRecord, RecordWrite, WriteOptions, WriteOutcome } from '../crm';

export const SALESFORCE_API_VERSION = 'v60.0';
/** The custom external-id field that carries our internal id: a create retried after a lost response upserts, never duplicates. */
export const INTEGRATION_ID_FIELD = 'Integration_Id__c';
const COLLECTION_LIMIT = 200;
const SYSTEM_FIELDS = ['Id', 'IsDeleted', 'SystemModstamp'];

interface Describe {
	fields: Array<{
		name: string;
		externalIdField?: boolean;
		updateable?: boolean;
		restrictedPicklist?: boolean;
		picklistValues?: Array<{ value: string; label?: string; active?: boolean }>;
	}>;
}

interface QueryResult {
	totalSize: number;
	done: boolean;
	nextRecordsUrl?: string;
	records: Array<Record<string, unknown> & { Id: string; SystemModstamp: string; IsDeleted?: boolean }>;
}

interface CollectionItem {
	id?: string | null;
	success: boolean;
	created?: boolean;
	errors: Array<{ statusCode?: string; message: string; fields?: string[] }>;
}

interface QueryCursor {
	/** Records modified at or after this time (ms) are still to come. */
	since: number;
	/** Ids already handled at exactly `since`. */
	seen: string[];
	/** The open query's next batch (Salesforce keeps a query locator for a while). */
	next?: string;
}

/**
 * Salesforce REST: SOQL on SystemModstamp paged by nextRecordsUrl (queryAll, so deletes show as IsDeleted), writes
 * through sObject collections of 200: updates by Id, first-time matching on the match field, creates as upserts on
 * Integration_Id__c when the org has it.
 */
export class SalesforceCrm implements CrmConnector {
	readonly platform = 'salesforce';
	readonly entities: Record<CrmEntity, EntitySupport> = {
		contacts: { object: 'Contact', matchField: 'Email', batchSize: COLLECTION_LIMIT },
		companies: { object: 'Account', matchField: 'Website', batchSize: COLLECTION_LIMIT },
		deals: { object: 'Opportunity', batchSize: COLLECTION_LIMIT },
		tickets: { object: 'Case', batchSize: COLLECTION_LIMIT },
	};
	private readonly described = new Map<CrmEntity, Promise<Describe>>();
	private readonly base: string;

	constructor(private readonly transport: Transport, apiVersion = SALESFORCE_API_VERSION) {
		this.base = `/services/data/${apiVersion}`;
	}

	async fieldNames(entity: CrmEntity): Promise<string[]> {
		return (await this.describe(entity)).fields.map((field) => field.name);
	}

	/**
	 * The active values of restricted picklists, from describe: Salesforce refuses any other value there. An
	 * unrestricted picklist takes any value, so it lists none (the value maps still translate stages and statuses).
	 */
	async fieldOptions(entity: CrmEntity): Promise<FieldOptions> {
		const options: FieldOptions = {};
		for (const field of (await this.describe(entity)).fields) {
			if (!field.restrictedPicklist || !field.picklistValues) continue;
			options[field.name] = field.picklistValues.filter((entry) => entry.active !== false).map(({ value, label }) => ({ value, label }));
		}
		return options;
	}

	async write(entity: CrmEntity, batch: RecordWrite[], options: WriteOptions = {}): Promise<WriteOutcome[]> {
		const { object, matchField } = this.entities[entity];
		const outcomes: WriteOutcome[] = new Array(batch.length);
		const indexed = batch.map((write, index) => ({ write, index }));
		const updates = indexed.filter(({ write }) => write.externalId).map((entry) => ({ ...entry, id: entry.write.externalId as string }));
		let others = indexed.filter(({ write }) => !write.externalId);
		if (matchField && options.matchExisting !== false && others.length > 0) {
			const existing = await this.findByMatchField(object, matchField, others.map(({ write }) => String(write.fields[matchField] ?? '')));
			const matched = others.filter(({ write }) => existing.has(lower(write.fields[matchField])));
			updates.push(...matched.map((entry) => ({ ...entry, id: existing.get(lower(entry.write.fields[matchField])) as string })));
			others = others.filter((entry) => !matched.includes(entry));
		}
		if (updates.length > 0) {
			const records = updates.map(({ write, id }) => ({ attributes: { type: object }, ...write.fields, Id: id }));
			const items = await this.transport.request<CollectionItem[]>({ method: 'PATCH', url: `${this.base}/composite/sobjects`, body: { allOrNone: false, records } });
			updates.forEach(({ write, index, id }, position) => (outcomes[index] = outcome(items[position], write, false, id)));
		}
		if (others.length === 0) return outcomes;
		const upsertable = (await this.describe(entity)).fields.some((field) => field.name === INTEGRATION_ID_FIELD && field.externalIdField);
		if (upsertable && others.every(({ write }) => write.internalId)) {
			const records = others.map(({ write }) => ({ attributes: { type: object }, ...write.fields, [INTEGRATION_ID_FIELD]: write.internalId }));
			const items = await this.transport.request<CollectionItem[]>({
				method: 'PATCH', url: `${this.base}/composite/sobjects/${object}/${INTEGRATION_ID_FIELD}`, body: { allOrNone: false, records },
			});
			others.forEach(({ write, index }, position) => (outcomes[index] = outcome(items[position], write, items[position]?.created === true)));
		} else {
			// A plain create is not safe to repeat blindly: a lost response surfaces instead of risking a duplicate.
			const records = others.map(({ write }) => ({ attributes: { type: object }, ...write.fields }));
			const items = await this.transport.request<CollectionItem[]>(
				{ method: 'POST', url: `${this.base}/composite/sobjects`, body: { allOrNone: false, records } },
				{ replaySafe: false },
			);
			others.forEach(({ write, index }, position) => (outcomes[index] = outcome(items[position], write, true)));
		}
		return outcomes;
	}

	async pullChanges(entity: CrmEntity, cursor: string | undefined): Promise<ChangePage> {
		const position: QueryCursor = cursor ? (JSON.parse(cursor) as QueryCursor) : { since: 0, seen: [] };
		let result: QueryResult;
		if (position.next) {
			result = await this.transport.request<QueryResult>({ method: 'GET', url: position.next }).catch((error: { code?: string }) => {
				// Query locators expire; start the query again from the bookmark.
				if (error.code !== 'INVALID_QUERY_LOCATOR') throw error;
				return this.query(entity, position.since);
			});
		} else {
			result = await this.query(entity, position.since);
		}
		const fresh = result.records.filter((record) => !(stampMs(record.SystemModstamp) === position.since && position.seen.includes(record.Id)));
		const last = result.records[result.records.length - 1];
		const lastMs = last ? stampMs(last.SystemModstamp) : position.since;
		const atLast = result.records.filter((record) => stampMs(record.SystemModstamp) === lastMs).map((record) => record.Id);
		const next: QueryCursor = {
			since: lastMs,
			seen: lastMs === position.since ? [...new Set([...position.seen, ...atLast])] : atLast,
			next: result.done ? undefined : result.nextRecordsUrl,
		};
		return { records: fresh.map(toPlatformRecord), cursor: JSON.stringify(next), done: result.done };
	}

	async archive(_entity: CrmEntity, externalIds: string[]): Promise<void> {
		for (let start = 0; start < externalIds.length; start += COLLECTION_LIMIT) {
			const ids = externalIds.slice(start, start + COLLECTION_LIMIT).join(',');
			await this.transport.request({ method: 'DELETE', url: `${this.base}/composite/sobjects`, qs: { ids, allOrNone: 'false' } });
		}
	}

	private describe(entity: CrmEntity): Promise<Describe> {
		let described = this.described.get(entity);
		if (!described) {
			described = this.transport.request<Describe>({ method: 'GET', url: `${this.base}/sobjects/${this.entities[entity].object}/describe` });
			this.described.set(entity, described);
			described.catch(() => this.described.delete(entity));
		}
		return described;
	}

	private async query(entity: CrmEntity, since: number): Promise<QueryResult> {
		const fields = [...new Set([...SYSTEM_FIELDS, ...(await this.fieldNames(entity))])];
		const soql = `SELECT ${fields.join(', ')} FROM ${this.entities[entity].object} WHERE SystemModstamp >= ${new Date(since).toISOString()} ORDER BY SystemModstamp, Id`;
		return this.transport.request<QueryResult>({ method: 'GET', url: `${this.base}/queryAll`, qs: { q: soql } });
	}

	private async findByMatchField(object: string, field: string, values: string[]): Promise<Map<string, string>> {
		const wanted = [...new Set(values.map(lower).filter(Boolean))];
		const found = new Map<string, string>();
		if (wanted.length === 0) return found;
		const list = wanted.map((value) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ');
		let result = await this.transport.request<QueryResult>({ method: 'GET', url: `${this.base}/query`, qs: { q: `SELECT Id, ${field} FROM ${object} WHERE ${field} IN (${list})` } });
		for (;;) {
			for (const record of result.records) if (!found.has(lower(record[field]))) found.set(lower(record[field]), record.Id);
			if (result.done || !result.nextRecordsUrl) return found;
			result = await this.transport.request<QueryResult>({ method: 'GET', url: result.nextRecordsUrl });
		}
	}
}

function lower(value: unknown): string {
	return String(value ?? '').trim().toLowerCase();
}

function stampMs(stamp: string): number {
	return Date.parse(stamp.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

function toPlatformRecord(record: QueryResult['records'][number]): PlatformRecord {
	const { attributes: _attributes, ...fields } = record;
	return { externalId: record.Id, fields, modifiedAt: new Date(stampMs(record.SystemModstamp)).toISOString(), archived: record.IsDeleted === true };
}

function outcome(item: CollectionItem | undefined, write: RecordWrite, created: boolean, id?: string): WriteOutcome {
	if (item?.success) return { ok: true, externalId: item.id ?? id ?? '', created, fields: write.fields };
	const error = item?.errors[0];
	return { ok: false, error: { message: error?.message ?? 'Salesforce returned no result for this record', code: error?.statusCode } };
}
