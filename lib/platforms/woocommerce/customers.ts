import type { Transport } from '../../transport/transport';
import type { ChangePage, EntitySupport, RecordWrite, WriteOutcome } from '../crm';
import { BATCH_SIZE, writeWooBatch, type WooBatchEntry } from './batch';
import { CUSTOMER_FIELDS, customerRecord, writeCheckedCustomers, type CustomerConnector, type CustomerFields } from '../customers';

interface WooCustomer {
	id: number;
	email: string;
	first_name: string;
	last_name: string;
	billing?: { phone?: string };
	date_modified_gmt: string;
}

const PAGE_SIZE = 100;
/** The position after the last page: WooCommerce lists customers with no modified-since filter, so the next run reads them all again. */
const READ_ALL = 'all';

/** WooCommerce keeps no marketing consent on a customer: it is left out (unknown), never read as a grant. */
const neutral = (customer: WooCustomer): CustomerFields => ({ email: customer.email, firstName: customer.first_name, lastName: customer.last_name, phone: customer.billing?.phone ?? '' });

const wooFields = (customer: CustomerFields) => ({ email: customer.email, first_name: customer.firstName, last_name: customer.lastName, billing: { phone: customer.phone } });

/** WooCommerce's *_gmt times are UTC without a zone designator. */
const utc = (gmt: string) => new Date(`${gmt.replace(/Z$/, '')}Z`).toISOString();

/**
 * WooCommerce REST v3 customers: listed 100 a page by id (the list has no modified-since filter, so every run reads the
 * whole list and only customers whose fields changed since they were last seen are synced), written by
 * `customers/batch`, 100 creates and updates a call, each answered on its own.
 */
export class WooCommerceCustomers implements CustomerConnector {
	readonly platform: string = 'woocommerce';
	readonly entities: Partial<Record<'contacts', EntitySupport>> = { contacts: { object: 'customers', matchField: 'email', batchSize: BATCH_SIZE } };

	constructor(private readonly transport: Transport) {}

	/** Every neutral field but consent, which WooCommerce does not keep. */
	async fieldNames(): Promise<string[]> {
		return CUSTOMER_FIELDS.filter((field) => field !== 'acceptsMarketing');
	}

	async pullChanges(_entity: string, cursor: string | undefined): Promise<ChangePage> {
		const page = cursor && cursor !== READ_ALL ? Number(cursor) : 1;
		const customers = await this.transport.request<WooCustomer[]>({ method: 'GET', url: '/customers', qs: { per_page: PAGE_SIZE, page, orderby: 'id', order: 'asc' } });
		const records = customers.filter((customer) => customer.email).map((customer) => customerRecord(String(customer.id), neutral(customer), utc(customer.date_modified_gmt)));
		const full = customers.length === PAGE_SIZE;
		return { records, cursor: full ? String(page + 1) : READ_ALL, done: !full };
	}

	/** Every customer is read on every run: a position in time reads them all too. */
	cursorAt(): string {
		return READ_ALL;
	}

	async write(_entity: string, batch: RecordWrite[]): Promise<WriteOutcome[]> {
		return writeCheckedCustomers(batch, (checked) =>
			writeWooBatch(this.transport, '/customers/batch', checked.map(({ index, write, customer }) => ({ index, write, fields: wooFields(customer) })), outcomeOf),
		);
	}
}

function outcomeOf(entry: WooBatchEntry<WooCustomer> | undefined, created: boolean): WriteOutcome {
	if (!entry) return { ok: false, error: { message: 'WooCommerce answered the batch without this customer' } };
	if ('error' in entry) return { ok: false, error: { message: entry.error.message, code: entry.error.code } };
	const customer = entry as WooCustomer;
	return { ok: true, externalId: String(customer.id), created, fields: customerRecord(String(customer.id), neutral(customer), '').fields, modifiedAt: utc(customer.date_modified_gmt) };
}
