import type { FieldMapping } from '../../records/mapping';
import type { Transport } from '../../transport/transport';
import { RequestedCampaigns } from './requestedCampaigns';
import {
	chunk,
	failedContact,
	failedOutcome,
	type ContactOutcome,
	type JourneyKind,
	type MarketingConnector,
	type MarketingSettings,
	type MemberChange,
	type MemberOutcome,
	declaresJourney,
} from '../marketing';

interface MarketoResult {
	id?: number;
	status?: string;
	reasons?: Array<{ code: string; message: string }>;
}

interface MarketoResponse<T = MarketoResult> {
	requestId: string;
	success: boolean;
	result?: T[];
}

const LEAD_BATCH = 300;
const CAMPAIGN_BATCH = 100;

export const marketoDefaultMappings: FieldMapping[] = [
	{ internal: 'email', external: 'email', transforms: ['trim', 'lowercase'] },
	{ internal: 'firstName', external: 'firstName', transforms: ['trim'] },
	{ internal: 'lastName', external: 'lastName', transforms: ['trim'] },
	{ internal: 'phone', external: 'phone', transforms: ['e164'] },
	{ internal: 'company', external: 'company', transforms: ['trim'] },
	{ internal: 'country', external: 'country' },
];

/**
 * Marketo REST: leads pushed by email in batches of 300 (createOrUpdate), segments as static lists (looked up by
 * name, filled 300 leads a call), the welcome smart campaign requested for 100 leads a call. Unsubscribing sets the
 * lead's `unsubscribed` flag; a subscribe never sends it, so a lead that unsubscribed in Marketo stays unsubscribed.
 */
export class MarketoMarketing implements MarketingConnector {
	readonly platform = 'marketo';
	readonly batchSize = LEAD_BATCH;
	readonly defaultMappings = marketoDefaultMappings;
	private readonly listIds = new Map<string, Promise<number>>();
	private fields?: Promise<string[]>;
	private readonly requested: RequestedCampaigns;

	constructor(
		private readonly transport: Transport,
		private readonly settings: MarketingSettings,
	) {
		this.requested = new RequestedCampaigns(transport);
	}

	/** Asked once per connector (the lead schema changes rarely, and each call counts against the quota). */
	fieldNames(): Promise<string[]> {
		this.fields ??= this.call<MarketoResponse<{ rest?: { name: string; readOnly?: boolean } }>>({ method: 'GET', url: '/rest/v1/leads/describe.json' }).then((body) =>
			(body.result ?? []).filter((field) => field.rest && !field.rest.readOnly).map((field) => field.rest?.name as string),
		);
		this.fields.catch(() => (this.fields = undefined));
		return this.fields;
	}

	async apply(changes: MemberChange[]): Promise<MemberOutcome[]> {
		let pushed: MarketoResponse;
		try {
			pushed = await this.call<MarketoResponse>({
				method: 'POST',
				url: '/rest/v1/leads.json',
				body: { action: 'createOrUpdate', lookupField: 'email', input: changes.map(leadBody) },
			});
		} catch (error) {
			return changes.map((change) => failedOutcome(change.status === 'unsubscribed' ? 'unsubscribe' : 'upsert', error));
		}
		const results = pushed.result ?? [];
		const outcomes: MemberOutcome[] = changes.map((change, index) => {
			const result = results[index];
			if (result?.id !== undefined && result.status !== 'skipped') {
				return { ok: true, externalId: String(result.id), created: result.status === 'created', welcomed: false };
			}
			const reason = result?.reasons?.[0];
			return {
				ok: false,
				stage: change.status === 'unsubscribed' ? 'unsubscribe' : 'upsert',
				error: { message: reason?.message ?? 'Marketo skipped this lead', code: reason?.code },
				retryable: false,
			};
		});
		await this.addToLists(changes, outcomes);
		await this.requestWelcome(changes, outcomes);
		return outcomes;
	}

