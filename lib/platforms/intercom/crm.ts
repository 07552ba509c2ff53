import { PlatformApiError } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import type { ChangePage, CrmConnector, CrmEntity, EntitySupport, RecordWrite, WriteOutcome } from '../crm';

export const INTERCOM_VERSION = '2.14';
const PAGE = 150;

interface Contact {
	id: string;
	updated_at: number;
	[field: string]: unknown;
}

interface SearchResult {
	data: Contact[];
	pages?: { next?: { starting_after?: string } };
}

interface SearchCursor {
	/** Unix seconds: contacts updated after this (or at it, unless already seen). */
	since: number;
	seen: string[];
	/** The open search's next page. */
	startingAfter?: string;
}

/**
 * Intercom contacts: one call per write (Intercom has no bulk contact write; a create that finds the email taken
 * answers 409 naming the existing contact, which is then updated and linked), and search on `updated_at` for
 * changes. Search compares dates at calendar-day precision, so every page is filtered to the exact time here.
 */
export class IntercomCrm implements CrmConnector {
	readonly platform = 'intercom';
	readonly entities: Partial<Record<CrmEntity, EntitySupport>> = { contacts: { object: 'contacts', matchField: 'email', batchSize: 50 } };

	constructor(private readonly transport: Transport) {}

	async fieldNames(): Promise<string[]> {
		return ['name', 'email', 'phone', 'external_id', 'role', 'avatar', 'signed_up_at', 'last_seen_at', 'owner_id', 'unsubscribed_from_emails', 'custom_attributes'];
	}

	async write(_entity: CrmEntity, batch: RecordWrite[]): Promise<WriteOutcome[]> {
		const outcomes: WriteOutcome[] = [];
		for (const write of batch) outcomes.push(await this.writeOne(write));
		return outcomes;
	}

	async pullChanges(_entity: CrmEntity, cursor: string | undefined): Promise<ChangePage> {
		const position: SearchCursor = cursor ? (JSON.parse(cursor) as SearchCursor) : { since: 0, seen: [] };
		const body = await this.transport.request<SearchResult>({
			method: 'POST',
			url: '/contacts/search',
			headers: { 'Intercom-Version': INTERCOM_VERSION },
			body: {
				// `>` on a date matches from the start of that day: the page is a superset, filtered below.
				query: { field: 'updated_at', operator: '>', value: Math.max(0, position.since - 1) },
				sort: { field: 'updated_at', order: 'ascending' },
				pagination: { per_page: PAGE, ...(position.startingAfter ? { starting_after: position.startingAfter } : {}) },
			},
		});
		const fresh = body.data.filter((contact) => contact.updated_at > position.since || (contact.updated_at === position.since && !position.seen.includes(contact.id)));
		const latest = fresh.reduce((max, contact) => Math.max(max, contact.updated_at), position.since);
		const atLatest = fresh.filter((contact) => contact.updated_at === latest).map((contact) => contact.id);
		const startingAfter = body.pages?.next?.starting_after;
		const next: SearchCursor = {
			since: latest,
			seen: latest === position.since ? [...new Set([...position.seen, ...atLatest])] : atLatest,
			startingAfter,
		};
		return {
			records: fresh.map((contact) => ({ externalId: contact.id, fields: contact, modifiedAt: new Date(contact.updated_at * 1000).toISOString(), archived: contact.deleted === true })),
			cursor: JSON.stringify(next),
			done: !startingAfter,
		};
	}

	async archive(_entity: CrmEntity, externalIds: string[]): Promise<void> {
		for (const id of externalIds) {
			await this.transport.request({ method: 'DELETE', url: `/contacts/${id}`, headers: { 'Intercom-Version': INTERCOM_VERSION } });
		}
	}

	private async writeOne(write: RecordWrite): Promise<WriteOutcome> {
		const headers = { 'Intercom-Version': INTERCOM_VERSION };
		try {
			if (write.externalId) {
				const contact = await this.transport.request<Contact>({ method: 'PUT', url: `/contacts/${write.externalId}`, headers, body: write.fields });
				return { ok: true, externalId: contact.id, created: false, fields: write.fields };
			}
			const body = { role: 'user', ...write.fields, ...(write.internalId ? { external_id: write.internalId } : {}) };
			try {
				const contact = await this.transport.request<Contact>({ method: 'POST', url: '/contacts', headers, body });
				return { ok: true, externalId: contact.id, created: true, fields: write.fields };
			} catch (error) {
				const existing = error instanceof PlatformApiError && error.status === 409 ? /id=(\w+)/.exec(error.message)?.[1] : undefined;
				if (!existing) throw error;
				const contact = await this.transport.request<Contact>({ method: 'PUT', url: `/contacts/${existing}`, headers, body: write.fields });
				return { ok: true, externalId: contact.id, created: false, fields: write.fields };
			}
		} catch (error) {
			if (!(error instanceof PlatformApiError)) throw error;
			return { ok: false, error: { message: error.message, code: error.code } };
		}
	}
}
