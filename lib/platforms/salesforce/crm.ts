import type { FieldOptions } from '../../records/valueMap';
import { PlatformApiError } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import { type BatchRecorder, type ChangePage, type CrmConnector, type CrmEntity, type EntitySupport, failedWrites, type PlatformRecord, type RecordWrite, type WriteOptions, type WriteOutcome } from '../crm';
import { addComments, ticketComment, TicketRefusal, wantedComments, type TicketComment } from '../tickets';
import { CaseOwners, OWNER_FIELD } from './caseOwners';
import { queryIn, soqlString, type QueryResult as SoqlResult } from './soql';

export const SALESFORCE_API_VERSION = 'v60.0';
/** The custom external-id field that carries our internal id: a create retried after a lost response upserts, never duplicates. */
export const INTEGRATION_ID_FIELD = 'Integration_Id__c';
const COLLECTION_LIMIT = 200;
/** Batches written per round: 10,000 records, whose look-ups by match field fit one composite call. */
const BATCHES_PER_ROUND = 50;
/** Salesforce's longest SOQL statement (characters). */
const SOQL_MAX_LENGTH = 100_000;
/** Query subrequests one composite call may carry (of 25 subrequests). */
const COMPOSITE_QUERIES = 5;
const SYSTEM_FIELDS = ['Id', 'IsDeleted', 'SystemModstamp'];
/** A Case's comments (CaseComment), read and written by the connector as the neutral ticket model's `comments`. */
const COMMENTS_FIELD = 'comments';

interface Describe {
	fields: Array<{
		name: string;
		externalIdField?: boolean;
		updateable?: boolean;
		restrictedPicklist?: boolean;
		picklistValues?: Array<{ value: string; label?: string; active?: boolean }>;
	}>;
}

type QueryResult = SoqlResult<Record<string, unknown> & { SystemModstamp: string; IsDeleted?: boolean }>;

interface CollectionItem {
	id?: string | null;
	success: boolean;
	created?: boolean;
	errors: Array<{ statusCode?: string; message: string; fields?: string[] }>;
}

