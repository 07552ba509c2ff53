import type { FieldOptions } from '../../records/valueMap';
import type { Transport } from '../../transport/transport';
import { PlatformApiError } from '../../transport/errors';
import type { ChangePage, CrmConnector, CrmEntity, EntitySupport, PlatformRecord, RecordWrite, WriteOutcome } from '../crm';
import { plainText, ticketComment, TicketRefusal, wantedComments, type TicketComment } from '../tickets';

interface HubSpotObject {
	id: string;
	properties: Record<string, string | null>;
	updatedAt?: string;
	archived?: boolean;
	new?: boolean;
}

interface HubSpotBatchResponse {
	results?: HubSpotObject[];
	errors?: Array<{ message: string; category?: string; context?: Record<string, string[]> }>;
}

/** Contacts and other objects name their last-modified property differently. */
const MODIFIED_PROPERTY: Record<CrmEntity, string> = {
	contacts: 'lastmodifieddate',
	companies: 'hs_lastmodifieddate',
	deals: 'hs_lastmodifieddate',
	tickets: 'hs_lastmodifieddate',
};

/** `GET /crm/v3/properties/{objectType}`, as much of each property as the connector reads. */
interface HubSpotProperty {
	name: string;
	type?: string;
	options?: Array<{ value: string; label?: string }>;
}

/** `GET /crm/v3/pipelines/{objectType}`: a portal's pipelines and their stages (ids are what records store). */
interface HubSpotPipeline {
	id: string;
	label?: string;
	archived?: boolean;
	stages: Array<{ id: string; label?: string; archived?: boolean }>;
}

/** The properties that hold a deal's or ticket's pipeline and its stage; their options come from the pipelines API. */
const PIPELINE_PROPERTIES: Partial<Record<CrmEntity, { pipeline: string; stage: string }>> = {
	deals: { pipeline: 'pipeline', stage: 'dealstage' },
	tickets: { pipeline: 'hs_pipeline', stage: 'hs_pipeline_stage' },
};

const BATCH_LIMIT = 100;
/**
 * Batches a push keeps in flight: HubSpot limits a private app's calls per rolling 10 seconds, not how many are open,
 * so a push goes at the window's pace (the transport keeps to it) rather than at one call's round trip after another.
 * Only for upserts: a create whose answer a killed process never stored is made again by the next run, so creates
 * (companies, deals, tickets) keep one batch open, the least a crash can leave behind.
 */
const UPSERTS_IN_FLIGHT = 10;
const SEARCH_PAGE = 200;

/**
 * The neutral ticket model's fields the connector reads and writes itself: the requester (the first associated
 * contact, by email), the assignee (the owner, by email) and the comments (the ticket's notes).
 */
const TICKET_VIRTUAL = ['requester_email', 'owner_email', 'comments'];
/** HubSpot-defined association types: ticket → contact, note → ticket. */
const TICKET_TO_CONTACT = 16;
const NOTE_TO_TICKET = 228;

interface Owner {
	id: string;
	email?: string;
}

interface AssociationResults {
	results?: Array<{ from: { id: string }; to: Array<{ toObjectId: number | string }> }>;
}

interface SearchCursor {
	/** Lower bound (ms): records modified at or after it. Moving it, instead of paging with `after`, avoids the 10,000-result cap. */
	since: number;
	/** Ids already handled at exactly `since`, so an inclusive bound does not repeat them. */
	seen: string[];
	/** Results to skip at `since`, only while a page full of one timestamp is paged through. */
	offset?: number;
}

/** How late a write may appear in search; the last stretch this long is read again on every pull. */
const SEARCH_LAG_MS = 60_000;

/** HubSpot CRM v3: batch writes of 100, search on the last-modified property for incremental pulls. */
export class HubSpotCrm implements CrmConnector {
	readonly platform = 'hubspot';
	readonly entities: Record<CrmEntity, EntitySupport> = {
		contacts: { object: 'contacts', matchField: 'email', batchSize: BATCH_LIMIT, writesInFlight: UPSERTS_IN_FLIGHT },
		companies: { object: 'companies', matchField: 'domain', batchSize: BATCH_LIMIT },
		deals: { object: 'deals', batchSize: BATCH_LIMIT },
		tickets: { object: 'tickets', batchSize: BATCH_LIMIT, thread: 'comments' },
	};
	private readonly properties = new Map<CrmEntity, Promise<HubSpotProperty[]>>();
	private owners?: Promise<Owner[]>;
	private readonly pipelines = new Map<CrmEntity, Promise<HubSpotPipeline[]>>();

