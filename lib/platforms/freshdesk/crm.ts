import { PlatformApiError } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import type { ChangePage, CrmConnector, CrmEntity, EntitySupport, PlatformRecord, RecordWrite, WriteOutcome } from '../crm';
import { addComments, ticketComment, TicketRefusal, wantedComments, type TicketComment } from '../tickets';

const PER_PAGE = 100;
/** Freshdesk serves ticket list pages up to this number; past it a pull starts over from the newest change seen. */
const MAX_TICKET_PAGE = 300;
const EPOCH = '1970-01-01T00:00:00Z';

interface FreshdeskRecord {
	id: number;
	updated_at: string;
	[field: string]: unknown;
}

interface Resource {
	path: string;
	/** The list's change filter, or none (companies: every page is read and filtered here). */
	since?: 'updated_since' | '_updated_since';
	/** Extra list parameters: tickets sorted by change, with their description and requester. */
	qs?: Record<string, string>;
	fields: string[];
}

/**
 * Ticket fields the connector reads and writes itself: the requester's email (Freshdesk's `email` on create, the
 * included requester on a pull), the assignee by email (an agent's id in `responder_id`), and the conversations.
 */
const TICKET_VIRTUAL = ['email', 'responder_email', 'comments'];

const resources: Record<Exclude<CrmEntity, 'deals'>, Resource> = {
	contacts: {
		path: '/api/v2/contacts',
		since: '_updated_since',
		fields: ['name', 'email', 'phone', 'mobile', 'company_id', 'job_title', 'description', 'address', 'unique_external_id', 'twitter_id', 'tags', 'language', 'time_zone', 'custom_fields'],
	},
	companies: { path: '/api/v2/companies', fields: ['name', 'domains', 'description', 'note', 'industry', 'health_score', 'account_tier', 'custom_fields'] },
	tickets: {
		path: '/api/v2/tickets',
		since: 'updated_since',
		qs: { order_by: 'updated_at', order_type: 'asc', include: 'description,requester' },
		fields: ['subject', 'description', 'status', 'priority', 'type', 'source', 'tags', 'group_id', 'responder_id', 'requester_id', 'custom_fields', ...TICKET_VIRTUAL],
	},
};

/** Where a pull stands: changes at or after `since`; inside a sweep, its next page and the newest change it passed. */
interface ChangeCursor {
	since: string;
	page?: number;
	high?: string;
}

interface Conversation {
	id: number;
	body_text?: string;
	body?: string;
	private?: boolean;
	created_at?: string;
}

interface Agent {
	id: number;
	contact?: { email?: string };
}

const later = (a: string | undefined, b: string): string => (a !== undefined && Date.parse(a) >= Date.parse(b) ? a : b);

/**
 * Freshdesk API v2 contacts, companies and tickets. Writes go one call per record (Freshdesk has no bulk create or
 * update): a contact whose email is taken answers 409 naming it, which is then updated and linked. Pulls page through
 * the list filtered by `updated_since` (contacts `_updated_since`; companies have no filter, so every page is read
 * and the changed ones kept), 100 a page; the cursor moves to the newest change once a sweep ends. Tickets carry
 * their requester's email, their assignee's email and their conversations (replies public, notes private).
 */
export class FreshdeskCrm implements CrmConnector {
	readonly platform = 'freshdesk';
	readonly entities: Partial<Record<CrmEntity, EntitySupport>> = {
		contacts: { object: 'contacts', matchField: 'email', batchSize: PER_PAGE },
		companies: { object: 'companies', batchSize: PER_PAGE },
		tickets: { object: 'tickets', batchSize: PER_PAGE, thread: 'comments' },
	};
	private readonly agentEmails = new Map<number, string | undefined>();
	private readonly agentIds = new Map<string, number>();

	constructor(private readonly transport: Transport) {}

	async fieldNames(entity: CrmEntity): Promise<string[]> {
		return this.resource(entity).fields;
	}

	cursorAt(_entity: CrmEntity, at: Date): string {
		return JSON.stringify({ since: at.toISOString().replace(/\.\d{3}Z$/, 'Z') } satisfies ChangeCursor);
	}

