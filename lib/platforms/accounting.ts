/**
 * What an accounting platform (QuickBooks Online, Xero, FreshBooks) does for the Accounting Sync capability, in the
 * package's neutral words: customers matched by email, and four kinds of entry (a sale, a payment against an invoice,
 * a refund, an invoice) posted once under a key and found again by the reference stamped on them. Amounts are integer
 * minor units of the entry's currency; each connector writes them in the vendor's own decimal form.
 */

export type EntryKind = 'sale' | 'payment' | 'refund' | 'invoice';

export const ENTRY_KINDS: readonly EntryKind[] = ['sale', 'payment', 'refund', 'invoice'];

export interface AccountingParty {
	/** The match key: customers are one per email address (compared in lower case). */
	email: string;
	name?: string;
	company?: string;
	phone?: string;
}

export interface EntryLine {
	description: string;
	/** Decimal text ("2", "1.5"), so no quantity passes through a float. */
	quantity: string;
	unitAmountMinor: number;
	/** quantity × unit amount, exact in minor units. */
	amountMinor: number;
	/** The package's neutral product code, mapped to the platform's item by the settings. */
	sku?: string;
	/** The package's neutral tax code, mapped to the platform's tax code or rate by the settings. */
	taxCode?: string;
}

/** A sale, a refund or an invoice: lines, then discount, shipping and tax for the whole entry. */
export interface LinesEntry {
	sourceId: string;
	currency: string;
	/** YYYY-MM-DD; the platform's today when absent. */
	date?: string;
	customer?: AccountingParty;
	lines: EntryLine[];
	discountMinor: number;
	shippingMinor: number;
	taxMinor: number;
	totalMinor: number;
	memo?: string;
	/** Invoices only: YYYY-MM-DD. */
	dueDate?: string;
}

/** A payment received against an invoice this package (or the platform) knows. */
export interface PaymentEntry {
	sourceId: string;
	currency: string;
	date?: string;
	amountMinor: number;
	customer?: AccountingParty;
	memo?: string;
}

export type NeutralEntry = LinesEntry | PaymentEntry;

/** How the connector must post one entry. */
export interface PostContext {
	/** The vendor's idempotency key for this attempt (QuickBooks `requestid`, Xero `Idempotency-Key`), at most 50 characters. */
	idempotencyKey: string;
	/** The reference stamped on the entry, by which `findEntry` finds it again (a document number, a reference field). */
	reference: string;
	/** The platform's id of the entry's customer, when it has one. */
	customerId?: string;
	/** Payments: the platform's id of the invoice the payment settles. */
	invoiceId?: string;
}

/** An entry as the platform holds it. */
export interface PostedEntry {
	externalId: string;
	/** The vendor's document type: SalesReceipt, Invoice, Payment, RefundReceipt, ACCREC, CreditNote… */
	externalType: string;
	/** The document number the platform shows. */
	number?: string;
	totalMinor: number;
	currency: string;
	/** What is still owed on an invoice, when the platform reports it. */
	balanceMinor?: number;
	/** The platform's own status word (PAID, AUTHORISED, sent…), when it has one. */
	status?: string;
}

export interface PlatformCustomer {
	id: string;
	email?: string;
	name?: string;
}

/** The platform ids the package's neutral codes stand for, per connection. */
export interface AccountingSettings {
	/** Neutral SKU → the platform's item (QuickBooks Item Id, Xero ItemCode, FreshBooks item id). */
	items?: Record<string, string>;
	/** Neutral tax code → the platform's tax code (QuickBooks TaxCode Id, Xero TaxType, FreshBooks tax name). */
	taxCodes?: Record<string, string>;
	/** The item for lines without a mapped SKU (QuickBooks: "1", the Services item). */
	defaultItem?: string;
	/** The revenue account for lines (Xero account code, "200" Sales by default). */
	salesAccount?: string;
	/** The account money is paid into or refunded from (QuickBooks Account Id, Xero account code). */
	paymentAccount?: string;
	/** Where an entry's tax goes when the platform takes it as a line of its own (Xero: a liability account code). */
	taxAccount?: string;
}

/** One element of a batch: the entry and how to post it. */
export interface EntryPost {
	entry: NeutralEntry;
	context: PostContext;
}

/** One element's end in a batch: what the platform now holds, or why this element alone failed. */
export type ElementOutcome = { posted: PostedEntry } | { error: Error };

/**
 * A platform that writes many entries in one request (Xero: arrays with summarizeErrors=false, each element answered
 * on its own). A refused element is an error with a 4xx status; the request failing as a whole throws.
 */
export interface BatchPosting {
	/** Entries per request. */
	size: number;
	/** Posts every entry, answering one outcome per post in order. */
	postEntries(kind: EntryKind, posts: EntryPost[]): Promise<ElementOutcome[]>;
	/** The entries of this kind stamped with these references that landed, by reference. */
	findEntries(kind: EntryKind, references: string[]): Promise<Map<string, PostedEntry>>;
	/** The customers with these email addresses (any case), by lower-case email, in as few requests as the platform allows. */
	findCustomers(emails: string[]): Promise<Map<string, PlatformCustomer>>;
	/** Creates these customers in the platform's batches, one outcome per party in order. */
	createCustomers(parties: AccountingParty[]): Promise<Array<{ customer: PlatformCustomer } | { error: Error }>>;
}

/** A document or customer changed (or deleted) in the books, by anyone. */
export interface BookChange {
	kind: EntryKind | 'customer';
	externalId: string;
	/** The vendor's type (Invoice, SalesReceipt, Customer…). */
	externalType: string;
	deleted: boolean;
	number?: string;
	totalMinor?: number;
	currency?: string;
	balanceMinor?: number;
	/** Customers: their email. */
	email?: string;
	/** When the platform last changed it (ISO 8601). */
	updatedAt: string;
}

/** The changes since a time, and the platform's time of the answer (the next pull starts there). */
export interface ChangePage {
	changes: BookChange[];
	asOf: string;
}

export interface AccountingConnector {
	/** Changes made in the books since `since` (ISO 8601): QuickBooks' change data capture. Absent where not served. */
	changesSince?(since: string): Promise<ChangePage>;
	/** Present when the platform takes many entries per request. */
	readonly batch?: BatchPosting;
	readonly platform: string;
	/** The customer with this email address, if the platform has one. */
	findCustomer(email: string): Promise<PlatformCustomer | undefined>;
	createCustomer(party: AccountingParty, idempotencyKey: string): Promise<PlatformCustomer>;
	/** Updates name, company and phone; a concurrent edit on the platform is re-read and the change applied again. */
	updateCustomer(id: string, party: AccountingParty): Promise<PlatformCustomer>;
	postEntry(kind: EntryKind, entry: NeutralEntry, context: PostContext): Promise<PostedEntry>;
	/** The entry of this kind stamped with `reference`, if one landed. */
	findEntry(kind: EntryKind, reference: string): Promise<PostedEntry | undefined>;
	/** The entry's current state on the platform (balance, status), or undefined when it is gone. */
	readEntry(kind: EntryKind, externalId: string): Promise<PostedEntry | undefined>;
}