	private async addToLists(changes: MemberChange[], outcomes: MemberOutcome[]): Promise<void> {
		const bySegment = new Map<string, number[]>();
		changes.forEach((change, index) => {
			if (outcomes[index].ok && change.status === 'subscribed') for (const segment of change.segments) bySegment.set(segment, [...(bySegment.get(segment) ?? []), index]);
		});
		for (const [segment, indexes] of bySegment) {
			try {
				const listId = await this.listId(segment);
				for (const part of chunk(indexes, LEAD_BATCH)) {
					const body = await this.call<MarketoResponse>({
						method: 'POST',
						url: `/rest/v1/lists/${listId}/leads.json`,
						body: { input: part.map((index) => ({ id: Number(leadId(outcomes[index])) })) },
					});
					const byId = new Map((body.result ?? []).map((result) => [String(result.id), result]));
					for (const index of part) {
						const result = byId.get(leadId(outcomes[index]));
						if (result?.status === 'skipped') {
							outcomes[index] = { ok: false, stage: 'segments', error: { message: result.reasons?.[0]?.message ?? 'skipped', code: result.reasons?.[0]?.code }, retryable: false };
						}
					}
				}
			} catch (error) {
				for (const index of indexes) if (outcomes[index].ok) outcomes[index] = failedOutcome('segments', error);
			}
		}
	}

	private async requestWelcome(changes: MemberChange[], outcomes: MemberOutcome[]): Promise<void> {
		const campaign = this.settings.welcome?.id;
		const due = changes.map((_, index) => index).filter((index) => changes[index].welcome && outcomes[index].ok);
		if (!campaign || due.length === 0) return;
		for (const part of chunk(due, CAMPAIGN_BATCH)) {
			try {
				await this.call(
					{
						method: 'POST',
						url: `/rest/v1/campaigns/${encodeURIComponent(campaign)}/trigger.json`,
						body: { input: { leads: part.map((index) => ({ id: Number(leadId(outcomes[index])) })) } },
					},
					false,
				);
				for (const index of part) outcomes[index] = { ...(outcomes[index] as Extract<MemberOutcome, { ok: true }>), welcomed: true };
			} catch (error) {
				for (const index of part) outcomes[index] = failedOutcome('welcome', error);
			}
		}
	}

	/** The leads' ids by email (300 a call); an email Marketo does not know is absent from the map. */
	private async leadIds(emails: string[]): Promise<Map<string, number>> {
		const ids = new Map<string, number>();
		for (const part of chunk(emails, LEAD_BATCH)) {
			const body = await this.call<MarketoResponse<{ id: number; email: string }>>({
				method: 'GET',
				url: '/rest/v1/leads.json',
				qs: { filterType: 'email', filterValues: part.join(','), fields: 'id,email' },
			});
			for (const lead of body.result ?? []) ids.set(lead.email.toLowerCase(), lead.id);
		}
		return ids;
	}

	/** Remove from List (`DELETE /lists/{id}/leads.json`, 300 leads a call); no such list, or no such lead, holds no one. */
	async leaveSegment(segment: string, emails: string[]): Promise<ContactOutcome[]> {
		try {
			let listId: number;
			try {
				listId = await this.listId(segment);
			} catch (error) {
				if ((error as { code?: string }).code === 'LIST_NOT_FOUND') return emails.map(() => ({ ok: true }));
				throw error;
			}
			const ids = [...(await this.leadIds(emails)).values()];
			for (const part of chunk(ids, LEAD_BATCH)) {
				await this.call({ method: 'DELETE', url: `/rest/v1/lists/${listId}/leads.json`, body: { input: part.map((id) => ({ id })) } });
			}
			return emails.map(() => ({ ok: true }));
		} catch (error) {
			return emails.map(() => failedContact(error));
		}
	}

	hasJourney(kind: JourneyKind, action: 'start' | 'stop'): boolean {
		return declaresJourney(this.settings.journeys, kind, action);
	}

