import { createHash } from 'node:crypto';

import type { FieldMapping } from '../../records/mapping';
import type { Transport } from '../../transport/transport';
import {
	chunk,
	failedContact,
	failedOutcome,
	mapLimited,
	type ContactOutcome,
	type JourneyKind,
	type MarketingConnector,
	type MarketingSettings,
	type MemberChange,
	type MemberOutcome,
	type UnsubscribePage,
} from '../marketing';
import { MAILCHIMP_MAX_CONNECTIONS } from './profile';

interface MailchimpMember {
	id: string;
	email_address: string;
	status: string;
	last_changed?: string;
}

interface BatchSubscribeResponse {
	new_members: MailchimpMember[];
	updated_members: MailchimpMember[];
	errors: Array<{ email_address: string; error: string; error_code?: string }>;
}

interface SegmentMembersResponse {
	errors?: Array<{ email_addresses: string[]; error: string }>;
}

const BATCH_LIMIT = 500;
const UNSUBSCRIBE_PAGE = 1000;

export const mailchimpDefaultMappings: FieldMapping[] = [
	{ internal: 'email', external: 'email_address', transforms: ['trim', 'lowercase'] },
	{ internal: 'firstName', external: 'merge_fields.FNAME', transforms: ['trim'] },
	{ internal: 'lastName', external: 'merge_fields.LNAME', transforms: ['trim'] },
	{ internal: 'phone', external: 'merge_fields.PHONE', transforms: ['e164'] },
	{ internal: 'company', external: 'merge_fields.COMPANY', transforms: ['trim'] },
];

/** The subscriber hash: MD5 of the lower-cased email, which is how Mailchimp addresses a member. */
export function subscriberHash(email: string): string {
	return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}

/**
 * Mailchimp Marketing 3.0 for one audience: batch subscribe (500, `status_if_new` so an existing member keeps its
 * status), segments as static segments (tags) filled in batches, the welcome journey's API trigger per contact.
 * Every call holds one of the account's 10 connections (the transport's slot, shared by every worker).
 */
export class MailchimpMarketing implements MarketingConnector {
	readonly platform = 'mailchimp';
	readonly batchSize = BATCH_LIMIT;
	readonly defaultMappings = mailchimpDefaultMappings;
	private segmentIds?: Promise<Map<string, number>>;

	constructor(
		private readonly transport: Transport,
		private readonly settings: MarketingSettings,
	) {
		if (!settings.listId) throw new Error('Mailchimp needs an audience (list) id');
	}

	private get list(): string {
		return `/lists/${encodeURIComponent(this.settings.listId as string)}`;
	}

	fieldNames(): Promise<string[]> {
		return Promise.resolve(['email_address', 'merge_fields', 'language', 'vip', 'location', 'email_type']);
	}

	async apply(changes: MemberChange[]): Promise<MemberOutcome[]> {
		const outcomes: MemberOutcome[] = new Array(changes.length);
		const subscribes = changes.map((change, index) => ({ change, index })).filter(({ change }) => change.status === 'subscribed');
		const unsubscribes = changes.map((change, index) => ({ change, index })).filter(({ change }) => change.status === 'unsubscribed');
		await mapLimited(unsubscribes, MAILCHIMP_MAX_CONNECTIONS, async ({ change, index }) => {
			outcomes[index] = await this.unsubscribe(change);
		});
		if (subscribes.length > 0) await this.subscribe(subscribes, outcomes);
		await this.addToSegments(changes, outcomes);
		await this.triggerWelcome(changes, outcomes);
		return outcomes;
	}

	/** `PUT /lists/{list}/members/{md5(email)}`: creates the member as unsubscribed if new, unsubscribes it otherwise. */
	private async unsubscribe(change: MemberChange): Promise<MemberOutcome> {
		try {
			const member = await this.call<MailchimpMember>({
				method: 'PUT',
				url: `${this.list}/members/${subscriberHash(change.email)}`,
				body: memberBody(change),
			});
			return { ok: true, externalId: member.id, welcomed: false };
		} catch (error) {
			return failedOutcome('unsubscribe', error);
		}
	}

