/**
 * What a store can do for the customers kept in step with the CRM and the other stores: its customers as records of the
 * sync engine (entity `contacts`, matched by email), speaking the neutral fields below whatever the vendor calls them,
 * so one mapping serves every store and a value written and read back compares equal (no echo).
 */
import type { FieldMapping } from '../records/mapping';
import { failedWrite, writeEachChecked, type CrmConnector, type PlatformRecord, type RecordWrite, type WriteOutcome } from './crm';

/** The customer fields kept in step, as every store's connector reads and writes them. */
export interface CustomerFields {
	/** What matches a customer across stores and the CRM (lower-cased), and through the ID map once linked. */
	email: string;
	firstName: string;
	lastName: string;
	phone: string;
	/**
	 * Email marketing consent as the customer gave it on the store: true granted, false refused. A store that keeps no
	 * consent leaves the field out of its records (unknown), and unknown is never written as a grant anywhere.
	 */
	acceptsMarketing?: boolean;
}

export const CUSTOMER_FIELDS: ReadonlyArray<keyof CustomerFields> = ['email', 'firstName', 'lastName', 'phone', 'acceptsMarketing'];

/** The entity customers are synced as: the CRM's contacts, so the CRM side uses its contact mappings. */
export const CUSTOMER_ENTITY = 'contacts';

/** The mapping of a store keeping these of the neutral fields (its connector's `fieldNames`): the connectors already speak them. */
export function customerMappings(kept: readonly string[]): FieldMapping[] {
	return CUSTOMER_FIELDS.filter((field) => kept.includes(field)).map((field) => ({ internal: field, external: field }));
}

/** A customer record of the sync engine, keyed by the store's own customer id; consent left out when the store has none. */
export function customerRecord(externalId: string, fields: CustomerFields, modifiedAt: string): PlatformRecord {
	const { acceptsMarketing, ...rest } = fields;
	return { externalId, fields: { ...rest, email: rest.email.trim().toLowerCase(), ...(acceptsMarketing === undefined ? {} : { acceptsMarketing }) }, modifiedAt };
}

/** The neutral fields of a write, checked: a customer without an email, or with a consent that is no yes/no, is refused before any call. */
export function customerWrite(write: RecordWrite): CustomerFields {
	const fields = write.fields as Partial<Record<keyof CustomerFields, unknown>>;
	if (typeof fields.email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(fields.email.trim())) throw new Error(`email must be an email address, got ${JSON.stringify(fields.email)}`);
	const consent = fields.acceptsMarketing;
	if (consent !== undefined && consent !== null && typeof consent !== 'boolean') throw new Error(`acceptsMarketing must be true or false, got ${JSON.stringify(consent)}`);
	const text = (value: unknown) => (typeof value === 'string' ? value : '');
	return {
		email: fields.email.trim().toLowerCase(),
		firstName: text(fields.firstName),
		lastName: text(fields.lastName),
		phone: text(fields.phone),
		...(typeof consent === 'boolean' ? { acceptsMarketing: consent } : {}),
	};
}

/**
 * The consent a store is sent: a refusal always; a grant only where the customer is known to have given it (the write
 * carries it from a store where they did). Unknown (absent) is sent as not granted on a create, and left alone on an
 * update, so a customer's own choice on a store is never overwritten by a guess.
 */
export function consentToWrite(customer: CustomerFields, creating: boolean): boolean | undefined {
	if (customer.acceptsMarketing !== undefined) return customer.acceptsMarketing;
	return creating ? false : undefined;
}

/** Each write checked on its own: a malformed one fails alone, the others go on to `send`. */
export async function writeCheckedCustomers(
	batch: RecordWrite[],
	send: (checked: Array<{ index: number; write: RecordWrite; customer: CustomerFields }>) => Promise<Map<number, WriteOutcome>>,
): Promise<WriteOutcome[]> {
	return writeEachChecked(batch, customerWrite, 'INVALID_CUSTOMER', (checked) => send(checked.map(({ index, write, value }) => ({ index, write, customer: value }))));
}

/**
 * Each checked write sent on its own, one after another, for a store with no batch write: a call that fails fails that
 * write alone. A create whose answer was lost may have landed: the next pull finds it by email and links it, never twice.
 */
export async function writeCustomersOneByOne(batch: RecordWrite[], send: (customer: CustomerFields, externalId: string | undefined) => Promise<WriteOutcome>): Promise<WriteOutcome[]> {
	return writeCheckedCustomers(batch, async (checked) => {
		const outcomes = new Map<number, WriteOutcome>();
		for (const { index, write, customer } of checked) outcomes.set(index, await send(customer, write.externalId).catch(failedWrite));
		return outcomes;
	});
}

/** What a store's customer connector is: a record connector serving the `contacts` entity. */
export type CustomerConnector = CrmConnector;
