import { PlatformApiError } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import type { ChangePage, CrmConnector, CrmEntity, EntitySupport, PlatformRecord, RecordWrite, WriteOutcome } from '../crm';
import { addComments, plainText, ticketComment, TicketRefusal, wantedComments, type TicketComment } from '../tickets';

export const INTERCOM_VERSION = '2.14';
const PAGE = 150;
const headers = { 'Intercom-Version': INTERCOM_VERSION };

interface IntercomRecord {
	id: string;
	updated_at: number;
	[field: string]: unknown;
}

/** A search page: contacts come as `data` (`contact_list`), tickets as `tickets` (`ticket_list`). */
interface SearchResult {
	data?: IntercomRecord[];
	tickets?: IntercomRecord[];
	pages?: { next?: { starting_after?: string } };
}

interface ScrollResult {
	data: IntercomRecord[];
	scroll_param?: string;
}

const DAY_SECONDS = 86_400;

/** Changes after `since` (Unix seconds), or at it for ids not yet in `seen`. */
interface ChangeCursor {
	since: number;
	seen: string[];
	/** The open search's next page. */
	startingAfter?: string;
	/** The open company scroll, and the newest change it has passed so far (the next `since`, once it ends). */
	scrollParam?: string;
	high?: number;
	highIds?: string[];
}

/** Fields of a ticket that live at its top level; every other mapped field is one of its `ticket_attributes`. */
const ticketTopLevel = ['ticket_type_id', 'contact_email', 'open', 'ticket_state_id', 'company_id'];
/**
 * The neutral ticket model's fields the connector reads and writes itself: the state's category (`state`, written as
 * the workspace's first state of that category), the assigned teammate's email, and the comments (ticket parts).
 */
const ticketVirtual = ['state', 'assignee_email', 'comments'];

interface Admin {
	id: string;
	email?: string;
}

interface TicketPart {
	id: string;
	part_type?: string;
	body?: string | null;
}

const fieldNamesByEntity: Partial<Record<CrmEntity, string[]>> = {
	contacts: ['name', 'email', 'phone', 'external_id', 'role', 'avatar', 'signed_up_at', 'last_seen_at', 'owner_id', 'unsubscribed_from_emails', 'custom_attributes'],
	companies: ['name', 'company_id', 'website', 'industry', 'plan', 'size', 'monthly_spend', 'remote_created_at', 'custom_attributes'],
	tickets: ['_default_title_', '_default_description_', ...ticketTopLevel, ...ticketVirtual],
};

/** Keeps the records changed after the cursor: Intercom's date search matches whole days, a scroll everything. */
function freshSince(records: IntercomRecord[], position: ChangeCursor): IntercomRecord[] {
	return records.filter((record) => record.updated_at > position.since || (record.updated_at === position.since && !position.seen.includes(record.id)));
}

/** The newest stamp among `records` (at least `since`) and the ids at it, merged with `seen` when it has not moved. */
function advance(records: IntercomRecord[], since: number, seen: string[]): { since: number; seen: string[] } {
	const latest = records.reduce((max, record) => Math.max(max, record.updated_at), since);
	const atLatest = records.filter((record) => record.updated_at === latest).map((record) => record.id);
	return { since: latest, seen: latest === since ? [...new Set([...seen, ...atLatest])] : atLatest };
}

const modifiedAt = (record: IntercomRecord) => new Date(record.updated_at * 1000).toISOString();

/** A ticket as flat fields: its attributes beside its type, state and open flag. */
function flattenTicket(ticket: IntercomRecord): Record<string, unknown> {
	const type = ticket.ticket_type as { id?: string } | undefined;
	const state = ticket.ticket_state as { id?: string; category?: string } | undefined;
	return { ...(ticket.ticket_attributes as Record<string, unknown>), id: ticket.id, ticket_type_id: type?.id, ticket_state_id: state?.id, state: state?.category, open: ticket.open };
}

/** A ticket's comments: its admins' and customers' comment parts (public) and notes (private), as plain text. */
function ticketParts(ticket: IntercomRecord): TicketComment[] {
	const parts = (ticket.ticket_parts as { ticket_parts?: TicketPart[] } | undefined)?.ticket_parts ?? [];
	return parts.flatMap((part) => {
		if (part.part_type !== 'comment' && part.part_type !== 'note') return [];
		const comment = ticketComment(plainText(part.body), part.part_type === 'comment', part.id);
		return comment ? [comment] : [];
	});
}

/**
 * Intercom contacts, companies and tickets, one call per write (Intercom has no bulk writes). Contacts: a create
 * that finds the email taken answers 409 naming the existing contact, which is then updated and linked. Companies:
 * `POST /companies` creates or updates by `company_id`, set to our id so a repeated create cannot duplicate. Tickets:
 * created for one contact (by email) and a ticket type. Changes: contacts and tickets by search on `updated_at`,
 * which compares at calendar-day precision, so every page is filtered to the exact time here; companies have no
 * search in 2.14, so a pull scrolls all of them and keeps those updated after the cursor.
 */
