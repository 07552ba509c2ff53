/**
 * A case's owner as the neutral ticket model's assignee (`owner_email`): a Salesforce user, read and written by email.
 * Salesforce has no unassigned case: one created without an owner belongs to the user the token acts as (the
 * integration user), and a queue may own one. Both read as no assignee. No assignee is written as the integration
 * user, except on a case a queue holds, which stays in its queue.
 */
import type { PlatformRecord, RecordWrite } from '../crm';
import { TicketRefusal } from '../tickets';
import type { Transport } from '../../transport/transport';
import { queryIn } from './soql';

export const OWNER_FIELD = 'owner_email';
/** Salesforce's key prefix of User ids (a queue's starts 00G). */
const USER_PREFIX = '005';

/** What a write does to its case's owner: set it, leave it, or refuse the record. */
export type OwnerChange = { ownerId: string } | { keep: true } | { refused: TicketRefusal };

export class CaseOwners {
	private me?: Promise<string>;
	/** Users' emails by id, and active users' ids by email (lower case), as far as asked. */
	private readonly emails = new Map<string, string>();
	private readonly activeIds = new Map<string, string[]>();

	constructor(private readonly transport: Transport, private readonly base: string) {}

	/** Sets each case's `owner_email` from its OwnerId: one query per 500 owners not met before. */
	async read(records: PlatformRecord[]): Promise<void> {
		const me = await this.integrationUser();
		const unknown = [...new Set(records.map((record) => record.fields.OwnerId).filter(isUserId))].filter((id) => !this.emails.has(id));
		for (const user of await queryIn<{ Email?: string }>(this.transport, this.base, 'SELECT Id, Email FROM User WHERE Id', unknown)) {
			this.emails.set(user.Id, String(user.Email ?? '').toLowerCase());
		}
		for (const record of records) {
			const owner = record.fields.OwnerId;
			record.fields[OWNER_FIELD] = isUserId(owner) && owner !== me ? this.emails.get(owner) || null : null;
		}
	}

	/** The owner change of each write: the addresses asked for looked up together, the current owners of unassigning updates too. */
	async changes(writes: RecordWrite[]): Promise<OwnerChange[]> {
		if (!writes.some((write) => write.fields[OWNER_FIELD] !== undefined)) return writes.map(() => ({ keep: true }));
		const me = await this.integrationUser();
		await this.lookUpEmails(writes.map((write) => write.fields[OWNER_FIELD]).filter(isAddress).map(normal));
		const unassigning = writes.filter((write) => write.externalId && isBlank(write.fields[OWNER_FIELD])).map((write) => write.externalId as string);
		const owners = new Map((await queryIn<{ OwnerId?: string }>(this.transport, this.base, 'SELECT Id, OwnerId FROM Case WHERE Id', unassigning)).map((row) => [row.Id, row.OwnerId]));
		return writes.map((write): OwnerChange => {
			const wanted = write.fields[OWNER_FIELD];
			if (wanted === undefined) return { keep: true };
			// A new case is the integration user's already; one held by a user is handed back to it; a queue keeps its case.
			if (isBlank(wanted)) return write.externalId && isUserId(owners.get(write.externalId)) && owners.get(write.externalId) !== me ? { ownerId: me } : { keep: true };
			if (!isAddress(wanted)) return { refused: new TicketRefusal(`A Salesforce case owner is named by email (owner_email), got ${typeof wanted}`, 'INVALID_ASSIGNEE') };
			return this.ownerOf(normal(wanted), me);
		});
	}

	private ownerOf(email: string, me: string): OwnerChange {
		const ids = this.activeIds.get(email) ?? [];
		// The integration user often shares an admin's address: the person is meant, not the integration.
		const people = ids.filter((id) => id !== me);
		if (people.length === 1) return { ownerId: people[0] };
		if (people.length > 1) return { refused: new TicketRefusal(`Several active Salesforce users have the email ${email} (owner_email): ${people.join(', ')}`, 'AMBIGUOUS_AGENT') };
		if (ids.includes(me)) return { ownerId: me };
		return { refused: new TicketRefusal(`No active Salesforce user has the email ${email} (owner_email)`, 'UNKNOWN_AGENT') };
	}

	private async lookUpEmails(emails: string[]): Promise<void> {
		const unknown = [...new Set(emails)].filter((email) => !this.activeIds.has(email));
		for (const email of unknown) this.activeIds.set(email, []);
		try {
			for (const user of await queryIn<{ Email?: string }>(this.transport, this.base, 'SELECT Id, Email FROM User WHERE IsActive = true AND Email', unknown)) {
				const email = normal(user.Email);
				this.emails.set(user.Id, email);
				this.activeIds.set(email, [...(this.activeIds.get(email) ?? []), user.Id]);
			}
		} catch (error) {
			for (const email of unknown) this.activeIds.delete(email);
			throw error;
		}
	}

	/** The user the token acts as (OpenID Connect userinfo), asked once for the connector's life. */
	private integrationUser(): Promise<string> {
		if (!this.me) {
			this.me = this.transport.request<{ user_id?: string }>({ method: 'GET', url: '/services/oauth2/userinfo' }).then((info) => {
				if (typeof info?.user_id !== 'string') throw new Error('Salesforce userinfo named no user_id');
				return info.user_id;
			});
			this.me.catch(() => (this.me = undefined));
		}
		return this.me;
	}
}

function isUserId(value: unknown): value is string {
	return typeof value === 'string' && value.startsWith(USER_PREFIX);
}

function isBlank(value: unknown): boolean {
	return value === null || (typeof value === 'string' && value.trim() === '');
}

function isAddress(value: unknown): value is string {
	return typeof value === 'string' && value.trim() !== '';
}

function normal(value: unknown): string {
	return String(value ?? '').trim().toLowerCase();
}