	/** `POST /lists/{list}`: up to 500 members in one call; Mailchimp answers 200 with per-member errors. */
	private async subscribe(entries: Array<{ change: MemberChange; index: number }>, outcomes: MemberOutcome[]): Promise<void> {
		let response: BatchSubscribeResponse;
		try {
			response = await this.call<BatchSubscribeResponse>({
				method: 'POST',
				url: this.list,
				body: { members: entries.map(({ change }) => memberBody(change)), update_existing: true },
			});
		} catch (error) {
			for (const { index } of entries) outcomes[index] = failedOutcome('upsert', error);
			return;
		}
		const written = new Map<string, { member: MailchimpMember; created: boolean }>();
		for (const member of response.new_members ?? []) written.set(member.email_address.toLowerCase(), { member, created: true });
		for (const member of response.updated_members ?? []) written.set(member.email_address.toLowerCase(), { member, created: false });
		const errors = new Map((response.errors ?? []).map((error) => [error.email_address.toLowerCase(), error]));
		for (const { change, index } of entries) {
			const entry = written.get(change.email);
			const error = errors.get(change.email);
			outcomes[index] = entry
				? { ok: true, externalId: entry.member.id, created: entry.created, welcomed: false, ...(entry.member.status === 'subscribed' ? {} : { unsubscribedOnPlatform: true }) }
				: {
						ok: false,
						stage: 'upsert',
						error: { message: error?.error ?? 'Mailchimp returned no result for this member', code: error?.error_code },
						retryable: false,
					};
		}
	}

	async unsubscribesSince(cursor: string | undefined): Promise<UnsubscribePage> {
		const position = cursor ? (JSON.parse(cursor) as { since?: string; offset: number }) : { offset: 0 };
		const body = await this.call<{ members: MailchimpMember[] }>({
			method: 'GET',
			url: `${this.list}/members`,
			qs: {
				status: 'unsubscribed',
				since_last_changed: position.since,
				sort_field: 'last_changed',
				sort_dir: 'ASC',
				count: UNSUBSCRIBE_PAGE,
				offset: position.offset,
				fields: 'members.email_address,members.last_changed,members.status,members.id',
			},
		});
		const members = body.members ?? [];
		const full = members.length === UNSUBSCRIBE_PAGE;
		const latest = members.reduce<string | undefined>((max, member) => (member.last_changed && (!max || member.last_changed > max) ? member.last_changed : max), position.since);
		return {
			unsubscribes: members.map((member) => ({ email: member.email_address.toLowerCase(), at: member.last_changed ?? new Date().toISOString() })),
			// `since_last_changed` is exclusive and to the second: step back one second so a change later in that same
			// second is not missed (seeing one twice is harmless: an unsubscribe is recorded once).
			cursor: JSON.stringify(full ? { since: position.since, offset: position.offset + UNSUBSCRIBE_PAGE } : { since: secondBefore(latest), offset: 0 }),
			done: !full,
		};
	}

	/** One call per segment for the whole batch: static segments take 500 emails at a time. */
	private async addToSegments(changes: MemberChange[], outcomes: MemberOutcome[]): Promise<void> {
		const bySegment = groupBySegment(changes, outcomes);
		if (bySegment.size === 0) return;
		let ids: Map<string, number>;
		try {
			ids = await this.segmentIdsFor([...bySegment.keys()]);
		} catch (error) {
			for (const indexes of bySegment.values()) for (const index of indexes) outcomes[index] = failedOutcome('segments', error);
			return;
		}
		for (const [segment, indexes] of bySegment) {
			try {
				const response = await this.call<SegmentMembersResponse>({
					method: 'POST',
					url: `${this.list}/segments/${ids.get(segment)}`,
					body: { members_to_add: indexes.map((index) => changes[index].email) },
				});
				for (const error of response.errors ?? []) {
					for (const email of error.email_addresses) {
						const index = indexes.find((candidate) => changes[candidate].email === email.toLowerCase());
						if (index !== undefined) outcomes[index] = { ok: false, stage: 'segments', error: { message: error.error }, retryable: false };
					}
				}
			} catch (error) {
				for (const index of indexes) if (outcomes[index].ok) outcomes[index] = failedOutcome('segments', error);
			}
		}
	}

	private async triggerWelcome(changes: MemberChange[], outcomes: MemberOutcome[]): Promise<void> {
		const welcome = this.settings.welcome;
		const due = changes.map((change, index) => ({ change, index })).filter(({ change, index }) => change.welcome && subscribed(outcomes[index]));
		if (!welcome || due.length === 0) return;
		// The journey trigger takes one contact per call: spread them over the account's connections.
		await mapLimited(due, MAILCHIMP_MAX_CONNECTIONS, async ({ change, index }) => {
			try {
				await this.triggerJourney(welcome.id, welcome.stepId ?? '', change.email);
				outcomes[index] = { ...(outcomes[index] as Extract<MemberOutcome, { ok: true }>), welcomed: true };
			} catch (error) {
				outcomes[index] = failedOutcome('welcome', error);
			}
		});
	}

	/** A customer journey's "Contact API event" starting point, for one contact. */
	private async triggerJourney(journey: string, step: string, email: string): Promise<void> {
		const url = `/customer-journeys/journeys/${encodeURIComponent(journey)}/steps/${encodeURIComponent(step)}/actions/trigger`;
		await this.call({ method: 'POST', url, body: { email_address: email } }, false);
	}