	constructor(
		private readonly transport: Transport,
		private readonly now: () => number = Date.now,
	) {}

	async fieldNames(entity: CrmEntity): Promise<string[]> {
		const properties = await this.propertyNames(entity);
		return entity === 'tickets' ? [...properties, ...TICKET_VIRTUAL] : properties;
	}

	private async propertyNames(entity: CrmEntity): Promise<string[]> {
		return (await this.describe(entity)).map((property) => property.name);
	}

	/** Enumeration properties' options; a deal's or ticket's pipeline and stage from the pipelines API (every pipeline's stages). */
	async fieldOptions(entity: CrmEntity): Promise<FieldOptions> {
		const options: FieldOptions = {};
		for (const property of await this.describe(entity)) {
			if (property.type === 'enumeration' && property.options) options[property.name] = property.options.map(({ value, label }) => ({ value, label }));
		}
		const fields = PIPELINE_PROPERTIES[entity];
		if (!fields) return options;
		const pipelines = (await this.pipelinesOf(entity)).filter((pipeline) => !pipeline.archived);
		options[fields.pipeline] = pipelines.map(({ id, label }) => ({ value: id, label }));
		options[fields.stage] = pipelines.flatMap((pipeline) => pipeline.stages.filter((stage) => !stage.archived).map(({ id, label }) => ({ value: id, label })));
		return options;
	}

	private describe(entity: CrmEntity): Promise<HubSpotProperty[]> {
		return once(this.properties, entity, () =>
			this.transport.request<{ results: HubSpotProperty[] }>({ method: 'GET', url: `/crm/v3/properties/${entity}` }).then((body) => body.results));
	}

	private pipelinesOf(entity: CrmEntity): Promise<HubSpotPipeline[]> {
		return once(this.pipelines, entity, () =>
			this.transport.request<{ results: HubSpotPipeline[] }>({ method: 'GET', url: `/crm/v3/pipelines/${entity}` }).then((body) => body.results));
	}

	async write(entity: CrmEntity, batch: RecordWrite[]): Promise<WriteOutcome[]> {
		return entity === 'tickets' ? this.writeTickets(batch) : this.writeObjects(entity, batch);
	}

	private async writeObjects(entity: CrmEntity, batch: RecordWrite[], associations: (write: RecordWrite) => unknown[] = () => []): Promise<WriteOutcome[]> {
		const outcomes: WriteOutcome[] = new Array(batch.length);
		const updates = batch.map((write, index) => ({ write, index })).filter(({ write }) => write.externalId);
		const others = batch.map((write, index) => ({ write, index })).filter(({ write }) => !write.externalId);
		if (updates.length > 0) {
			const body = await this.batchCall(entity, 'update', updates.map(({ write }) => ({ id: write.externalId, properties: stringify(write.fields) })));
			assign(outcomes, updates, body, (object) => object.id, ({ write }) => write.externalId as string, false);
		}
		if (others.length === 0) return outcomes;
		const matchField = entity === 'contacts' ? 'email' : undefined;
		if (matchField) {
			const inputs = others.map(({ write }) => ({ id: String(write.fields[matchField] ?? ''), idProperty: matchField, properties: stringify(write.fields) }));
			const body = await this.batchCall(entity, 'upsert', inputs);
			assign(outcomes, others, body, (object) => lower(object.properties[matchField]), ({ write }) => lower(write.fields[matchField]), undefined);
		} else {
			// `associations` is required on a create input (SimplePublicObjectInputForCreate), even when empty.
			const body = await this.batchCall(entity, 'create', others.map(({ write }) => ({ properties: stringify(write.fields), associations: associations(write) })));
			// Batch create answers in input order; failed inputs leave no result, so order alone can't pair them.
			assignInOrder(outcomes, others, body);
		}
		return outcomes;
	}