	async pullChanges(entity: CrmEntity, cursor: string | undefined): Promise<ChangePage> {
		const resource = this.resource(entity);
		const position: ChangeCursor = cursor ? (JSON.parse(cursor) as ChangeCursor) : { since: EPOCH };
		const page = position.page ?? 1;
		const response = await this.transport.send({
			method: 'GET',
			url: resource.path,
			qs: { ...resource.qs, ...(resource.since ? { [resource.since]: position.since } : {}), per_page: PER_PAGE, page },
		});
		const listed = (response.body as FreshdeskRecord[]) ?? [];
		// Companies have no change filter; the others' filter is inclusive, and the snapshots tell a re-read from a change.
		const fresh = resource.since ? listed : listed.filter((record) => Date.parse(record.updated_at) >= Date.parse(position.since));
		const high = fresh.reduce<string | undefined>((newest, record) => later(newest, record.updated_at), position.high);
		const more = /rel="?next"?/.test(response.headers.link ?? '');
		const records: PlatformRecord[] = [];
		for (const record of fresh) records.push(await this.toPlatformRecord(entity, record));
		if (!more) return { records, cursor: JSON.stringify({ since: high ?? position.since } satisfies ChangeCursor), done: true };
		// Ticket pages stop at 300: sorted by change, the next sweep starts at the newest change passed.
		const next: ChangeCursor = entity === 'tickets' && page >= MAX_TICKET_PAGE ? { since: high ?? position.since } : { since: position.since, page: page + 1, high };
		return { records, cursor: JSON.stringify(next), done: false };
	}

	async write(entity: CrmEntity, batch: RecordWrite[]): Promise<WriteOutcome[]> {
		const outcomes: WriteOutcome[] = [];
		for (const write of batch) outcomes.push(await this.writeOne(entity, write));
		return outcomes;
	}

	/** Deletes: contacts are soft-deleted and tickets moved to the trash by Freshdesk; companies are deleted outright. */
	async archive(entity: CrmEntity, externalIds: string[]): Promise<void> {
		const resource = this.resource(entity);
		for (const id of externalIds) {
			await this.transport.send({ method: 'DELETE', url: `${resource.path}/${encodeURIComponent(id)}` }).catch((error: unknown) => {
				if (!(error instanceof PlatformApiError && error.status === 404)) throw error;
			});
		}
	}

	private resource(entity: CrmEntity): Resource {
		if (entity === 'deals') throw new Error('freshdesk does not support deals');
		return resources[entity];
	}

	private async toPlatformRecord(entity: CrmEntity, record: FreshdeskRecord): Promise<PlatformRecord> {
		const fields: Record<string, unknown> = entity === 'tickets' ? await this.ticketFields(record) : { ...record };
		return { externalId: String(record.id), fields, modifiedAt: record.updated_at, archived: record.deleted === true };
	}

	/** A ticket as the neutral model reads it: plain-text description, requester and assignee emails, conversations. */
	private async ticketFields(ticket: FreshdeskRecord): Promise<Record<string, unknown>> {
		const requester = ticket.requester as { email?: string } | undefined;
		return {
			...ticket,
			description: typeof ticket.description_text === 'string' ? ticket.description_text : ticket.description,
			email: requester?.email ?? undefined,
			responder_email: typeof ticket.responder_id === 'number' ? await this.agentEmail(ticket.responder_id) : null,
			comments: await this.conversations(String(ticket.id)),
		};
	}

	private async conversations(ticketId: string): Promise<TicketComment[]> {
		const comments: TicketComment[] = [];
		for (let page = 1; ; page++) {
			const response = await this.transport.send({ method: 'GET', url: `/api/v2/tickets/${ticketId}/conversations`, qs: { per_page: PER_PAGE, page } });
			for (const conversation of (response.body as Conversation[]) ?? []) {
				const comment = ticketComment(conversation.body_text ?? conversation.body, conversation.private !== true, conversation.id);
				if (comment) comments.push(comment);
			}
			if (!/rel="?next"?/.test(response.headers.link ?? '')) return comments;
		}
	}

	private async agentEmail(id: number): Promise<string | undefined> {
		if (!this.agentEmails.has(id)) {
			const agent = await this.transport.request<Agent>({ method: 'GET', url: `/api/v2/agents/${id}` }).catch((error: unknown) => {
				if (error instanceof PlatformApiError && error.status === 404) return undefined;
				throw error;
			});
			this.agentEmails.set(id, agent?.contact?.email?.toLowerCase());
		}
		return this.agentEmails.get(id);
	}

	/** The agent a ticket is assigned to, by email: an address that is no agent is an error naming it. */
	private async agentId(email: string): Promise<number> {
		const wanted = email.trim().toLowerCase();
		if (!this.agentIds.has(wanted)) {
			const agents = await this.transport.request<Agent[]>({ method: 'GET', url: '/api/v2/agents', qs: { email: wanted } });
			const agent = agents.find((candidate) => candidate.contact?.email?.toLowerCase() === wanted);
			if (!agent) throw new TicketRefusal(`No Freshdesk agent has the email ${wanted} (responder_email)`, 'UNKNOWN_AGENT');
			this.agentIds.set(wanted, agent.id);
			this.agentEmails.set(agent.id, wanted);
		}
		return this.agentIds.get(wanted) as number;
	}