	/** `members_to_remove` of the segment (tag), 500 emails a call; a segment that does not exist holds no one. */
	async leaveSegment(segment: string, emails: string[]): Promise<ContactOutcome[]> {
		let id: number | undefined;
		try {
			id = (await this.existingSegmentIds()).get(segment);
		} catch (error) {
			return emails.map(() => failedContact(error));
		}
		if (id === undefined) return emails.map(() => ({ ok: true }));
		const outcomes: ContactOutcome[] = [];
		for (const part of chunk(emails, BATCH_LIMIT)) {
			try {
				await this.call({ method: 'POST', url: `${this.list}/segments/${id}`, body: { members_to_remove: part } });
				outcomes.push(...part.map((): ContactOutcome => ({ ok: true })));
			} catch (error) {
				outcomes.push(...part.map(() => failedContact(error)));
			}
		}
		return outcomes;
	}

	hasJourney(kind: JourneyKind, action: 'start' | 'stop'): boolean {
		const journey = this.settings.journeys?.[kind];
		return Boolean(action === 'start' ? journey?.start && journey.startStep : journey?.stop);
	}

	/** The journey's API trigger, one contact a call over the account's connections. */
	async startJourney(kind: JourneyKind, emails: string[]): Promise<ContactOutcome[]> {
		const journey = this.settings.journeys?.[kind];
		return mapLimited(emails, MAILCHIMP_MAX_CONNECTIONS, async (email): Promise<ContactOutcome> => {
			try {
				await this.triggerJourney(journey?.start ?? '', journey?.startStep ?? '', email);
				return { ok: true };
			} catch (error) {
				return failedContact(error);
			}
		});
	}

	/**
	 * Mailchimp's API cannot take a contact out of a customer journey: the journey's exit condition ("tag is added")
	 * does, so the stop adds that tag. A contact not in the audience is in no journey.
	 */
	async stopJourney(kind: JourneyKind, emails: string[]): Promise<ContactOutcome[]> {
		const tag = this.settings.journeys?.[kind]?.stop ?? '';
		return mapLimited(emails, MAILCHIMP_MAX_CONNECTIONS, async (email): Promise<ContactOutcome> => {
			try {
				await this.call({ method: 'POST', url: `${this.list}/members/${subscriberHash(email)}/tags`, body: { tags: [{ name: tag, status: 'active' }] } });
				return { ok: true };
			} catch (error) {
				return (error as { status?: number }).status === 404 ? { ok: true } : failedContact(error);
			}
		});
	}

	private existingSegmentIds(): Promise<Map<string, number>> {
		this.segmentIds ??= this.call<{ segments: Array<{ id: number; name: string }> }>({
			method: 'GET',
			url: `${this.list}/segments`,
			qs: { type: 'static', count: 1000, fields: 'segments.id,segments.name' },
		}).then((body) => new Map(body.segments.map((segment) => [segment.name, segment.id])));
		this.segmentIds.catch(() => (this.segmentIds = undefined));
		return this.segmentIds;
	}

	private segmentIdsFor(names: string[]): Promise<Map<string, number>> {
		return this.existingSegmentIds().then(async (ids) => {
			for (const name of names.filter((candidate) => !ids.has(candidate))) {
				const created = await this.call<{ id: number }>({ method: 'POST', url: `${this.list}/segments`, body: { name, static_segment: [] } }, false);
				ids.set(name, created.id);
			}
			return ids;
		});
	}

	private call<T = unknown>(request: Parameters<Transport['request']>[0], replaySafe = true): Promise<T> {
		return this.transport.request<T>(request, { replaySafe });
	}
}

/** Only what consent allows: a subscribe never changes an existing member's status; an unsubscribe always does. */
function memberBody(change: MemberChange): Record<string, unknown> {
	const { email_address: _ignored, ...fields } = change.fields;
	const status = change.status === 'unsubscribed' ? { status: 'unsubscribed', status_if_new: 'unsubscribed' } : { status_if_new: 'subscribed' };
	return { ...fields, email_address: change.email, ...status };
}

function groupBySegment(changes: MemberChange[], outcomes: MemberOutcome[]): Map<string, number[]> {
	const groups = new Map<string, number[]>();
	changes.forEach((change, index) => {
		if (!subscribed(outcomes[index]) || change.status !== 'subscribed') return;
		for (const segment of change.segments) groups.set(segment, [...(groups.get(segment) ?? []), index]);
	});
	return groups;
}

function secondBefore(stamp: string | undefined): string | undefined {
	if (!stamp) return undefined;
	return new Date(Date.parse(stamp) - 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** Written and subscribed: a member Mailchimp keeps unsubscribed (or cleaned) gets no segments and no welcome. */
function subscribed(outcome: MemberOutcome): boolean {
	return outcome.ok && !outcome.unsubscribedOnPlatform;
}