	cursorAt(_entity: CrmEntity, at: Date): string {
		return JSON.stringify({ since: at.getTime(), seen: [] } satisfies SearchCursor);
	}

	async pullChanges(entity: CrmEntity, cursor: string | undefined): Promise<ChangePage> {
		const position: SearchCursor = cursor ? (JSON.parse(cursor) as SearchCursor) : { since: 0, seen: [] };
		const property = MODIFIED_PROPERTY[entity];
		const body = await this.transport.request<{ results: HubSpotObject[] }>({
			method: 'POST',
			url: `/crm/v3/objects/${entity}/search`,
			body: {
				filterGroups: [{ filters: [{ propertyName: property, operator: 'GTE', value: String(position.since) }] }],
				sorts: [{ propertyName: property, direction: 'ASCENDING' }],
				properties: await this.propertyNames(entity),
				limit: SEARCH_PAGE,
				...(position.offset ? { after: String(position.offset) } : {}),
			},
		});
		const fresh = body.results.filter((object) => !(modifiedMs(object, property) === position.since && position.seen.includes(object.id)));
		const done = body.results.length < SEARCH_PAGE;
		const records: PlatformRecord[] = fresh.map((object) => ({
			externalId: object.id,
			fields: object.properties,
			modifiedAt: new Date(modifiedMs(object, property)).toISOString(),
			archived: object.archived,
		}));
		if (entity === 'tickets') await this.withTicketModel(records);
		return {
			records,
			cursor: JSON.stringify(this.nextPosition(position, body.results, property, done)),
			done,
		};
	}

	private nextPosition(position: SearchCursor, results: HubSpotObject[], property: string, done: boolean): SearchCursor {
		const last = results[results.length - 1];
		if (!last) return { since: position.since, seen: position.seen };
		const lastMs = modifiedMs(last, property);
		const atLast = results.filter((object) => modifiedMs(object, property) === lastMs).map((object) => object.id);
		// A full page that never leaves `since` (a bulk import stamped in one millisecond) pages on with `after`.
		if (!done && lastMs === position.since) return { since: lastMs, seen: [...new Set([...position.seen, ...atLast])], offset: (position.offset ?? 0) + results.length };
		const next = { since: lastMs, seen: lastMs === position.since ? [...new Set([...position.seen, ...atLast])] : atLast };
		// Search shows writes seconds late, possibly after later ones: once caught up, keep re-reading the last
		// minute. Records read again are recognised by their snapshots and not reported twice.
		const settled = this.now() - SEARCH_LAG_MS;
		return done && next.since > settled ? { since: settled, seen: [] } : next;
	}

	async archive(entity: CrmEntity, externalIds: string[]): Promise<void> {
		for (let start = 0; start < externalIds.length; start += BATCH_LIMIT) {
			const inputs = externalIds.slice(start, start + BATCH_LIMIT).map((id) => ({ id }));
			await this.transport.request({ method: 'POST', url: `/crm/v3/objects/${entity}/batch/archive`, body: { inputs } });
		}
	}

	/** Tickets as the neutral model reads them: the requester's and the owner's emails and the notes, a few calls a page. */
	private async withTicketModel(records: PlatformRecord[]): Promise<void> {
		const ids = records.map((record) => record.externalId);
		const contacts = await this.associated('tickets', 'contacts', ids);
		const emails = await this.readObjects('contacts', [...new Set([...contacts.values()].map((linked) => linked[0]).filter(Boolean))], ['email']);
		const notes = await this.associated('tickets', 'notes', ids);
		const bodies = await this.readObjects('notes', [...new Set([...notes.values()].flat())], ['hs_note_body', 'hs_timestamp']);
		const owners = await this.ownerList();
		for (const record of records) {
			const requester = contacts.get(record.externalId)?.[0];
			const owner = record.fields.hubspot_owner_id;
			const thread = (notes.get(record.externalId) ?? []).flatMap((id) => {
				const note = bodies.get(id);
				return note ? [{ id, at: note.hs_timestamp ?? '', comment: ticketComment(plainText(note.hs_note_body), false, id) }] : [];
			});
			record.fields = {
				...record.fields,
				requester_email: requester ? lower(emails.get(requester)?.email) || undefined : undefined,
				owner_email: typeof owner === 'string' && owner !== '' ? owners.find((entry) => entry.id === owner)?.email?.toLowerCase() ?? null : null,
				comments: thread.sort((a, b) => a.at.localeCompare(b.at) || Number(a.id) - Number(b.id)).flatMap((entry) => (entry.comment ? [entry.comment] : [])),
			};
		}
	}

