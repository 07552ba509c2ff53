import type { Transport } from '../../transport/transport';
import type { ChangePage, EntitySupport, RecordWrite, WriteOutcome } from '../crm';
import { consentToWrite, CUSTOMER_FIELDS, customerRecord, writeCustomersOneByOne, type CustomerConnector, type CustomerFields } from '../customers';
import { nextUpdatedSince, readUpdatedSinceCursor, shopifyGraphql, updatedSinceQuery } from './graphql';

type MarketingState = 'NOT_SUBSCRIBED' | 'PENDING' | 'SUBSCRIBED' | 'UNSUBSCRIBED' | 'REDACTED' | 'INVALID';

interface ShopifyCustomer {
	legacyResourceId: string;
	email: string | null;
	firstName: string | null;
	lastName: string | null;
	phone: string | null;
	updatedAt: string;
	emailMarketingConsent: { marketingState: MarketingState } | null;
}

interface UserError {
	field: string[] | null;
	message: string;
	code?: string | null;
}

// `email` and `emailMarketingConsent` are what 2025-01 has (later versions add defaultEmailAddress beside them).
const CUSTOMER = 'legacyResourceId email firstName lastName phone updatedAt emailMarketingConsent { marketingState }';
const PULL = `query Customers($first: Int!, $after: String, $query: String) {
  customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) { nodes { ${CUSTOMER} } pageInfo { hasNextPage endCursor } }
}`;
const CREATE = `mutation Create($input: CustomerInput!) { customerCreate(input: $input) { customer { ${CUSTOMER} } userErrors { field message } } }`;
const UPDATE = `mutation Update($input: CustomerInput!) { customerUpdate(input: $input) { customer { ${CUSTOMER} } userErrors { field message } } }`;
const CONSENT = `mutation Consent($input: CustomerEmailMarketingConsentUpdateInput!) {
  customerEmailMarketingConsentUpdate(input: $input) { customer { ${CUSTOMER} } userErrors { code field message } }
}`;

const PAGE_SIZE = 100;

/** Only a subscription is a grant; every other state (never asked, pending confirmation, unsubscribed…) is a no. */
function neutral(customer: ShopifyCustomer): CustomerFields {
	const state = customer.emailMarketingConsent?.marketingState;
	return {
		email: customer.email ?? '',
		firstName: customer.firstName ?? '',
		lastName: customer.lastName ?? '',
		phone: customer.phone ?? '',
		...(state ? { acceptsMarketing: state === 'SUBSCRIBED' } : {}),
	};
}

const succeeded = (customer: ShopifyCustomer, created: boolean): WriteOutcome => ({
	ok: true,
	externalId: customer.legacyResourceId,
	created,
	fields: customerRecord(customer.legacyResourceId, neutral(customer), customer.updatedAt).fields,
	modifiedAt: new Date(customer.updatedAt).toISOString(),
});

const refused = (errors: UserError[]): WriteOutcome => ({
	ok: false,
	error: { message: errors.map((error) => (error.field?.length ? `${error.field.join('.')}: ${error.message}` : error.message)).join('; '), code: errors[0]?.code ?? 'USER_ERROR' },
});

/** The consent to send as Shopify takes it: a grant is a single opt-in subscription now; a create refused is not subscribed. */
function consentInput(accepts: boolean, creating: boolean) {
	if (accepts) return { marketingState: 'SUBSCRIBED', marketingOptInLevel: 'SINGLE_OPT_IN', consentUpdatedAt: new Date().toISOString() };
	return { marketingState: creating ? 'NOT_SUBSCRIBED' : 'UNSUBSCRIBED', consentUpdatedAt: new Date().toISOString() };
}

/**
 * Shopify Admin GraphQL customers: pulled by `updated_at:>=` (100 a page, by update time); created with
 * `customerCreate` (consent included), updated with `customerUpdate`, and a consent that changed with
 * `customerEmailMarketingConsentUpdate` (Shopify takes a changed consent only there). One customer a call: Shopify's
 * cost is per mutation, so a batch would save no budget.
 */
export class ShopifyCustomers implements CustomerConnector {
	readonly platform: string = 'shopify';
	readonly entities: Partial<Record<'contacts', EntitySupport>> = { contacts: { object: 'customers', matchField: 'email', batchSize: 1 } };

	constructor(private readonly transport: Transport) {}

	async fieldNames(): Promise<string[]> {
		return [...CUSTOMER_FIELDS];
	}

	async pullChanges(_entity: string, cursor: string | undefined): Promise<ChangePage> {
		const position = readUpdatedSinceCursor(cursor);
		const data = await shopifyGraphql<{ customers: { nodes: ShopifyCustomer[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(this.transport, PULL, {
			first: PAGE_SIZE,
			after: position.after ?? null,
			query: updatedSinceQuery(position.since),
		});
		const records = data.customers.nodes.filter((customer) => customer.email).map((customer) => customerRecord(customer.legacyResourceId, neutral(customer), new Date(customer.updatedAt).toISOString()));
		return { records, ...nextUpdatedSince(position, data.customers.nodes.map((customer) => new Date(customer.updatedAt).toISOString()), data.customers.pageInfo) };
	}

	cursorAt(_entity: string, at: Date): string {
		return at.toISOString();
	}

	async write(_entity: string, batch: RecordWrite[]): Promise<WriteOutcome[]> {
		return writeCustomersOneByOne(batch, (customer, externalId) => (externalId ? this.update(externalId, customer) : this.create(customer)));
	}

	private async create(customer: CustomerFields): Promise<WriteOutcome> {
		const consent = consentToWrite(customer, true) as boolean;
		const input = { ...contactInput(customer), emailMarketingConsent: consentInput(consent, true) };
		const data = await shopifyGraphql<{ customerCreate: { customer: ShopifyCustomer | null; userErrors: UserError[] } }>(this.transport, CREATE, { input });
		const { customer: saved, userErrors } = data.customerCreate;
		return saved && userErrors.length === 0 ? succeeded(saved, true) : refused(userErrors);
	}

	/** The contact fields, then the consent when it differs from what Shopify holds: two calls only when consent changed. */
	private async update(externalId: string, customer: CustomerFields): Promise<WriteOutcome> {
		const id = `gid://shopify/Customer/${externalId}`;
		const data = await shopifyGraphql<{ customerUpdate: { customer: ShopifyCustomer | null; userErrors: UserError[] } }>(this.transport, UPDATE, { input: { id, ...contactInput(customer) } });
		const { customer: saved, userErrors } = data.customerUpdate;
		if (!saved || userErrors.length > 0) return refused(userErrors);
		const consent = consentToWrite(customer, false);
		if (consent === undefined || neutral(saved).acceptsMarketing === consent) return succeeded(saved, false);
		const changed = await shopifyGraphql<{ customerEmailMarketingConsentUpdate: { customer: ShopifyCustomer | null; userErrors: UserError[] } }>(this.transport, CONSENT, {
			input: { customerId: id, emailMarketingConsent: consentInput(consent, false) },
		});
		const answer = changed.customerEmailMarketingConsentUpdate;
		// The contact fields are saved even when the consent is refused: the failure says so, and the next run tries the consent again.
		if (!answer.customer || answer.userErrors.length > 0) return { ...refused(answer.userErrors), externalId };
		return succeeded(answer.customer, false);
	}
}

/** A phone Shopify takes (E.164) or none: an empty phone is sent as null, which clears it. */
function contactInput(customer: CustomerFields) {
	return { email: customer.email, firstName: customer.firstName, lastName: customer.lastName, phone: customer.phone === '' ? null : customer.phone };
}
