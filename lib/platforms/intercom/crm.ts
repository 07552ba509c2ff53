import { PlatformApiError } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import type { ChangePage, CrmConnector, CrmEntity, EntitySupport, PlatformRecord, RecordWrite, WriteOutcome } from '../crm';

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

const fieldNamesByEntity: Partial<Record<CrmEntity, string[]>> = {
	contacts: ['name', 'email', 'phone', 'external_id', 'role', 'avatar', 'signed_up_at', 'last_seen_at', 'owner_id', 'unsubscribed_from_emails', 'custom_attributes'],
	companies: ['name', 'company_id', 'website', 'industry', 'plan', 'size', 'monthly_spend', 'remote_created_at', 'custom_attributes'],
	tickets: ['_default_title_', '_default_description_', ...ticketTopLevel],
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
	const state = ticket.ticket_state as { id?: string } | undefined;
	return { ...(ticket.ticket_attributes as Record<string, unknown>), id: ticket.id, ticket_type_id: type?.id, ticket_state_id: state?.id, open: ticket.open };
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
		tickets: { object: 'tickets', batchSize: 1 },
	};

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
		return this.search(entity === 'tickets' ? '/tickets/search' : '/contacts/search', position, entity === 'tickets' ? flattenTicket : (record) => record);
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

	private async search(url: string, position: ChangeCursor, toFields: (record: IntercomRecord) => Record<string, unknown>): Promise<ChangePage> {
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
		return {
			records: fresh.map((record) => ({ externalId: record.id, fields: toFields(record), modifiedAt: modifiedAt(record), archived: record.deleted === true })),
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
		try {
			if (entity === 'companies') return await this.writeCompany(write);
			if (entity === 'tickets') return await this.writeTicket(write);
			return await this.writeContact(write);
		} catch (error) {
			if (!(error instanceof PlatformApiError)) throw error;
			return { ok: false, error: { message: error.message, code: error.code } };
		}
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

	private async writeTicket(write: RecordWrite): Promise<WriteOutcome> {
		const { ticket_type_id: typeId, contact_email: email, open, ticket_state_id: stateId, company_id: companyId, ...attributes } = write.fields;
		const changes = { ticket_attributes: attributes, ...(open !== undefined ? { open } : {}), ...(stateId !== undefined ? { ticket_state_id: stateId } : {}), ...(companyId !== undefined ? { company_id: companyId } : {}) };
		if (write.externalId) return this.put('tickets', write.externalId, changes, write.fields);
		// Creates are not idempotent in Intercom: the transport must not repeat one blindly.
		const ticket = await this.transport.request<IntercomRecord>({
			method: 'POST', url: '/tickets', headers,
			body: { ticket_type_id: typeId, contacts: [{ email }], ticket_attributes: attributes, ...(companyId !== undefined ? { company_id: companyId } : {}) },
		}, { replaySafe: false });
		if (open !== undefined || stateId !== undefined) await this.put('tickets', ticket.id, changes, write.fields);
		return { ok: true, externalId: ticket.id, created: true, fields: write.fields };
	}

	private async put(path: string, id: string, body: Record<string, unknown>, fields: Record<string, unknown>): Promise<WriteOutcome> {
		const record = await this.transport.request<IntercomRecord>({ method: 'PUT', url: `/${path}/${id}`, headers, body });
		return { ok: true, externalId: record.id, created: false, fields };
	}
}