	/** The ids of the `to` records associated with each `from` record, in id order. */
	private async associated(from: string, to: string, ids: string[]): Promise<Map<string, string[]>> {
		const linked = new Map<string, string[]>();
		for (let start = 0; start < ids.length; start += BATCH_LIMIT) {
			const inputs = ids.slice(start, start + BATCH_LIMIT).map((id) => ({ id }));
			const body = await this.transport.request<AssociationResults>({ method: 'POST', url: `/crm/v4/associations/${from}/${to}/batch/read`, body: { inputs } }, { replaySafe: true });
			for (const result of body.results ?? []) linked.set(String(result.from.id), result.to.map((target) => String(target.toObjectId)).sort((a, b) => Number(a) - Number(b)));
		}
		return linked;
	}

	private async readObjects(object: string, ids: string[], properties: string[]): Promise<Map<string, Record<string, string | null>>> {
		const read = new Map<string, Record<string, string | null>>();
		for (let start = 0; start < ids.length; start += BATCH_LIMIT) {
			const inputs = ids.slice(start, start + BATCH_LIMIT).map((id) => ({ id }));
			const body = await this.transport.request<HubSpotBatchResponse>({ method: 'POST', url: `/crm/v3/objects/${object}/batch/read`, body: { properties, inputs } }, { replaySafe: true });
			for (const result of body.results ?? []) read.set(result.id, result.properties);
		}
		return read;
	}

	/** The portal's owners (users records are assigned to), read once for the connector's life. */
	private ownerList(): Promise<Owner[]> {
		if (!this.owners) {
			this.owners = (async () => {
				const owners: Owner[] = [];
				for (let after: string | undefined; ;) {
					const body = await this.transport.request<{ results: Owner[]; paging?: { next?: { after?: string } } }>({ method: 'GET', url: '/crm/v3/owners', qs: { limit: 100, ...(after ? { after } : {}) } });
					owners.push(...body.results.map((owner) => ({ id: String(owner.id), email: owner.email })));
					after = body.paging?.next?.after;
					if (!after) return owners;
				}
			})();
			this.owners.catch(() => (this.owners = undefined));
		}
		return this.owners;
	}