interface CompositeResponse {
	compositeResponse: Array<{ body: unknown; httpStatusCode: number; referenceId: string }>;
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
		contacts: { object: 'Contact', matchField: 'Email', batchSize: COLLECTION_LIMIT, batchesPerRound: BATCHES_PER_ROUND },
		companies: { object: 'Account', matchField: 'Website', batchSize: COLLECTION_LIMIT, batchesPerRound: BATCHES_PER_ROUND },
		deals: { object: 'Opportunity', batchSize: COLLECTION_LIMIT, batchesPerRound: BATCHES_PER_ROUND },
		tickets: { object: 'Case', batchSize: COLLECTION_LIMIT, batchesPerRound: BATCHES_PER_ROUND, thread: COMMENTS_FIELD },
	};
	private readonly described = new Map<CrmEntity, Promise<Describe>>();
	private readonly base: string;
	private readonly owners: CaseOwners;

	constructor(private readonly transport: Transport, apiVersion = SALESFORCE_API_VERSION) {
		this.base = `/services/data/${apiVersion}`;
		this.owners = new CaseOwners(transport, this.base);
	}

	async fieldNames(entity: CrmEntity): Promise<string[]> {
		const described = (await this.describe(entity)).fields.map((field) => field.name);
		return entity === 'tickets' ? [...described, OWNER_FIELD, COMMENTS_FIELD] : described;
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
		return this.writeMatched(entity, batch, await this.existing(entity, [batch], options));
	}

	/** Every batch's unlinked records are looked up together (one composite call for 10,000), then written batch by batch. */
	async writeBatches(entity: CrmEntity, batches: RecordWrite[][], options: WriteOptions, record: BatchRecorder): Promise<void> {
		const existing = await this.existing(entity, batches, options);
		for (const [position, batch] of batches.entries()) {
			let outcomes: WriteOutcome[];
			try {
				outcomes = await this.writeMatched(entity, batch, existing);
			} catch (error) {
				outcomes = failedWrites(batch.length, error);
			}
			await record(position, outcomes);
		}
	}

	/** Ids of existing records by lower-cased match value, for the unlinked writes (none when matching is off). */
	private async existing(entity: CrmEntity, batches: RecordWrite[][], options: WriteOptions): Promise<Map<string, string>> {
		const { object, matchField } = this.entities[entity];
		if (!matchField || options.matchExisting === false) return new Map();
		const values = batches.flatMap((batch) => batch.filter((write) => !write.externalId).map((write) => String(write.fields[matchField] ?? '')));
		return this.findByMatchField(object, matchField, values);
	}

	private async writeMatched(entity: CrmEntity, batch: RecordWrite[], existing: Map<string, string>): Promise<WriteOutcome[]> {
		if (entity !== 'tickets') return this.writeRecords(entity, batch, existing);
		// A case whose owner cannot be named fails alone; the others are written with their OwnerId.
		const owners = await this.owners.changes(batch);
		const outcomes: WriteOutcome[] = new Array(batch.length);
		const sent: Array<{ index: number; write: RecordWrite }> = [];
		owners.forEach((change, index) => {
			if ('refused' in change) outcomes[index] = { ok: false, error: { message: change.refused.message, code: change.refused.code } };
			else sent.push({ index, write: { ...batch[index], fields: caseFields(batch[index].fields, 'ownerId' in change ? change.ownerId : undefined) } });
		});
		const written = sent.length > 0 ? await this.writeRecords(entity, sent.map((entry) => entry.write), existing) : [];
		sent.forEach(({ index }, position) => (outcomes[index] = written[position]?.ok ? { ...written[position], fields: batch[index].fields } : written[position]));
		return this.addComments(batch, outcomes);
	}

	/** Each comment a write asks for becomes a CaseComment (public ones published); a case whose comments could not all be added fails. */
	private async addComments(batch: RecordWrite[], outcomes: WriteOutcome[]): Promise<WriteOutcome[]> {
		const settled = [...outcomes];
		for (const [index, write] of batch.entries()) {
			const result = outcomes[index];
			if (!result?.ok || write.fields[COMMENTS_FIELD] === undefined) continue;
			const threadIds: Record<string, string> = {};
			try {
				const wanted = wantedComments(write.fields[COMMENTS_FIELD], `Salesforce case ${result.externalId}`);
				await addComments(wanted, threadIds, async (comment) => {
					const created = await this.transport.request<{ id?: string }>({ method: 'POST', url: `${this.base}/sobjects/CaseComment`, body: { ParentId: result.externalId, CommentBody: comment.body, IsPublished: comment.public } }, { replaySafe: false });
					return created?.id;
				});
				settled[index] = { ...result, threadIds };
			} catch (error) {
				if (!(error instanceof TicketRefusal || error instanceof PlatformApiError)) throw error;
				settled[index] = { ok: false, error: { message: error.message, code: error.code }, threadIds, externalId: result.externalId };
			}
		}
		return settled;
	}

	/** The comments of each case, oldest first: one query per 500 cases. */
	private async caseComments(caseIds: string[]): Promise<Map<string, TicketComment[]>> {
		const comments = new Map<string, TicketComment[]>();
		const rows = await queryIn<{ ParentId: string; CommentBody?: string; IsPublished?: boolean }>(
			this.transport, this.base, 'SELECT Id, ParentId, CommentBody, IsPublished, CreatedDate FROM CaseComment WHERE ParentId', caseIds, ' ORDER BY CreatedDate, Id',
		);
		for (const row of rows) {
			const comment = ticketComment(row.CommentBody, row.IsPublished === true, row.Id);
			if (comment) comments.set(String(row.ParentId), [...(comments.get(String(row.ParentId)) ?? []), comment]);
		}
		return comments;
	}

	private async writeRecords(entity: CrmEntity, batch: RecordWrite[], existing: Map<string, string>): Promise<WriteOutcome[]> {
		const { object, matchField } = this.entities[entity];
		const outcomes: WriteOutcome[] = new Array(batch.length);
		const indexed = batch.map((write, index) => ({ write, index }));
		const updates = indexed.filter(({ write }) => write.externalId).map((entry) => ({ ...entry, id: entry.write.externalId as string }));
		let others = indexed.filter(({ write }) => !write.externalId);
		if (matchField && existing.size > 0 && others.length > 0) {
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

	cursorAt(_entity: CrmEntity, at: Date): string {
		return JSON.stringify({ since: at.getTime(), seen: [] } satisfies QueryCursor);
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
		const records = fresh.map(toPlatformRecord);
		if (entity === 'tickets') {
			const comments = await this.caseComments(records.filter((record) => !record.archived).map((record) => record.externalId));
			for (const record of records) record.fields[COMMENTS_FIELD] = comments.get(record.externalId) ?? [];
			await this.owners.read(records);
		}
		return { records, cursor: JSON.stringify(next), done: result.done };
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
		const fields = [...new Set([...SYSTEM_FIELDS, ...(await this.describe(entity)).fields.map((field) => field.name)])];
		const soql = `SELECT ${fields.join(', ')} FROM ${this.entities[entity].object} WHERE SystemModstamp >= ${new Date(since).toISOString()} ORDER BY SystemModstamp, Id`;
		return this.transport.request<QueryResult>({ method: 'GET', url: `${this.base}/queryAll`, qs: { q: soql } });
	}

	/**
	 * One SOQL `IN` query per 100,000 characters of values, five to a composite call (which Salesforce counts as one
	 * call and which carries the statement in its body, clear of the 16 KB limit on a URL).
	 */
	private async findByMatchField(object: string, field: string, values: string[]): Promise<Map<string, string>> {
		const wanted = [...new Set(values.map(lower).filter(Boolean))];
		const found = new Map<string, string>();
		const statements = inStatements(`SELECT Id, ${field} FROM ${object} WHERE ${field} IN (`, ')', wanted.map(soqlString));
		for (let start = 0; start < statements.length; start += COMPOSITE_QUERIES) {
			const compositeRequest = statements.slice(start, start + COMPOSITE_QUERIES).map((soql, position) => ({
				method: 'GET', url: `${this.base}/query?q=${encodeURIComponent(soql)}`, referenceId: `lookup${start + position}`,
			}));
			// Queries only: repeating the call changes nothing.
			const answer = await this.transport.request<CompositeResponse>({ method: 'POST', url: `${this.base}/composite`, body: { compositeRequest } }, { replaySafe: true });
			for (const part of answer.compositeResponse) {
				let result = subrequestResult(part);
				for (;;) {
					for (const record of result.records) if (!found.has(lower(record[field]))) found.set(lower(record[field]), record.Id);
					if (result.done || !result.nextRecordsUrl) break;
					result = await this.transport.request<QueryResult>({ method: 'GET', url: result.nextRecordsUrl });
				}
			}
		}
		return found;
	}
}

/** `head` + values joined by commas + `tail`, split into as few statements as fit SOQL's length limit. */
function inStatements(head: string, tail: string, values: string[]): string[] {
	const statements: string[] = [];
	let list: string[] = [];
	let length = head.length + tail.length;
	for (const value of values) {
		if (list.length > 0 && length + value.length + 2 > SOQL_MAX_LENGTH) {
			statements.push(head + list.join(', ') + tail);
			list = [];
			length = head.length + tail.length;
		}
		list.push(value);
		length += value.length + 2;
	}
	if (list.length > 0) statements.push(head + list.join(', ') + tail);
	return statements;
}

/** A composite subrequest's query result, or its error as the plain call would have thrown it. */
function subrequestResult(part: CompositeResponse['compositeResponse'][number]): QueryResult {
	if (part.httpStatusCode < 300) return part.body as QueryResult;
	const error = (Array.isArray(part.body) ? part.body[0] : part.body) as { errorCode?: string; message?: string } | undefined;
	throw Object.assign(new Error(`Salesforce look-up failed (${part.httpStatusCode}): ${error?.message ?? 'no message'}`), { code: error?.errorCode ?? 'LOOKUP_FAILED' });
}

/** A case's own fields: the comments are written after it, the owner's email becomes its OwnerId (when it changes). */
function caseFields(fields: Record<string, unknown>, ownerId: string | undefined): Record<string, unknown> {
	const { [COMMENTS_FIELD]: _comments, [OWNER_FIELD]: _owner, ...own } = fields;
	return ownerId === undefined ? own : { ...own, OwnerId: ownerId };
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