	/**
	 * Requests the journey's smart campaign (its trigger is "Campaign is Requested" from the Web Service API) for the
	 * leads. Leads whose earlier request went unanswered are looked up first: one requested into it since then is not
	 * requested again.
	 */
	startJourney(kind: JourneyKind, emails: string[], retried?: ReadonlyMap<string, string>): Promise<ContactOutcome[]> {
		return this.requestCampaign(this.settings.journeys?.[kind]?.start ?? '', emails, false, retried);
	}

	/** Requests the stop campaign, whose flow is "Remove from Flow" of the journey's campaigns; a lead Marketo lacks is in no flow. */
	stopJourney(kind: JourneyKind, emails: string[]): Promise<ContactOutcome[]> {
		return this.requestCampaign(this.settings.journeys?.[kind]?.stop ?? '', emails, true);
	}

	private async requestCampaign(campaign: string, emails: string[], missingIsDone: boolean, retried?: ReadonlyMap<string, string>): Promise<ContactOutcome[]> {
		let ids: Map<string, number>;
		const outcomes = new Map<string, ContactOutcome>();
		try {
			ids = await this.leadIds(emails);
			for (const email of await this.alreadyRequested(campaign, ids, retried)) outcomes.set(email, { ok: true });
		} catch (error) {
			return emails.map(() => failedContact(error));
		}
		const toSend = emails.filter((email) => !outcomes.has(email));
		for (const email of toSend.filter((candidate) => !ids.has(candidate))) {
			outcomes.set(email, missingIsDone ? { ok: true } : { ok: false, error: { message: `Marketo has no lead ${email} yet`, code: 'LEAD_NOT_FOUND' }, retryable: true });
		}
		for (const part of chunk(toSend.filter((email) => ids.has(email)), CAMPAIGN_BATCH)) {
			try {
				await this.call(
					{ method: 'POST', url: `/rest/v1/campaigns/${encodeURIComponent(campaign)}/trigger.json`, body: { input: { leads: part.map((email) => ({ id: ids.get(email) })) } } },
					false,
				);
				for (const email of part) outcomes.set(email, { ok: true });
			} catch (error) {
				for (const email of part) outcomes.set(email, failedContact(error));
			}
		}
		return emails.map((email) => outcomes.get(email) as ContactOutcome);
	}

	/** The retried leads already requested into the campaign since their first attempt (one look-up from the earliest). */
	private async alreadyRequested(campaign: string, ids: Map<string, number>, retried: ReadonlyMap<string, string> | undefined): Promise<string[]> {
		const candidates = [...(retried ?? new Map<string, string>()).entries()].filter(([email]) => ids.has(email));
		if (candidates.length === 0) return [];
		const since = candidates.map(([, time]) => time).sort()[0];
		const requested = await this.requested.requestedSince(campaign, candidates.map(([email]) => ids.get(email) as number), since);
		return candidates.filter(([email, time]) => Date.parse(requested.get(ids.get(email) as number) ?? '') >= Date.parse(time)).map(([email]) => email);
	}

	/** Static lists are the marketers' own: looked up by name, never created here. */
	private listId(name: string): Promise<number> {
		let found = this.listIds.get(name);
		if (!found) {
			found = this.call<MarketoResponse<{ id: number; name: string }>>({ method: 'GET', url: '/rest/asset/v1/staticList/byName.json', qs: { name } }).then((body) => {
				const list = body.result?.[0];
				if (!list) throw Object.assign(new Error(`Marketo has no static list named "${name}"`), { code: 'LIST_NOT_FOUND', retryable: false });
				return list.id;
			});
			found.catch(() => this.listIds.delete(name));
			this.listIds.set(name, found);
		}
		return found;
	}

	private call<T = unknown>(request: Parameters<Transport['request']>[0], replaySafe = true): Promise<T> {
		return this.transport.request<T>(request, { replaySafe });
	}
}

function leadBody(change: MemberChange): Record<string, unknown> {
	return { ...change.fields, email: change.email, ...(change.status === 'unsubscribed' ? { unsubscribed: true } : {}) };
}

function leadId(outcome: MemberOutcome): string {
	return outcome.ok ? String(outcome.externalId) : '';
}
