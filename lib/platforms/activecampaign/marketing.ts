import type { FieldMapping } from '../../records/mapping';
import type { Transport } from '../../transport/transport';
import {
	failedContact,
	failedOutcome,
	type ContactOutcome,
	type JourneyKind,
	type MarketingConnector,
	type MarketingSettings,
	type MemberChange,
	type MemberOutcome,
	type UnsubscribePage,
	declaresJourney,
} from '../marketing';

const IMPORT_BATCH = 250;
const PAGE = 100;
/** ActiveCampaign's list status for an unsubscribed contact (1 is active). */
const UNSUBSCRIBED = 2;

export const activeCampaignDefaultMappings: FieldMapping[] = [
	{ internal: 'email', external: 'email', transforms: ['trim', 'lowercase'] },
	{ internal: 'firstName', external: 'first_name', transforms: ['trim'] },
	{ internal: 'lastName', external: 'last_name', transforms: ['trim'] },
	{ internal: 'phone', external: 'phone', transforms: ['e164'] },
	{ internal: 'company', external: 'customer_acct_name', transforms: ['trim'] },
];

/** Bulk import names the contact fields in snake case; `/contact/sync` in camel case. */
const syncFieldName: Record<string, string> = { first_name: 'firstName', last_name: 'lastName', phone: 'phone', email: 'email' };

/**
 * ActiveCampaign v3 for one list: new and changed contacts go through the bulk import (250 a call, upsert by email)
 * with their segments as tags and the list subscription; the welcome automation starts on its tag (so it is batched
 * with the import instead of one `contactAutomations` call per contact at 5 requests a second), or, when configured so,
 * each contact is added to the automation itself (two calls per contact). An unsubscribe
 * syncs the contact by email and sets its list status to unsubscribed.
 */
export class ActiveCampaignMarketing implements MarketingConnector {
	readonly platform = 'activecampaign';
	readonly batchSize = IMPORT_BATCH;
	readonly defaultMappings = activeCampaignDefaultMappings;
	private readonly journeys: ActiveCampaignJourneys;

	constructor(
		private readonly transport: Transport,
		private readonly settings: MarketingSettings,
	) {
		if (!settings.listId) throw new Error('ActiveCampaign needs a list id');
		this.journeys = new ActiveCampaignJourneys(transport, settings);
	}

	leaveSegment(segment: string, emails: string[]): Promise<ContactOutcome[]> {
		return this.journeys.leaveSegment(segment, emails);
	}

	hasJourney(kind: JourneyKind, action: 'start' | 'stop'): boolean {
		return this.journeys.hasJourney(kind, action);
	}

	startJourney(kind: JourneyKind, emails: string[], retried?: ReadonlyMap<string, string>): Promise<ContactOutcome[]> {
		return this.journeys.startJourney(kind, emails, retried);
	}

	stopJourney(kind: JourneyKind, emails: string[]): Promise<ContactOutcome[]> {
		return this.journeys.stopJourney(kind, emails);
	}

	fieldNames(): Promise<string[]> {
		return Promise.resolve(['email', 'first_name', 'last_name', 'phone', 'customer_acct_name', 'fields']);
	}

	async apply(changes: MemberChange[]): Promise<MemberOutcome[]> {
		const outcomes: MemberOutcome[] = new Array(changes.length);
		const subscribes = changes.map((change, index) => ({ change, index })).filter(({ change }) => change.status === 'subscribed');
		for (const [index, change] of changes.entries()) if (change.status === 'unsubscribed') outcomes[index] = await this.unsubscribe(change);
		if (subscribes.length === 0) return outcomes;
		const welcome = this.settings.welcome;
		const welcomeTag = welcome && welcome.kind !== 'automation' ? welcome.id : undefined;
		try {
			await this.transport.request({
				method: 'POST',
				url: '/import/bulk_import',
				body: {
					contacts: subscribes.map(({ change }) => ({
						...change.fields,
						email: change.email,
						tags: [...change.segments, ...(change.welcome && welcomeTag ? [welcomeTag] : [])],
						subscribe: [{ listid: this.settings.listId }],
					})),
				},
			}, { replaySafe: true });
			for (const { change, index } of subscribes) outcomes[index] = { ok: true, welcomed: change.welcome && welcomeTag !== undefined };
		} catch (error) {
			for (const { index } of subscribes) outcomes[index] = failedOutcome('upsert', error);
			return outcomes;
		}
		if (welcome?.kind === 'automation') {
			for (const { change, index } of subscribes) if (change.welcome) outcomes[index] = await this.addToAutomation(change, welcome.id);
		}
		return outcomes;
	}

