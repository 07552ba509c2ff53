/** What a marketing platform can do for the marketing fan-out. One implementation per platform. */

import type { FieldMapping } from '../records/mapping';

export type SubscriptionStatus = 'subscribed' | 'unsubscribed';

/** One contact as the fan-out wants it on a platform after this batch. */
export interface MemberChange {
	/** Lower-cased, trimmed: the key every platform upserts on. */
	email: string;
	/** The contact's fields in the platform's own names (after the mapping). */
	fields: Record<string, unknown>;
	/**
	 * `subscribed` adds the contact as a subscriber only when it is new to the platform (an existing member keeps its
	 * status, so an unsubscribe made on the platform is never undone); `unsubscribed` always unsubscribes.
	 */
	status: SubscriptionStatus;
	/** Segment names this contact belongs to: lists or tags on the platform. Empty for an unsubscribe. */
	segments: string[];
	/** Start the welcome campaign for this contact (the engine asks at most once per contact and platform). */
	welcome: boolean;
}

export type MemberStage = 'upsert' | 'segments' | 'welcome' | 'unsubscribe';

/** The outcome for the change at the same index of the batch. */
export type MemberOutcome =
	| {
			ok: true;
			externalId?: string;
			created?: boolean;
			welcomed: boolean;
			/** The platform already had this contact unsubscribed (and kept it so): an unsubscribe the fan-out had not seen yet. */
			unsubscribedOnPlatform?: boolean;
	  }
	| { ok: false; stage: MemberStage; error: { message: string; code?: string }; retryable: boolean };

/** Where the welcome campaign lives on a platform and what starts it. */
export interface WelcomeCampaign {
	/** Mailchimp: customer journey id; Marketo: smart campaign id; HubSpot: the list that enrols in the welcome workflow; ActiveCampaign: the tag that starts the welcome automation. */
	id: string;
	/** Mailchimp only: the journey's API-trigger step id. */
	stepId?: string;
	/** ActiveCampaign only: `tag` (default; batched with the import) or `automation` (`id` is an automation, one call per contact). */
	kind?: 'tag' | 'automation';
}

/** The journeys past the welcome: the nurture (drip) a lead is in until it becomes a customer, and the retention campaign. */
export type JourneyKind = 'nurture' | 'retention';

/**
 * Where a journey lives on a platform: what starts it (Mailchimp: a customer journey and its API-trigger step;
 * HubSpot: a workflow; Marketo: a smart campaign requested by API; ActiveCampaign: an automation) and, for the
 * nurture, what stops it (Mailchimp: the tag the journey's exit condition waits for; HubSpot: unenrolment from the
 * same workflow; Marketo: a campaign whose flow is "Remove from Flow"; ActiveCampaign: removal from the automation).
 */
export interface JourneySettings {
	start: string;
	startStep?: string;
	stop?: string;
}

/** Whether the settings name what starts (or stops) a journey, where one id is all a platform needs for it. */
export function declaresJourney(journeys: Partial<Record<JourneyKind, JourneySettings>> | undefined, kind: JourneyKind, action: 'start' | 'stop'): boolean {
	const journey = journeys?.[kind];
	return Boolean(action === 'start' ? journey?.start : journey?.stop);
}

export interface MarketingSettings {
	/** Mailchimp audience id or ActiveCampaign list id; unused on HubSpot and Marketo (segments are their lists). */
	listId?: string;
	/** HubSpot only: the email subscription type an unsubscribe applies to. */
	subscriptionId?: string;
	welcome?: WelcomeCampaign;
	journeys?: Partial<Record<JourneyKind, JourneySettings>>;
}

/** One contact's outcome of a campaign call (leave a segment, start or stop a journey), at the same index as its email. */
export type ContactOutcome = { ok: true } | { ok: false; error: { message: string; code?: string }; retryable: boolean };

/** A failure outcome from whatever a call threw. */
export function failedContact(error: unknown): ContactOutcome {
	const details = error as { message?: string; code?: string; retryable?: boolean };
	return { ok: false, error: { message: details.message ?? String(error), code: details.code }, retryable: details.retryable ?? false };
}

/** One unsubscribe seen on a platform. */
export interface PlatformUnsubscribe {
	email: string;
	at: string;
}

export interface UnsubscribePage {
	unsubscribes: PlatformUnsubscribe[];
	/** Resumes after this page; stored only once the page's unsubscribes are recorded. */
	cursor: string;
	done: boolean;
}

export interface MarketingConnector {
	readonly platform: string;
	/** The vendor's largest batch for member writes. */
	readonly batchSize: number;
	readonly defaultMappings: FieldMapping[];
	/** Field names the platform accepts, to validate mappings before anything is written. */
	fieldNames(): Promise<string[]>;
	/** Applies one batch (at most `batchSize`) in as few calls as the vendor allows; one outcome per change, in order. */
	apply(changes: MemberChange[]): Promise<MemberOutcome[]>;
	/** Unsubscribes made on the platform since `cursor`; absent when the platform reports them only by webhook. */
	unsubscribesSince?(cursor: string | undefined): Promise<UnsubscribePage>;
	/**
	 * Takes each contact out of the segment (list or tag). A contact the platform does not know, or not in the
	 * segment, is done: what was wanted holds.
	 */
	leaveSegment(segment: string, emails: string[]): Promise<ContactOutcome[]>;
	/** Whether this journey is set up here (to start, or to stop): a platform without it is left out. */
	hasJourney(kind: JourneyKind, action: 'start' | 'stop'): boolean;
	/**
	 * Starts the journey for each contact (already a member of the platform). `retried`: contacts whose start was sent
	 * before without an answer, each with the time from which a start found on the platform is that one (it then is not
	 * sent again); platforms whose start is idempotent need not look.
	 */
	startJourney(kind: JourneyKind, emails: string[], retried?: ReadonlyMap<string, string>): Promise<ContactOutcome[]>;
	/** Stops the journey for each contact; one not in it is done. */
	stopJourney(kind: JourneyKind, emails: string[]): Promise<ContactOutcome[]>;
}

export function normaliseEmail(value: unknown): string {
	return String(value ?? '').trim().toLowerCase();
}

/** Splits `items` into chunks of at most `size`. */
export function chunk<T>(items: T[], size: number): T[][] {
	const chunks: T[][] = [];
	for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
	return chunks;
}

/** Runs `work` over `items` with at most `limit` in flight, keeping results in input order. */
export async function mapLimited<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
	const results: R[] = new Array(items.length);
	let next = 0;
	const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await work(items[index], index);
		}
	});
	await Promise.all(lanes);
	return results;
}

/** A failure outcome from whatever a call threw: the transport's PlatformApiError or anything else. */
export function failedOutcome(stage: MemberStage, error: unknown): MemberOutcome {
	const details = error as { message?: string; code?: string; retryable?: boolean };
	return {
		ok: false,
		stage,
		error: { message: details.message ?? String(error), code: details.code },
		retryable: details.retryable ?? false,
	};
}