export class IntercomCrm implements CrmConnector {
	readonly platform = 'intercom';
	readonly entities: Partial<Record<CrmEntity, EntitySupport>> = {
		contacts: { object: 'contacts', matchField: 'email', batchSize: 50 },
		companies: { object: 'companies', matchField: 'website', batchSize: 1 },
		tickets: { object: 'tickets', batchSize: 1, thread: 'comments' },
	};
	private readonly lists = new Map<string, Promise<unknown>>();
	private readonly contactEmails = new Map<string, Promise<string | undefined>>();

	constructor(private readonly transport: Transport) {}

	async fieldNames(entity: CrmEntity): Promise<string[]> {
		return fieldNamesByEntity[entity] ?? [];
	}

	async write(entity: CrmEntity, batch: RecordWrite[]): Promise<WriteOutcome[]> {
		const outcomes: WriteOutcome[] = [];
		for (const write of batch) outcomes.push(await this.writeOne(entity, write));
		return outcomes;
	}

	/** Intercom's times are whole seconds. */
	cursorAt(_entity: CrmEntity, at: Date): string {
		return JSON.stringify({ since: Math.floor(at.getTime() / 1000), seen: [] } satisfies ChangeCursor);
	}

	async pullChanges(entity: CrmEntity, cursor: string | undefined): Promise<ChangePage> {
		const position: ChangeCursor = cursor ? (JSON.parse(cursor) as ChangeCursor) : { since: 0, seen: [] };
		if (entity === 'companies') return this.scrollCompanies(position);
		if (entity === 'tickets') return this.search('/tickets/search', position, (ticket) => this.ticketFields(ticket));
		return this.search('/contacts/search', position, async (record) => record);
	}

	/**
	 * What Intercom offers closest to a soft delete: contacts are archived (reversible, out of search), tickets are
	 * closed (Intercom's only other removal of a ticket, DELETE, is permanent), companies are deleted (Intercom has
	 * no company archive).
	 */
	async archive(entity: CrmEntity, externalIds: string[]): Promise<void> {
		for (const id of externalIds) {
			if (entity === 'contacts') await this.transport.request({ method: 'POST', url: `/contacts/${id}/archive`, headers });
			else if (entity === 'tickets') await this.transport.request({ method: 'PUT', url: `/tickets/${id}`, headers, body: { open: false } });
			else await this.transport.request({ method: 'DELETE', url: `/${entity}/${id}`, headers });
		}
	}

	private async search(url: string, position: ChangeCursor, toFields: (record: IntercomRecord) => Promise<Record<string, unknown>>): Promise<ChangePage> {
		const body = await this.transport.request<SearchResult>({
			method: 'POST',
			url,
			headers,
			body: {
				// Intercom truncates a date to its day and `>` matches from the start of the NEXT day: asking for more than the
				// day before reads from the start of the cursor's own day (in any workspace timezone); filtered below.
				query: { field: 'updated_at', operator: '>', value: Math.max(0, position.since - DAY_SECONDS) },
				sort: { field: 'updated_at', order: 'ascending' },
				pagination: { per_page: PAGE, ...(position.startingAfter ? { starting_after: position.startingAfter } : {}) },
			},
		});
		const fresh = freshSince(body.tickets ?? body.data ?? [], position);
		const startingAfter = body.pages?.next?.starting_after;
		const records: PlatformRecord[] = [];
		for (const record of fresh) records.push({ externalId: record.id, fields: await toFields(record), modifiedAt: modifiedAt(record), archived: record.deleted === true });
		return {
			records,
			cursor: JSON.stringify({ ...advance(fresh, position.since, position.seen), startingAfter }),
			done: !startingAfter,
		};
	}

	/** One scroll page; `since` moves only when the scroll ends, since a scroll is ordered by creation, not update. */
	private async scrollCompanies(position: ChangeCursor): Promise<ChangePage> {
		const query = position.scrollParam ? `?scroll_param=${encodeURIComponent(position.scrollParam)}` : '';
		const body = await this.transport.request<ScrollResult>({ method: 'GET', url: `/companies/scroll${query}`, headers });
		const fresh = freshSince(body.data, position);
		const high = advance(fresh, position.high ?? position.since, position.highIds ?? position.seen);
		const done = body.data.length === 0 || !body.scroll_param;
		const next: ChangeCursor = done ? high : { since: position.since, seen: position.seen, scrollParam: body.scroll_param, high: high.since, highIds: high.seen };
		const records: PlatformRecord[] = fresh.map((company) => ({ externalId: company.id, fields: company, modifiedAt: modifiedAt(company) }));
		return { records, cursor: JSON.stringify(next), done };
	}