	/** The import is queued and names no contact ids: sync by email for the id, then add the contact to the automation. */
	private async addToAutomation(change: MemberChange, automation: string): Promise<MemberOutcome> {
		try {
			const synced = await this.transport.request<{ contact: { id: string } }>({ method: 'POST', url: '/contact/sync', body: { contact: { email: change.email } } });
			await this.transport.request(
				{ method: 'POST', url: '/contactAutomations', body: { contactAutomation: { contact: synced.contact.id, automation } } },
				{ replaySafe: false },
			);
			return { ok: true, externalId: String(synced.contact.id), welcomed: true };
		} catch (error) {
			return failedOutcome('welcome', error);
		}
	}

	async unsubscribesSince(cursor: string | undefined): Promise<UnsubscribePage> {
		const position = cursor ? (JSON.parse(cursor) as { since?: string; offset: number }) : { offset: 0 };
		const body = await this.transport.request<{ contacts: Array<{ id: string; email: string; udate?: string }> }>({
			method: 'GET',
			url: '/contacts',
			qs: {
				listid: this.settings.listId,
				status: UNSUBSCRIBED,
				'filters[updated_after]': position.since,
				'orders[udate]': 'ASC',
				limit: PAGE,
				offset: position.offset,
			},
		});
		const contacts = body.contacts ?? [];
		const full = contacts.length === PAGE;
		const latest = contacts.reduce<string | undefined>((max, contact) => (contact.udate && (!max || contact.udate > max) ? contact.udate : max), position.since);
		return {
			unsubscribes: contacts.map((contact) => ({ email: contact.email.toLowerCase(), at: contact.udate ?? new Date().toISOString() })),
			// `updated_after` is exclusive and to the second: step back one second so a later change in that second is not
			// missed (an unsubscribe seen twice is recorded once).
			cursor: JSON.stringify(full ? { since: position.since, offset: position.offset + PAGE } : { since: secondBefore(latest), offset: 0 }),
			done: !full,
		};
	}

	private async unsubscribe(change: MemberChange): Promise<MemberOutcome> {
		try {
			const contact: Record<string, unknown> = { email: change.email };
			for (const [name, value] of Object.entries(change.fields)) if (syncFieldName[name]) contact[syncFieldName[name]] = value;
			const synced = await this.transport.request<{ contact: { id: string } }>({ method: 'POST', url: '/contact/sync', body: { contact } });
			await this.transport.request({
				method: 'POST',
				url: '/contactLists',
				body: { contactList: { list: this.settings.listId, contact: synced.contact.id, status: UNSUBSCRIBED } },
			});
			return { ok: true, externalId: String(synced.contact.id), welcomed: false };
		} catch (error) {
			return failedOutcome('unsubscribe', error);
		}
	}
}

interface ContactAutomation {
	id: string;
	automation: string;
	/** 1 while the contact is in it, 2 once it completed. */
	status: string | number;
	/** When the contact entered it. */
	adddate?: string;
}

/** A contact's tags and automations are reached through its id: `GET /contacts?email=`. */
async function contactIdOf(transport: Transport, email: string): Promise<string | undefined> {
	const body = await transport.request<{ contacts: Array<{ id: string; email: string }> }>({ method: 'GET', url: '/contacts', qs: { email } });
	return body.contacts?.find((contact) => contact.email.toLowerCase() === email)?.id;
}

/**
 * Segments as tags, journeys as automations: a tag leaves by `DELETE /contactTags/{id}`; the journey's automation
 * starts by `POST /contactAutomations` and stops by `DELETE /contactAutomations/{id}` (its active entry). Calls go one
 * contact at a time, at the account's 5 requests a second.
 */
