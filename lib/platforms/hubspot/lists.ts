import type { Transport } from '../../transport/transport';
import type { ContactOutcome, JourneyKind, MarketingConnector, MarketingSettings, MemberChange, MemberOutcome } from '../marketing';
import { chunk, failedContact, failedOutcome, declaresJourney } from '../marketing';
import { HubSpotCrm } from './crm';
import { hubSpotDefaultMappings } from './mappings';

/** HubSpot's object type id for contacts, which the Lists v3 API takes. */
const CONTACTS_OBJECT_TYPE = '0-1';
/** Record ids per `memberships/add` call. */
const MEMBERSHIP_BATCH = 100_000;
/** Inputs per CRM batch read. */
const READ_BATCH = 100;

interface ListBody {
	list: { listId: string; name: string };
}

/**
 * HubSpot as a marketing platform: contacts upserted by email through the CRM connector (batches of 100), segments
 * as MANUAL contact lists (found by name or created), the welcome campaign as membership of the list whose workflow
 * sends it, and an unsubscribe through the communication preferences API for the configured subscription type.
 */
export class HubSpotMarketing implements MarketingConnector {
	readonly platform = 'hubspot';
	readonly defaultMappings = hubSpotDefaultMappings.contacts;
	private readonly crm: HubSpotCrm;
	private readonly listIds = new Map<string, Promise<string>>();

	constructor(
		private readonly transport: Transport,
		private readonly settings: MarketingSettings,
	) {
		this.crm = new HubSpotCrm(transport);
	}

	get batchSize(): number {
		return this.crm.entities.contacts.batchSize;
	}

	fieldNames(): Promise<string[]> {
		return this.crm.fieldNames('contacts');
	}

	async apply(changes: MemberChange[]): Promise<MemberOutcome[]> {
		const outcomes: MemberOutcome[] = new Array(changes.length);
		for (const [index, change] of changes.entries()) if (change.status === 'unsubscribed') outcomes[index] = await this.unsubscribe(change);
		const subscribes = changes.map((change, index) => ({ change, index })).filter(({ change }) => change.status === 'subscribed');
		if (subscribes.length === 0) return outcomes;
		try {
			const written = await this.crm.write('contacts', subscribes.map(({ change }) => ({ fields: { ...change.fields, email: change.email } })));
			subscribes.forEach(({ index }, position) => {
				const result = written[position];
				outcomes[index] = result.ok
					? { ok: true, externalId: result.externalId, created: result.created, welcomed: false }
					: { ok: false, stage: 'upsert', error: result.error, retryable: false };
			});
		} catch (error) {
			for (const { index } of subscribes) outcomes[index] = failedOutcome('upsert', error);
			return outcomes;
		}
		const memberships = new Map<string, number[]>();
		const welcomeList = this.settings.welcome?.id;
		for (const { change, index } of subscribes) {
			if (!outcomes[index].ok) continue;
			for (const segment of change.segments) memberships.set(segment, [...(memberships.get(segment) ?? []), index]);
		}
		for (const [list, indexes] of memberships) await this.addMembers(list, indexes, outcomes, 'segments');
		const welcomed = subscribes.filter(({ change, index }) => change.welcome && outcomes[index].ok).map(({ index }) => index);
		if (welcomeList && welcomed.length > 0) {
			await this.addMembers(welcomeList, welcomed, outcomes, 'welcome');
			for (const index of welcomed) if (outcomes[index].ok) outcomes[index] = { ...(outcomes[index] as Extract<MemberOutcome, { ok: true }>), welcomed: true };
		}
		return outcomes;
	}

	private async addMembers(listName: string, indexes: number[], outcomes: MemberOutcome[], stage: 'segments' | 'welcome'): Promise<void> {
		try {
			const listId = await this.listId(listName);
			for (const part of chunk(indexes, MEMBERSHIP_BATCH)) {
				const ids = part.map((index) => (outcomes[index] as Extract<MemberOutcome, { ok: true }>).externalId as string);
				const body = await this.transport.request<{ recordIdsMissing?: string[] }>({
					method: 'PUT',
					url: `/crm/v3/lists/${encodeURIComponent(listId)}/memberships/add`,
					body: ids,
				});
				const missing = new Set(body.recordIdsMissing ?? []);
				for (const index of part) {
					const id = (outcomes[index] as Extract<MemberOutcome, { ok: true }>).externalId as string;
					if (missing.has(id)) outcomes[index] = { ok: false, stage, error: { message: `HubSpot has no contact ${id} to add to list "${listName}"` }, retryable: true };
				}
			}
		} catch (error) {
			for (const index of indexes) if (outcomes[index].ok) outcomes[index] = failedOutcome(stage, error);
		}
	}