	private async writeOne(entity: CrmEntity, write: RecordWrite): Promise<WriteOutcome> {
		const threadIds: Record<string, string> = {};
		try {
			if (entity === 'companies') return await this.writeCompany(write);
			if (entity === 'tickets') return await this.writeTicket(write, threadIds);
			return await this.writeContact(write);
		} catch (error) {
			if (!(error instanceof PlatformApiError || error instanceof TicketRefusal)) throw error;
			return { ok: false, error: { message: error.message, code: error.code }, ...(Object.keys(threadIds).length > 0 ? { threadIds } : {}) };
		}
	}

	/** A ticket as the neutral model reads it: flat fields, the requester's and the assignee's emails, the comments. */
	private async ticketFields(ticket: IntercomRecord): Promise<Record<string, unknown>> {
		const contactId = (ticket.contacts as { contacts?: Array<{ id: string }> } | undefined)?.contacts?.[0]?.id;
		const assignee = typeof ticket.admin_assignee_id === 'string' && ticket.admin_assignee_id !== '0' ? ticket.admin_assignee_id : undefined;
		return {
			...flattenTicket(ticket),
			contact_email: contactId ? await this.contactEmail(contactId) : undefined,
			assignee_email: assignee ? (await this.admins()).find((admin) => admin.id === assignee)?.email?.toLowerCase() ?? null : null,
			comments: ticketParts(ticket),
		};
	}

	private contactEmail(id: string): Promise<string | undefined> {
		let email = this.contactEmails.get(id);
		if (!email) {
			email = this.transport.request<IntercomRecord>({ method: 'GET', url: `/contacts/${id}`, headers }).then((contact) => (typeof contact.email === 'string' ? contact.email.toLowerCase() : undefined));
			this.contactEmails.set(id, email);
			email.catch(() => this.contactEmails.delete(id));
		}
		return email;
	}

	/** A list the workspace answers once for the connector's life (admins, ticket states, ticket types); a failure is asked again. */
	private listed<T>(url: string, key: 'data' | 'admins'): Promise<T[]> {
		let pending = this.lists.get(url) as Promise<T[]> | undefined;
		if (!pending) {
			pending = this.transport.request<Record<string, T[]>>({ method: 'GET', url, headers }).then((body) => body[key] ?? []);
			this.lists.set(url, pending);
			pending.catch(() => this.lists.delete(url));
		}
		return pending;
	}

	private admins(): Promise<Admin[]> {
		return this.listed<Admin>('/admins', 'admins');
	}

	/** The admin the token acts as: replies and assignments are made in its name. */
	private meId(): Promise<string> {
		let pending = this.lists.get('/me#id') as Promise<string> | undefined;
		if (!pending) {
			pending = this.transport.request<Admin>({ method: 'GET', url: '/me', headers }).then((admin) => String(admin.id));
			this.lists.set('/me#id', pending);
			pending.catch(() => this.lists.delete('/me#id'));
		}
		return pending;
	}

	private async writeContact(write: RecordWrite): Promise<WriteOutcome> {
		if (write.externalId) return this.put('contacts', write.externalId, write.fields, write.fields);
		const body = { role: 'user', ...write.fields, ...(write.internalId ? { external_id: write.internalId } : {}) };
		try {
			const contact = await this.transport.request<IntercomRecord>({ method: 'POST', url: '/contacts', headers, body });
			return { ok: true, externalId: contact.id, created: true, fields: write.fields };
		} catch (error) {
			const existing = error instanceof PlatformApiError && error.status === 409 ? /id=(\w+)/.exec(error.message)?.[1] : undefined;
			if (!existing) throw error;
			return this.put('contacts', existing, write.fields, write.fields);
		}
	}

	private async writeCompany(write: RecordWrite): Promise<WriteOutcome> {
		if (write.externalId) return this.put('companies', write.externalId, write.fields, write.fields);
		// Upsert on company_id: our id when we have one (a retried create finds its own company), else the website.
		const companyId = write.internalId ?? write.fields.company_id ?? write.fields.website;
		const company = await this.transport.request<IntercomRecord>({ method: 'POST', url: '/companies', headers, body: { ...write.fields, ...(companyId ? { company_id: String(companyId) } : {}) } });
		return { ok: true, externalId: company.id, created: company.created_at === company.updated_at, fields: write.fields };
	}