	/**
	 * Tickets: the owner named by email (an address that is no owner fails that ticket, naming it), created associated
	 * with the requester's contact (upserted by email), a changed requester re-associated, then each comment the write
	 * asks for as a note associated with the ticket (HubSpot notes are internal: every comment arrives as one).
	 */
	private async writeTickets(batch: RecordWrite[]): Promise<WriteOutcome[]> {
		const outcomes: Array<WriteOutcome | undefined> = new Array(batch.length);
		const owners = batch.some((write) => typeof write.fields.owner_email === 'string' && write.fields.owner_email !== '') ? await this.ownerList() : [];
		const ready: Array<{ index: number; write: RecordWrite; comments: TicketComment[] }> = [];
		for (const [index, write] of batch.entries()) {
			const { requester_email: _requester, owner_email: owner, comments, ...properties } = write.fields;
			try {
				const wanted = wantedComments(comments, `HubSpot ticket ${write.externalId ?? `for ${write.internalId ?? 'a new record'}`}`);
				if (typeof owner === 'string' && owner.trim() !== '') {
					const found = owners.find((entry) => entry.email?.toLowerCase() === owner.trim().toLowerCase());
					if (!found) throw new TicketRefusal(`No HubSpot owner has the email ${owner.trim().toLowerCase()} (owner_email)`, 'UNKNOWN_AGENT');
					properties.hubspot_owner_id = found.id;
				} else if (owner === null || owner === '') {
					properties.hubspot_owner_id = '';
				}
				ready.push({ index, write: { ...write, fields: properties }, comments: wanted });
			} catch (error) {
				if (!(error instanceof TicketRefusal)) throw error;
				outcomes[index] = { ok: false, error: { message: error.message, code: error.code } };
			}
		}
		const requesters = await this.contactIds(ready.map(({ index }) => batch[index].fields.requester_email));
		const contactOf = (index: number) => requesters.get(lower(batch[index].fields.requester_email));
		const indexOf = new Map(ready.map((entry) => [entry.write, entry.index]));
		const written = await this.writeObjects('tickets', ready.map(({ write }) => write), (write) => {
			const contact = contactOf(indexOf.get(write) as number);
			return contact ? [{ to: { id: contact }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: TICKET_TO_CONTACT }] }] : [];
		});
		const moved = ready.flatMap(({ index, write }, position) => (written[position]?.ok && write.externalId && contactOf(index) ? [{ ticket: write.externalId, contact: contactOf(index) as string }] : []));
		await this.reassociate(moved);
		const notes = await this.addNotes(ready.flatMap(({ comments }, position) => {
			const result = written[position];
			return result?.ok ? comments.map((comment) => ({ position, ticket: result.externalId, comment })) : [];
		}));
		for (const [position, { index, comments }] of ready.entries()) {
			const result = written[position];
			if (!result.ok) {
				outcomes[index] = result;
				continue;
			}
			const threadIds = Object.fromEntries(comments.flatMap((comment) => (comment.id && notes.added.has(comment) ? [[comment.id, notes.added.get(comment) as string]] : [])));
			const failure = notes.failed.get(position);
			outcomes[index] = failure
				? { ok: false, error: failure, threadIds, externalId: result.externalId }
				: { ...result, fields: { ...result.fields, requester_email: batch[index].fields.requester_email, owner_email: batch[index].fields.owner_email, comments: batch[index].fields.comments }, threadIds };
		}
		return outcomes as WriteOutcome[];
	}

	/** Contact ids by lower-cased email, each contact upserted on its email (a new requester becomes a contact). */
	private async contactIds(emails: unknown[]): Promise<Map<string, string>> {
		const wanted = [...new Set(emails.map(lower).filter((email) => email !== ''))];
		const ids = new Map<string, string>();
		for (let start = 0; start < wanted.length; start += BATCH_LIMIT) {
			const inputs = wanted.slice(start, start + BATCH_LIMIT).map((email) => ({ id: email, idProperty: 'email', properties: { email } }));
			const body = await this.batchCall('contacts', 'upsert', inputs);
			for (const contact of body.results ?? []) ids.set(lower(contact.properties.email), contact.id);
		}
		return ids;
	}

	/** Tickets whose requester changed: the new contact associated, the others' associations removed. */
	private async reassociate(moves: Array<{ ticket: string; contact: string }>): Promise<void> {
		if (moves.length === 0) return;
		const current = await this.associated('tickets', 'contacts', moves.map((move) => move.ticket));
		const changed = moves.filter((move) => current.get(move.ticket)?.[0] !== move.contact || (current.get(move.ticket)?.length ?? 0) > 1);
		if (changed.length === 0) return;
		await this.transport.request({ method: 'POST', url: '/crm/v4/associations/tickets/contacts/batch/associate/default', body: { inputs: changed.map((move) => ({ from: { id: move.ticket }, to: { id: move.contact } })) } });
		const stale = changed.map((move) => ({ from: { id: move.ticket }, to: (current.get(move.ticket) ?? []).filter((id) => id !== move.contact).map((id) => ({ id })) })).filter((input) => input.to.length > 0);
		if (stale.length > 0) await this.transport.request({ method: 'POST', url: '/crm/v4/associations/tickets/contacts/batch/archive', body: { inputs: stale } });
	}

	/** Notes created a hundred a call, each associated with its ticket; a failed call fails the tickets it carried. */
	private async addNotes(wanted: Array<{ position: number; ticket: string; comment: TicketComment }>): Promise<{ added: Map<TicketComment, string>; failed: Map<number, { message: string; code?: string }> }> {
		const added = new Map<TicketComment, string>();
		const failed = new Map<number, { message: string; code?: string }>();
		const now = Date.now();
		for (let start = 0; start < wanted.length; start += BATCH_LIMIT) {
			const chunk = wanted.slice(start, start + BATCH_LIMIT);
			const inputs = chunk.map(({ ticket, comment }, offset) => ({
				properties: { hs_note_body: comment.body, hs_timestamp: new Date(now + start + offset).toISOString() },
				associations: [{ to: { id: ticket }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: NOTE_TO_TICKET }] }],
			}));
			try {
				// A note create is not idempotent: a lost answer is not sent again blindly.
				const body = await this.transport.request<HubSpotBatchResponse>({ method: 'POST', url: '/crm/v3/objects/notes/batch/create', body: { inputs } }, { replaySafe: false });
				const results = body.results ?? [];
				chunk.forEach((entry, offset) => {
					if (results.length === chunk.length) added.set(entry.comment, results[offset].id);
					else failed.set(entry.position, { message: body.errors?.[0]?.message ?? 'HubSpot did not create every note', code: body.errors?.[0]?.category });
				});
			} catch (error) {
				if (!(error instanceof PlatformApiError)) throw error;
				for (const entry of chunk) failed.set(entry.position, { message: error.message, code: error.code });
			}
		}
		return { added, failed };
	}

	private batchCall(entity: CrmEntity, action: 'create' | 'update' | 'upsert', inputs: unknown[]): Promise<HubSpotBatchResponse> {
		return this.transport.request<HubSpotBatchResponse>({ method: 'POST', url: `/crm/v3/objects/${entity}/batch/${action}`, body: { inputs } });
	}
}