	private async writeOne(entity: CrmEntity, write: RecordWrite): Promise<WriteOutcome> {
		const threadIds: Record<string, string> = {};
		try {
			if (entity === 'tickets') return await this.writeTicket(write, threadIds);
			if (write.externalId) return await this.update(entity, write.externalId, write.fields, write.fields);
			if (entity === 'contacts') return await this.createContact(write);
			const created = await this.transport.request<FreshdeskRecord>({ method: 'POST', url: this.resource(entity).path, body: write.fields }, { replaySafe: false });
			return { ok: true, externalId: String(created.id), created: true, fields: write.fields, modifiedAt: created.updated_at };
		} catch (error) {
			if (!(error instanceof PlatformApiError || error instanceof TicketRefusal)) throw error;
			return { ok: false, error: { message: error.message, code: error.code }, ...(Object.keys(threadIds).length > 0 ? { threadIds } : {}) };
		}
	}

	private async update(entity: CrmEntity, id: string, body: Record<string, unknown>, fields: Record<string, unknown>): Promise<WriteOutcome> {
		const updated = await this.transport.request<FreshdeskRecord>({ method: 'PUT', url: `${this.resource(entity).path}/${encodeURIComponent(id)}`, body });
		return { ok: true, externalId: id, created: false, fields, modifiedAt: updated.updated_at };
	}

	/** A taken email answers 409 with the holder's id (`additional_info.user_id`): that contact is updated and linked. */
	private async createContact(write: RecordWrite): Promise<WriteOutcome> {
		try {
			const created = await this.transport.request<FreshdeskRecord>({ method: 'POST', url: '/api/v2/contacts', body: write.fields }, { replaySafe: false });
			return { ok: true, externalId: String(created.id), created: true, fields: write.fields, modifiedAt: created.updated_at };
		} catch (error) {
			const holder = error instanceof PlatformApiError && error.status === 409 ? duplicateHolder(error.responseBody) : undefined;
			if (holder === undefined) throw error;
			return this.update('contacts', holder, write.fields, write.fields);
		}
	}

	/**
	 * A ticket: its own fields by create or update (the assignee's email turned into the agent's id), then each comment
	 * the write asks for, as a reply (public) or a private note; the ids of the added conversations go to `threadIds`.
	 */
	private async writeTicket(write: RecordWrite, threadIds: Record<string, string>): Promise<WriteOutcome> {
		const { comments, responder_email: assignee, ...own } = write.fields;
		const wanted = wantedComments(comments, `Freshdesk ticket ${write.externalId ?? `for ${write.internalId ?? 'a new record'}`}`);
		const body: Record<string, unknown> = { ...own };
		// Freshdesk takes its status and priority codes as numbers; the value maps hold them as text.
		for (const field of ['status', 'priority']) if (typeof body[field] === 'string' && /^\d+$/.test(body[field] as string)) body[field] = Number(body[field]);
		if (typeof assignee === 'string' && assignee.trim() !== '') body.responder_id = await this.agentId(assignee);
		else if (assignee === null || assignee === '') body.responder_id = null;
		let id = write.externalId;
		let modifiedAt: string | undefined;
		if (id) {
			if (Object.keys(body).length > 0) modifiedAt = (await this.transport.request<FreshdeskRecord>({ method: 'PUT', url: `/api/v2/tickets/${encodeURIComponent(id)}`, body })).updated_at;
		} else {
			// Freshdesk has no idempotency key: a create whose answer was lost is not sent again blindly.
			const created = await this.transport.request<FreshdeskRecord>({ method: 'POST', url: '/api/v2/tickets', body }, { replaySafe: false });
			id = String(created.id);
			modifiedAt = created.updated_at;
		}
		const ticketId = id;
		try {
			await addComments(wanted, threadIds, async (comment) => {
				const path = comment.public ? 'reply' : 'notes';
				const added = await this.transport.request<Conversation>({ method: 'POST', url: `/api/v2/tickets/${encodeURIComponent(ticketId)}/${path}`, body: comment.public ? { body: comment.body } : { body: comment.body, private: true } }, { replaySafe: false });
				return added?.id === undefined ? undefined : String(added.id);
			});
		} catch (error) {
			if (!(error instanceof PlatformApiError || error instanceof TicketRefusal)) throw error;
			return { ok: false, error: { message: error.message, code: error.code }, threadIds, externalId: ticketId };
		}
		return { ok: true, externalId: id, created: !write.externalId, fields: write.fields, modifiedAt, threadIds };
	}
}

/** The id of the contact holding a duplicate value, from Freshdesk's 409 body. */
function duplicateHolder(body: unknown): string | undefined {
	const errors = (body as { errors?: Array<{ code?: string; additional_info?: { user_id?: number } }> } | undefined)?.errors ?? [];
	const id = errors.find((error) => error.code === 'duplicate_value')?.additional_info?.user_id;
	return typeof id === 'number' ? String(id) : undefined;
}