	/**
	 * A ticket: created for its requester's email and a ticket type (the one given, else the workspace's first customer
	 * ticket type), then its state, open flag and assignment, then each comment the write asks for as an admin reply
	 * (public: a comment; private: a note), whose part id is kept.
	 */
	private async writeTicket(write: RecordWrite, threadIds: Record<string, string>): Promise<WriteOutcome> {
		const { ticket_type_id: typeId, contact_email: email, open, ticket_state_id: stateId, company_id: companyId, state, assignee_email: assignee, comments, ...attributes } = write.fields;
		const wanted = wantedComments(comments, `Intercom ticket ${write.externalId ?? `for ${write.internalId ?? 'a new record'}`}`);
		const changes: Record<string, unknown> = {
			ticket_attributes: attributes,
			...(open !== undefined ? { open } : {}),
			...(companyId !== undefined ? { company_id: companyId } : {}),
			...(stateId !== undefined ? { ticket_state_id: stateId } : state !== undefined && state !== null && state !== '' ? { ticket_state_id: await this.stateId(String(state)) } : {}),
			...(assignee !== undefined ? { assignment: { admin_id: await this.meId(), assignee_id: await this.assigneeId(assignee) } } : {}),
		};
		let id = write.externalId;
		let fields = write.fields;
		if (id) {
			await this.put('tickets', id, changes, write.fields);
		} else {
			if (typeof email !== 'string' || email.trim() === '') throw new TicketRefusal(`An Intercom ticket needs its requester's email (contact_email) for ticket ${write.internalId ?? 'a new record'}`, 'MISSING_REQUESTER');
			// Creates are not idempotent in Intercom: the transport must not repeat one blindly.
			// The ticket type it was created with is part of what was written: read back, it is no change.
			fields = { ...write.fields, ticket_type_id: typeId ?? (await this.ticketTypeId()) };
			const ticket = await this.transport.request<IntercomRecord>({
				method: 'POST', url: '/tickets', headers,
				body: { ticket_type_id: fields.ticket_type_id, contacts: [{ email }], ticket_attributes: attributes, ...(companyId !== undefined ? { company_id: companyId } : {}) },
			}, { replaySafe: false });
			id = ticket.id;
			if (Object.keys(changes).some((field) => field !== 'ticket_attributes' && field !== 'company_id')) await this.put('tickets', id, changes, write.fields);
		}
		const ticketId = id;
		try {
			const adminId = wanted.length > 0 ? await this.meId() : '';
			await addComments(wanted, threadIds, async (comment) => {
				const part = await this.transport.request<TicketPart>({
					method: 'POST', url: `/tickets/${ticketId}/reply`, headers, body: { message_type: comment.public ? 'comment' : 'note', type: 'admin', admin_id: adminId, body: comment.body },
				}, { replaySafe: false });
				return part?.id === undefined ? undefined : String(part.id);
			});
		} catch (error) {
			if (!(error instanceof PlatformApiError || error instanceof TicketRefusal)) throw error;
			return { ok: false, error: { message: error.message, code: error.code }, threadIds, externalId: ticketId };
		}
		return { ok: true, externalId: id, created: !write.externalId, fields, threadIds };
	}

	/** The workspace's first ticket state of a category (submitted, in_progress, waiting_on_customer, resolved). */
	private async stateId(category: string): Promise<string> {
		const states = await this.listed<{ id: string; category?: string }>('/ticket_states', 'data');
		const found = states.find((entry) => entry.category === category);
		if (!found) throw new TicketRefusal(`Intercom has no ticket state in the category "${category}" (state); its categories: ${[...new Set(states.map((entry) => entry.category))].join(', ')}`, 'UNMAPPED_VALUE');
		return String(found.id);
	}

	/** The workspace's first customer ticket type that is not archived, for tickets that name none. */
	private async ticketTypeId(): Promise<string> {
		const types = await this.listed<{ id: string; category?: string; archived?: boolean }>('/ticket_types', 'data');
		const found = types.find((type) => type.category === 'Customer' && type.archived !== true);
		if (!found) throw new TicketRefusal('Intercom has no customer ticket type to create the ticket with: create one, or map a ticket type id to ticket_type_id', 'NO_TICKET_TYPE');
		return String(found.id);
	}

	/** The teammate a ticket is assigned to, by email ('0' unassigns): an address that is no teammate is an error naming it. */
	private async assigneeId(email: unknown): Promise<string> {
		if (email === null || email === '') return '0';
		const wanted = String(email).trim().toLowerCase();
		const admin = (await this.admins()).find((candidate) => candidate.email?.toLowerCase() === wanted);
		if (!admin) throw new TicketRefusal(`No Intercom teammate has the email ${wanted} (assignee_email)`, 'UNKNOWN_AGENT');
		return String(admin.id);
	}

	private async put(path: string, id: string, body: Record<string, unknown>, fields: Record<string, unknown>): Promise<WriteOutcome> {
		const record = await this.transport.request<IntercomRecord>({ method: 'PUT', url: `/${path}/${id}`, headers, body });
		return { ok: true, externalId: record.id, created: false, fields };
	}
}
