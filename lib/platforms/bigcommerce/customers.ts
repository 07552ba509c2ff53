import { PlatformApiError } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import { failedWrites, type ChangePage, type EntitySupport, type RecordWrite, type WriteOutcome } from '../crm';
import { consentToWrite, CUSTOMER_FIELDS, customerRecord, writeCheckedCustomers, type CustomerConnector, type CustomerFields } from '../customers';
import { nextProductPage as nextPage, readProductCursor as readCursor } from '../products';

interface BigCommerceCustomer {
	id: number;
	email: string;
	first_name: string;
	last_name: string;
	phone: string;
	date_modified: string;
	/** The customer's consent to marketing emails (abandoned-cart and product-review emails), set at sign-up. */
	accepts_product_review_abandoned_cart_emails?: boolean;
}

const PAGE_SIZE = 250;
/** BigCommerce creates and updates at most 10 customers a call (POST / PUT /customers), all or nothing. */
const BATCH_SIZE = 10;

function neutral(customer: BigCommerceCustomer): CustomerFields {
	const consent = customer.accepts_product_review_abandoned_cart_emails;
	return { email: customer.email, firstName: customer.first_name, lastName: customer.last_name, phone: customer.phone ?? '', ...(typeof consent === 'boolean' ? { acceptsMarketing: consent } : {}) };
}

function bigCommerceFields(customer: CustomerFields, creating: boolean): Partial<BigCommerceCustomer> {
	const consent = consentToWrite(customer, creating);
	return {
		email: customer.email,
		first_name: customer.firstName,
		last_name: customer.lastName,
		phone: customer.phone,
		...(consent === undefined ? {} : { accepts_product_review_abandoned_cart_emails: consent }),
	};
}

const succeeded = (customer: BigCommerceCustomer, created: boolean): WriteOutcome => ({
	ok: true,
	externalId: String(customer.id),
	created,
	fields: customerRecord(String(customer.id), neutral(customer), customer.date_modified).fields,
	modifiedAt: new Date(customer.date_modified).toISOString(),
});

/**
 * BigCommerce customers (v3 `/customers`): pulled by `date_modified:min`, 250 a page; created and updated 10 a call.
 * A call is all or nothing: a batch refused (422, 409) is sent again one customer a call, so one customer the store
 * refuses fails alone.
 */
export class BigCommerceCustomers implements CustomerConnector {
	readonly platform: string = 'bigcommerce';
	readonly entities: Partial<Record<'contacts', EntitySupport>> = { contacts: { object: 'customers', matchField: 'email', batchSize: BATCH_SIZE } };

	constructor(private readonly transport: Transport) {}

	async fieldNames(): Promise<string[]> {
		return [...CUSTOMER_FIELDS];
	}

	async pullChanges(_entity: string, cursor: string | undefined): Promise<ChangePage> {
		const position = readCursor(cursor);
		const body = await this.transport.request<{ data: BigCommerceCustomer[] }>({
			method: 'GET',
			url: '/customers',
			qs: { limit: PAGE_SIZE, page: position.page, sort: 'date_modified:asc', ...(position.since ? { 'date_modified:min': position.since } : {}) },
		});
		const records = body.data.filter((customer) => customer.email).map((customer) => customerRecord(String(customer.id), neutral(customer), new Date(customer.date_modified).toISOString()));
		return nextPage(position, records, body.data.length === PAGE_SIZE);
	}

	cursorAt(_entity: string, at: Date): string {
		return at.toISOString();
	}

	async write(_entity: string, batch: RecordWrite[]): Promise<WriteOutcome[]> {
		return writeCheckedCustomers(batch, async (checked) => {
			const outcomes = new Map<number, WriteOutcome>();
			const creates = checked.filter((entry) => !entry.write.externalId);
			const updates = checked.filter((entry) => entry.write.externalId);
			for (const [group, creating] of [[creates, true], [updates, false]] as const) {
				if (group.length === 0) continue;
				const send = (entries: typeof group) =>
					this.transport.request<{ data: BigCommerceCustomer[] }>({
						method: creating ? 'POST' : 'PUT',
						url: '/customers',
						body: entries.map(({ write, customer }) => ({ ...(creating ? {} : { id: Number(write.externalId) }), ...bigCommerceFields(customer, creating) })),
					});
				try {
					const answered = (await send(group)).data;
					group.forEach(({ index }, position) => outcomes.set(index, answered[position] ? succeeded(answered[position], creating) : { ok: false, error: { message: 'BigCommerce answered the batch without this customer' } }));
				} catch (error) {
					if (!isRefusal(error) || group.length === 1) {
						// A create whose answer was lost may have landed: the next pull finds it by email and links it, never twice.
						failedWrites(group.length, error).forEach((outcome, position) => outcomes.set(group[position].index, outcome));
						continue;
					}
					for (const entry of group) {
						outcomes.set(entry.index, await send([entry]).then((body) => succeeded(body.data[0], creating), (single: unknown) => failedWrites(1, single)[0]));
					}
				}
			}
			return outcomes;
		});
	}
}

const isRefusal = (error: unknown) => error instanceof PlatformApiError && error.status !== undefined && [409, 422].includes(error.status);