	/** A MANUAL contact list by name, created when it does not exist yet. */
	private listId(name: string): Promise<string> {
		let found = this.listIds.get(name);
		if (!found) {
			found = this.findList(name).then(async (existing) => {
				if (existing) return existing;
				const created = await this.transport.request<ListBody>(
					{ method: 'POST', url: '/crm/v3/lists', body: { name, objectTypeId: CONTACTS_OBJECT_TYPE, processingType: 'MANUAL' } },
					{ replaySafe: false },
				);
				return created.list.listId;
			});
			found.catch(() => this.listIds.delete(name));
			this.listIds.set(name, found);
		}
		return found;
	}

	private async findList(name: string): Promise<string | undefined> {
		try {
			const body = await this.transport.request<ListBody>({
				method: 'GET',
				url: `/crm/v3/lists/object-type-id/${CONTACTS_OBJECT_TYPE}/name/${encodeURIComponent(name)}`,
			});
			return body.list.listId;
		} catch (error) {
			if ((error as { status?: number }).status === 404) return undefined;
			throw error;
		}
	}

	/** The contacts' ids by email (batch read, 100 a call); an email HubSpot does not know is absent from the map. */
	private async contactIds(emails: string[]): Promise<Map<string, string>> {
		const ids = new Map<string, string>();
		for (const part of chunk(emails, READ_BATCH)) {
			const body = await this.transport.request<{ results: Array<{ id: string; properties: { email?: string } }> }>({
				method: 'POST',
				url: '/crm/v3/objects/contacts/batch/read',
				body: { idProperty: 'email', properties: ['email'], inputs: part.map((email) => ({ id: email })) },
			}, { replaySafe: true });
			for (const record of body.results ?? []) if (record.properties.email) ids.set(record.properties.email.toLowerCase(), record.id);
		}
		return ids;
	}

	/** `memberships/remove` of the segment's MANUAL list; no list, or a contact HubSpot lacks, leaves nothing to do. */
	async leaveSegment(segment: string, emails: string[]): Promise<ContactOutcome[]> {
		try {
			const listId = await this.findList(segment);
			if (listId === undefined) return emails.map(() => ({ ok: true }));
			const ids = await this.contactIds(emails);
			const members = [...ids.values()];
			for (const part of chunk(members, MEMBERSHIP_BATCH)) {
				await this.transport.request({ method: 'PUT', url: `/crm/v3/lists/${encodeURIComponent(listId)}/memberships/remove`, body: part });
			}
			return emails.map(() => ({ ok: true }));
		} catch (error) {
			return emails.map(() => failedContact(error));
		}
	}

	hasJourney(kind: JourneyKind, action: 'start' | 'stop'): boolean {
		return declaresJourney(this.settings.journeys, kind, action);
	}

	/** Workflows v2: enrols each contact (by email) in the journey's workflow. */
	startJourney(kind: JourneyKind, emails: string[]): Promise<ContactOutcome[]> {
		return this.enrolment('POST', this.settings.journeys?.[kind]?.start ?? '', emails);
	}

	/** Workflows v2: unenrols each contact from the workflow: its remaining steps do not run. */
	stopJourney(kind: JourneyKind, emails: string[]): Promise<ContactOutcome[]> {
		return this.enrolment('DELETE', this.settings.journeys?.[kind]?.stop ?? '', emails);
	}

	private async enrolment(method: 'POST' | 'DELETE', workflow: string, emails: string[]): Promise<ContactOutcome[]> {
		const outcomes: ContactOutcome[] = [];
		for (const email of emails) {
			try {
				await this.transport.request(
					{ method, url: `/automation/v2/workflows/${encodeURIComponent(workflow)}/enrollments/contacts/${encodeURIComponent(email)}` },
					{ replaySafe: method === 'DELETE' },
				);
				outcomes.push({ ok: true });
			} catch (error) {
				// An enrolment whose answer was lost went through: HubSpot refuses the second one as already enrolled.
				outcomes.push(method === 'POST' && /already enrolled/i.test((error as Error).message) ? { ok: true } : failedContact(error));
			}
		}
		return outcomes;
	}

	private async unsubscribe(change: MemberChange): Promise<MemberOutcome> {
		const subscriptionId = this.settings.subscriptionId;
		if (!subscriptionId) {
			return { ok: false, stage: 'unsubscribe', error: { message: 'No HubSpot email subscription type is configured to unsubscribe from', code: 'NO_SUBSCRIPTION_TYPE' }, retryable: false };
		}
		try {
			await this.transport.request({
				method: 'POST',
				url: '/communication-preferences/v3/unsubscribe',
				body: { emailAddress: change.email, subscriptionId, legalBasis: 'CONSENT_WITH_NOTICE', legalBasisExplanation: 'Unsubscribed on another marketing platform' },
			});
			return { ok: true, welcomed: false };
		} catch (error) {
			// HubSpot answers 400 when the contact is already unsubscribed: the outcome we wanted.
			if (/already unsubscribed/i.test((error as Error).message)) return { ok: true, welcomed: false };
			return failedOutcome('unsubscribe', error);
		}
	}
}