/** One request per key for the connector's life; a failed one is asked again next time. */
function once<T>(cache: Map<CrmEntity, Promise<T>>, key: CrmEntity, load: () => Promise<T>): Promise<T> {
	let pending = cache.get(key);
	if (!pending) {
		pending = load();
		cache.set(key, pending);
		pending.catch(() => cache.delete(key));
	}
	return pending;
}

function stringify(fields: Record<string, unknown>): Record<string, string> {
	const properties: Record<string, string> = {};
	for (const [name, value] of Object.entries(fields)) {
		if (value !== undefined) properties[name] = value === null ? '' : String(value);
	}
	return properties;
}

function lower(value: unknown): string {
	return String(value ?? '').trim().toLowerCase();
}


function modifiedMs(object: HubSpotObject, property: string): number {
	const raw = object.properties[property] ?? object.updatedAt ?? '0';
	return /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
}

function success(object: HubSpotObject, created: boolean): WriteOutcome {
	return { ok: true, externalId: object.id, created, fields: object.properties, modifiedAt: object.updatedAt };
}

function failure(body: HubSpotBatchResponse, key: string): WriteOutcome {
	const errors = body.errors ?? [];
	const mine = errors.find((error) => Object.values(error.context ?? {}).some((values) => values.map(lower).includes(key))) ?? errors[0];
	return { ok: false, error: { message: mine?.message ?? 'HubSpot returned no result for this record', code: mine?.category } };
}

/** Pairs batch results with inputs by a key both carry (id for updates, email for upserts). */
function assign<T extends { index: number }>(
	outcomes: WriteOutcome[],
	inputs: T[],
	body: HubSpotBatchResponse,
	resultKey: (object: HubSpotObject) => string,
	inputKey: (input: T) => string,
	created: boolean | undefined,
): void {
	const byKey = new Map((body.results ?? []).map((object) => [resultKey(object), object]));
	for (const input of inputs) {
		const key = inputKey(input);
		const object = byKey.get(key);
		outcomes[input.index] = object ? success(object, created ?? object.new === true) : failure(body, key);
	}
}

function assignInOrder(outcomes: WriteOutcome[], inputs: Array<{ index: number }>, body: HubSpotBatchResponse): void {
	const results = body.results ?? [];
	inputs.forEach((input, position) => {
		const object = results.length === inputs.length ? results[position] : undefined;
		outcomes[input.index] = object ? success(object, true) : failure(body, '');
	});
}