class ActiveCampaignJourneys {
	constructor(
		private readonly transport: Transport,
		private readonly settings: MarketingSettings,
	) {}

	async leaveSegment(tagName: string, emails: string[]): Promise<ContactOutcome[]> {
		let tagId: string | undefined;
		try {
			const tags = await this.transport.request<{ tags: Array<{ id: string; tag: string }> }>({ method: 'GET', url: '/tags', qs: { search: tagName } });
			tagId = tags.tags?.find((tag) => tag.tag === tagName)?.id;
		} catch (error) {
			return emails.map(() => failedContact(error));
		}
		if (tagId === undefined) return emails.map(() => ({ ok: true }));
		return this.each(emails, true, async (contactId) => {
			const linked = await this.transport.request<{ contactTags: Array<{ id: string; tag: string }> }>({ method: 'GET', url: `/contacts/${contactId}/contactTags` });
			for (const link of (linked.contactTags ?? []).filter((entry) => String(entry.tag) === tagId)) {
				await this.transport.request({ method: 'DELETE', url: `/contactTags/${link.id}` });
			}
		});
	}

	hasJourney(kind: JourneyKind, action: 'start' | 'stop'): boolean {
		return declaresJourney(this.settings.journeys, kind, action);
	}

	/**
	 * Adds each contact to the automation. A contact whose earlier add went unanswered is looked up first: an entry in
	 * the automation added since that attempt is the earlier add, which is not sent again.
	 */
	startJourney(kind: JourneyKind, emails: string[], retried?: ReadonlyMap<string, string>): Promise<ContactOutcome[]> {
		const automation = this.settings.journeys?.[kind]?.start ?? '';
		return this.each(emails, false, async (contactId, email) => {
			const since = retried?.get(email);
			if (since !== undefined && (await this.enteredSince(contactId, automation, since))) return;
			await this.transport.request({ method: 'POST', url: '/contactAutomations', body: { contactAutomation: { contact: contactId, automation } } }, { replaySafe: false });
		});
	}

	private async enteredSince(contactId: string, automation: string, since: string): Promise<boolean> {
		const entries = await this.transport.request<{ contactAutomations: ContactAutomation[] }>({ method: 'GET', url: `/contacts/${contactId}/contactAutomations` });
		return (entries.contactAutomations ?? []).some((entry) => String(entry.automation) === automation && Date.parse(String(entry.adddate ?? '')) >= Date.parse(since));
	}

	stopJourney(kind: JourneyKind, emails: string[]): Promise<ContactOutcome[]> {
		const automation = this.settings.journeys?.[kind]?.stop ?? '';
		return this.each(emails, true, async (contactId) => {
			const entries = await this.transport.request<{ contactAutomations: ContactAutomation[] }>({ method: 'GET', url: `/contacts/${contactId}/contactAutomations` });
			for (const entry of (entries.contactAutomations ?? []).filter((candidate) => String(candidate.automation) === automation && String(candidate.status) === '1')) {
				await this.transport.request({ method: 'DELETE', url: `/contactAutomations/${entry.id}` });
			}
		});
	}

	/** `work` for each contact by its id; a contact ActiveCampaign does not know is done when `missingIsDone`. */
	private async each(emails: string[], missingIsDone: boolean, work: (contactId: string, email: string) => Promise<void>): Promise<ContactOutcome[]> {
		const outcomes: ContactOutcome[] = [];
		for (const email of emails) {
			try {
				const contactId = await contactIdOf(this.transport, email);
				if (contactId === undefined) {
					outcomes.push(missingIsDone ? { ok: true } : { ok: false, error: { message: `ActiveCampaign has no contact ${email} yet`, code: 'CONTACT_NOT_FOUND' }, retryable: true });
					continue;
				}
				await work(contactId, email);
				outcomes.push({ ok: true });
			} catch (error) {
				outcomes.push(failedContact(error));
			}
		}
		return outcomes;
	}
}

function secondBefore(stamp: string | undefined): string | undefined {
	if (!stamp) return undefined;
	return new Date(Date.parse(stamp) - 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
