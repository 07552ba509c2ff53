import type { Transport } from '../../transport/transport';
import type { ChangePage, EntitySupport, RecordWrite, WriteOutcome } from '../crm';
import { consentToWrite, CUSTOMER_FIELDS, customerRecord, writeCustomersOneByOne, type CustomerConnector, type CustomerFields } from '../customers';
import { nextProductPage as nextPage, readProductCursor as readCursor } from '../products';
import { updatedSincePage } from './search';
import { fromMagentoTime } from './times';

interface MagentoCustomer {
	id: number;
	email: string;
	firstname: string;
	lastname: string;
	updated_at: string;
	/** The newsletter subscription: Magento's marketing consent. */
	extension_attributes?: { is_subscribed?: boolean };
}

const PAGE_SIZE = 100;

function neutral(customer: MagentoCustomer): CustomerFields {
	const consent = customer.extension_attributes?.is_subscribed;
	return { email: customer.email, firstName: customer.firstname, lastName: customer.lastname, phone: '', ...(typeof consent === 'boolean' ? { acceptsMarketing: consent } : {}) };
}

function magentoCustomer(customer: CustomerFields, creating: boolean): Partial<MagentoCustomer> {
	const consent = consentToWrite(customer, creating);
	return { email: customer.email, firstname: customer.firstName, lastname: customer.lastName, ...(consent === undefined ? {} : { extension_attributes: { is_subscribed: consent } }) };
}

const modifiedAt = (customer: MagentoCustomer) => new Date(fromMagentoTime(customer.updated_at)).toISOString();

/**
 * Magento 2 customers (REST): pulled by `updated_at gteq` search criteria, 100 a page; written one a call (`POST
 * /V1/customers` to create, `PUT /V1/customers/{id}` to update). Consent is the newsletter subscription; a customer's
 * phone lives on its addresses, which are not synced.
 */
export class MagentoCustomers implements CustomerConnector {
	readonly platform: string = 'magento';
	readonly entities: Partial<Record<'contacts', EntitySupport>> = { contacts: { object: 'customers', matchField: 'email', batchSize: 1 } };

	constructor(private readonly transport: Transport) {}

	/** Every neutral field but the phone (Magento keeps it on the customer's addresses). */
	async fieldNames(): Promise<string[]> {
		return CUSTOMER_FIELDS.filter((field) => field !== 'phone');
	}

	async pullChanges(_entity: string, cursor: string | undefined): Promise<ChangePage> {
		const position = readCursor(cursor);
		const body = await this.transport.request<{ items: MagentoCustomer[]; total_count: number }>({
			method: 'GET',
			url: '/V1/customers/search',
			qs: updatedSincePage(position.since || undefined, position.page, PAGE_SIZE, 'entity_id'),
		});
		const records = body.items.filter((customer) => customer.email).map((customer) => customerRecord(String(customer.id), neutral(customer), modifiedAt(customer)));
		return nextPage(position, records, position.page * PAGE_SIZE < body.total_count);
	}

	cursorAt(_entity: string, at: Date): string {
		return at.toISOString();
	}

	async write(_entity: string, batch: RecordWrite[]): Promise<WriteOutcome[]> {
		return writeCustomersOneByOne(batch, async (customer, externalId) => {
			const creating = !externalId;
			const saved = await this.transport.request<MagentoCustomer>({
				method: creating ? 'POST' : 'PUT',
				url: creating ? '/V1/customers' : `/V1/customers/${encodeURIComponent(String(externalId))}`,
				body: { customer: { ...(creating ? {} : { id: Number(externalId) }), ...magentoCustomer(customer, creating) } },
			});
			return { ok: true, externalId: String(saved.id), created: creating, fields: customerRecord(String(saved.id), neutral(saved), '').fields, modifiedAt: modifiedAt(saved) };
		});
	}
}
