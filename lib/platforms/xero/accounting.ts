import { createHash } from 'node:crypto';

import { toMajorString, toMinorExact } from '../../records/money';
import { PlatformApiError } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import type {
	AccountingConnector,
	AccountingParty,
	AccountingSettings,
	BatchPosting,
	BookChange,
	ChangePage,
	ElementOutcome,
	EntryKind,
	EntryPost,
	LinesEntry,
	NeutralEntry,
	PaymentEntry,
	PlatformCustomer,
	PostContext,
	PostedEntry,
} from '../accounting';

type XeroRecord = Record<string, any>;

const API = '/api.xro/2.0';

/** Xero takes any number of elements up to 3.5 MB a request, and recommends bundles of up to 50 for timely answers. */
export const XERO_BATCH_SIZE = 50;
/** References per look-up: a `where` of 25 references (or emails), or 25 invoice numbers, keeps the URL short. */
const LOOKUP_SIZE = 25;
/** Xero's lists answer 100 records a page. */
const XERO_PAGE_SIZE = 100;

export interface XeroSettings extends AccountingSettings {
	tenantId: string;
}

/**
 * Xero's Accounting API 2.0 for one tenant. A sale is Xero's idiom for a paid sale: an AUTHORISED sales invoice (ACCREC)
 * numbered with the entry's reference, then a payment of its total into the bank account; a refund is a credit note
 * (ACCRECCREDIT); a payment applies to an invoice. Every write carries an `Idempotency-Key` covering its body, and
 * invoice and credit-note numbers are unique in Xero, so a sale whose invoice landed before its payment is completed,
 * not doubled.
 */
export class XeroAccounting implements AccountingConnector {
	readonly platform = 'xero';
	readonly batch: BatchPosting = {
		size: XERO_BATCH_SIZE,
		postEntries: async (kind, posts) => await this.postEntries(kind, posts),
		findEntries: async (kind, references) => await this.findEntries(kind, references),
		findCustomers: async (emails) => await this.contactsByEmail(emails),
		createCustomers: async (parties) => await this.createContacts(parties),
	};

	constructor(
		private readonly transport: Transport,
		private readonly settings: XeroSettings,
	) {
		if (!settings.tenantId) throw new Error('The Xero credential\'s Tenant ID is empty: set it to the organisation the entries go to');
	}

	async findCustomer(email: string): Promise<PlatformCustomer | undefined> {
		return (await this.contactsByEmail([email])).get(email.toLowerCase());
	}

	async createCustomer(party: AccountingParty, idempotencyKey: string): Promise<PlatformCustomer> {
		const contact = contactFields(party);
		try {
			return toCustomer(await this.writeOne('PUT', 'Contacts', contact, idempotencyKey));
		} catch (error) {
			if (!isNameTaken(error)) throw error;
			return await this.createNamesake(party, idempotencyKey);
		}
	}

	/**
	 * Contacts by email in any case, 25 emails a request: a `where` of lowered EmailAddress terms joined by OR, each
	 * guarded by `EmailAddress!=null` (Xero's filter throws on a string method of a contact without one). A thousand
	 * sales of a thousand buyers cost 40 look-ups, not a thousand.
	 */
	private async contactsByEmail(emails: string[]): Promise<Map<string, PlatformCustomer>> {
		const wanted = [...new Set(emails.map((email) => email.toLowerCase()))];
		const found = new Map<string, PlatformCustomer>();
		for (let start = 0; start < wanted.length; start += LOOKUP_SIZE) {
			const chunk = wanted.slice(start, start + LOOKUP_SIZE);
			const where = chunk.map((email) => `EmailAddress!=null&&EmailAddress.ToLower()==${quote(email)}`).join(' OR ');
			for (let page = 1; ; page++) {
				const contacts = ((await this.call('GET', '/Contacts', { qs: { where, page: String(page) } })).Contacts as XeroRecord[] | undefined) ?? [];
				for (const contact of contacts) {
					const email = String(contact.EmailAddress ?? '').toLowerCase();
					if (chunk.includes(email) && !found.has(email)) found.set(email, toCustomer(contact));
				}
				if (contacts.length < XERO_PAGE_SIZE) break;
			}
		}
		return found;
	}

	/**
	 * New contacts in one PUT per 50 (summarizeErrors=false). Contact names are unique in Xero: a namesake of a contact
	 * Xero has, or of an earlier one in the same batch, gets the email beside the name.
	 */
	private async createContacts(parties: AccountingParty[]): Promise<Array<{ customer: PlatformCustomer } | { error: Error }>> {
		const outcomes: Array<{ customer: PlatformCustomer } | { error: Error }> = [];
		for (let start = 0; start < parties.length; start += XERO_BATCH_SIZE) {
			const chunk = parties.slice(start, start + XERO_BATCH_SIZE);
			const names = new Set<string>();
			const contacts = chunk.map((party) => {
				const contact = contactFields(party);
				const name = String(contact.Name).toLowerCase();
				if (names.has(name)) return { ...contact, Name: namesake(party) };
				names.add(name);
				return contact;
			});
			const answers = await this.writeMany('PUT', 'Contacts', contacts);
			for (const [index, answer] of answers.entries()) {
				if ('record' in answer) outcomes.push({ customer: toCustomer(answer.record) });
				else if (!isNameTaken(answer.error)) outcomes.push({ error: answer.error });
				else outcomes.push(await this.createNamesake(chunk[index], `ia-contact-${createHash('sha256').update(chunk[index].email.toLowerCase()).digest('base64url').slice(0, 40)}`).then((customer) => ({ customer }), (error: Error) => ({ error })));
			}
		}
		return outcomes;
	}

	private async createNamesake(party: AccountingParty, idempotencyKey: string): Promise<PlatformCustomer> {
		return toCustomer(await this.writeOne('PUT', 'Contacts', { ...contactFields(party), Name: namesake(party) }, `${idempotencyKey}-dup`));
	}

	async updateCustomer(id: string, party: AccountingParty): Promise<PlatformCustomer> {
		const { Name: _name, ...fields } = contactFields(party);
		return toCustomer(await this.writeOne('POST', 'Contacts', { ContactID: id, ...fields }));
	}

	async postEntry(kind: EntryKind, entry: NeutralEntry, context: PostContext): Promise<PostedEntry> {
		if (kind === 'payment') {
			const payment = entry as PaymentEntry;
			const invoice = await this.readDocument('Invoices', String(context.invoiceId));
			if (!invoice) throw new Error(`Xero has no invoice ${String(context.invoiceId)} to apply the payment to`);
			return paymentPosted(await this.pay(invoice, payment.amountMinor, payment.currency, payment.date, context.reference, context.idempotencyKey));
		}
		const lines = entry as LinesEntry;
		if (kind === 'refund') return documentPosted('CreditNotes', await this.writeOne('PUT', 'CreditNotes', this.document('ACCRECCREDIT', lines, context), context.idempotencyKey));
		const invoice = await this.createOrFindInvoice(lines, context);
		if (kind === 'invoice') return documentPosted('Invoices', invoice);
		// A sale is paid at once: the payment settles what the invoice still has due (all of it, unless a run died between the two).
		const due = minorOf(invoice.AmountDue, lines.currency);
		if (due > 0) {
			await this.pay(invoice, due, lines.currency, lines.date, context.reference, `${context.idempotencyKey}-pay`);
			return { ...documentPosted('Invoices', invoice), balanceMinor: 0, status: 'PAID' };
		}
		return documentPosted('Invoices', invoice);
	}

	async findEntry(kind: EntryKind, reference: string): Promise<PostedEntry | undefined> {
		if (kind === 'payment') {
			const answer = await this.call('GET', '/Payments', { qs: { where: `Reference==${quote(reference)}` } });
			const found = (answer.Payments as XeroRecord[] | undefined)?.[0];
			return found && paymentPosted(found);
		}
		if (kind === 'refund') {
			const answer = await this.call('GET', '/CreditNotes', { qs: { where: `CreditNoteNumber==${quote(reference)}` } });
			const found = (answer.CreditNotes as XeroRecord[] | undefined)?.[0];
			return found && documentPosted('CreditNotes', found);
		}
		const invoice = await this.invoiceNumbered(reference);
		// A sale whose payment never landed is not recorded yet: posting it again completes it.
		if (!invoice || (kind === 'sale' && Number(invoice.AmountDue) > 0)) return undefined;
		return documentPosted('Invoices', invoice);
	}

	/**
	 * What changed since `since`: contacts, sales invoices (ACCREC), credit notes and payments that Xero says were created
	 * or modified since then (`If-Modified-Since` on each list, 100 a page to the end). A voided or deleted document, a
	 * deleted payment and an archived contact come as deleted. The next pull starts at Xero's time of the first answer, so
	 * nothing changed while the lists were read is missed (it may come twice).
	 */
	async changesSince(since: string): Promise<ChangePage> {
		const changes: BookChange[] = [];
		let asOf: string | undefined;
		for (const collection of ['Contacts', 'Invoices', 'CreditNotes', 'Payments'] as const) {
			for (let page = 1; ; page++) {
				const answer = await this.call('GET', `/${collection}`, { qs: { page: String(page) }, headers: { 'If-Modified-Since': new Date(since).toISOString() } });
				asOf ??= msDateToIso(answer.DateTimeUTC);
				const records = (answer[collection] as XeroRecord[] | undefined) ?? [];
				for (const record of records) {
					const change = toChange(collection, record);
					if (change) changes.push(change);
				}
				if (records.length < XERO_PAGE_SIZE) break;
			}
		}
		return { changes: changes.sort((a, b) => a.updatedAt.localeCompare(b.updatedAt)), asOf: asOf ?? new Date().toISOString() };
	}

	async readEntry(kind: EntryKind, externalId: string): Promise<PostedEntry | undefined> {
		if (kind === 'payment') {
			const found = await this.readDocument('Payments', externalId);
			return found && paymentPosted(found);
		}
		const collection = kind === 'refund' ? 'CreditNotes' : 'Invoices';
		const found = await this.readDocument(collection, externalId);
		return found && documentPosted(collection, found);
	}

	/**
	 * Many entries of one kind in one request per step, each element answered on its own (summarizeErrors=false): sales
	 * are one PUT of invoices, then one PUT of payments for what each invoice still has due; an invoice whose number is
	 * taken (it landed earlier) is found by number and paid, never posted twice.
	 */
	private async postEntries(kind: EntryKind, posts: EntryPost[]): Promise<ElementOutcome[]> {
		if (kind === 'payment') {
			const answers = await this.writeMany('PUT', 'Payments', posts.map(({ entry, context }) => this.paymentBody(String(context.invoiceId), (entry as PaymentEntry).amountMinor, entry.currency, entry.date, context.reference)));
			return answers.map((answer) => ('error' in answer ? answer : { posted: paymentPosted(answer.record) }));
		}
		if (kind === 'refund') {
			const answers = await this.writeMany('PUT', 'CreditNotes', posts.map(({ entry, context }) => this.document('ACCRECCREDIT', entry as LinesEntry, context)));
			return answers.map((answer) => ('error' in answer ? answer : { posted: documentPosted('CreditNotes', answer.record) }));
		}
		const invoices = await this.createOrFindInvoices(posts);
		if (kind === 'invoice') return invoices.map((answer) => ('error' in answer ? answer : { posted: documentPosted('Invoices', answer.record) }));
		return await this.payInvoices(posts, invoices);
	}

	private async createOrFindInvoices(posts: EntryPost[]): Promise<WriteAnswer[]> {
		const answers = await this.writeMany('PUT', 'Invoices', posts.map(({ entry, context }) => this.document('ACCREC', entry as LinesEntry, context)));
		const taken = posts.filter((_, index) => isNumberTaken(answers[index]));
		if (taken.length === 0) return answers;
		const landed = await this.invoicesNumbered(taken.map(({ context }) => context.reference));
		return answers.map((answer, index) => {
			if (!isNumberTaken(answer)) return answer;
			const found = landed.get(posts[index].context.reference);
			return found ? { record: found } : answer;
		});
	}

	/** Sales are paid at once: one payment per invoice of what it still has due (all of it, unless a run died between). */
	private async payInvoices(posts: EntryPost[], invoices: WriteAnswer[]): Promise<ElementOutcome[]> {
		const due = posts.flatMap((post, index) => {
			const answer = invoices[index];
			if ('error' in answer) return [];
			const amountDue = minorOf(answer.record.AmountDue, post.entry.currency);
			return amountDue > 0 ? [{ index, body: this.paymentBody(String(answer.record.InvoiceID), amountDue, post.entry.currency, post.entry.date, post.context.reference) }] : [];
		});
		const payments = due.length === 0 ? [] : await this.writeMany('PUT', 'Payments', due.map(({ body }) => body));
		const paymentOf = new Map(due.map(({ index }, position) => [index, payments[position]]));
		return invoices.map((answer, index) => {
			if ('error' in answer) return answer;
			const payment = paymentOf.get(index);
			if (payment && 'error' in payment) return payment;
			return { posted: { ...documentPosted('Invoices', answer.record), balanceMinor: 0, status: 'PAID' } };
		});
	}

	/** Landed entries by reference, 25 references a request: invoices by number (a sale counts once paid), credit notes and payments by `where`. */
	private async findEntries(kind: EntryKind, references: string[]): Promise<Map<string, PostedEntry>> {
		const found = new Map<string, PostedEntry>();
		for (let start = 0; start < references.length; start += LOOKUP_SIZE) {
			const chunk = references.slice(start, start + LOOKUP_SIZE);
			if (kind === 'sale' || kind === 'invoice') {
				for (const [number, invoice] of await this.invoicesNumbered(chunk)) {
					if (kind === 'sale' && Number(invoice.AmountDue) > 0) continue;
					found.set(number, documentPosted('Invoices', invoice));
				}
				continue;
			}
			const [collection, field] = kind === 'refund' ? ['CreditNotes', 'CreditNoteNumber'] : ['Payments', 'Reference'];
			const answer = await this.call('GET', `/${collection}`, { qs: { where: chunk.map((reference) => `${field}==${quote(reference)}`).join(' OR ') } });
			for (const record of (answer[collection] as XeroRecord[] | undefined) ?? []) {
				const reference = String(record[field]);
				if (!chunk.includes(reference) || found.has(reference)) continue;
				found.set(reference, kind === 'refund' ? documentPosted('CreditNotes', record) : paymentPosted(record));
			}
		}
		return found;
	}

	/** The invoice numbered with the reference: created, or (when Xero says the number is taken) the one that landed. */
	private async createOrFindInvoice(entry: LinesEntry, context: PostContext): Promise<XeroRecord> {
		try {
			return await this.writeOne('PUT', 'Invoices', this.document('ACCREC', entry, context), context.idempotencyKey);
		} catch (error) {
			if (!(error instanceof PlatformApiError) || !/must be unique/.test(error.message)) throw error;
			const landed = await this.invoiceNumbered(context.reference);
			if (!landed) throw error;
			return landed;
		}
	}

	private async pay(invoice: XeroRecord, amountMinor: number, currency: string, date: string | undefined, reference: string, idempotencyKey: string): Promise<XeroRecord> {
		return await this.writeOne('PUT', 'Payments', this.paymentBody(String(invoice.InvoiceID), amountMinor, currency, date, reference), idempotencyKey);
	}

	private paymentBody(invoiceId: string, amountMinor: number, currency: string, date: string | undefined, reference: string): XeroRecord {
		return {
			Invoice: { InvoiceID: invoiceId },
			Account: { Code: this.settings.paymentAccount || '090' },
			Amount: Number(toMajorString(amountMinor, currency)),
			...(date ? { Date: date } : {}),
			Reference: reference,
		};
	}

	/** An AUTHORISED document: product lines to the sales account, shipping, the discount and the tax as lines of their own. */
	private document(type: 'ACCREC' | 'ACCRECCREDIT', entry: LinesEntry, context: PostContext): XeroRecord {
		const money = (minor: number) => Number(toMajorString(minor, entry.currency));
		const salesAccount = this.settings.salesAccount || '200';
		const lines: XeroRecord[] = entry.lines.map((line) => ({
			Description: line.description,
			Quantity: Number(line.quantity),
			UnitAmount: money(line.unitAmountMinor),
			AccountCode: salesAccount,
			...(line.sku && this.settings.items?.[line.sku] ? { ItemCode: this.settings.items[line.sku] } : {}),
			TaxType: (line.taxCode && this.settings.taxCodes?.[line.taxCode]) || 'NONE',
		}));
		if (entry.shippingMinor > 0) lines.push({ Description: 'Shipping', Quantity: 1, UnitAmount: money(entry.shippingMinor), AccountCode: salesAccount, TaxType: 'NONE' });
		if (entry.discountMinor > 0) lines.push({ Description: 'Discount', Quantity: 1, UnitAmount: -money(entry.discountMinor), AccountCode: salesAccount, TaxType: 'NONE' });
		if (entry.taxMinor > 0) lines.push({ Description: 'Sales tax', Quantity: 1, UnitAmount: money(entry.taxMinor), AccountCode: this.settings.taxAccount || '820', TaxType: 'NONE' });
		return {
			Type: type,
			Contact: context.customerId ? { ContactID: context.customerId } : { Name: 'Cash sales' },
			Status: 'AUTHORISED',
			[type === 'ACCREC' ? 'InvoiceNumber' : 'CreditNoteNumber']: context.reference,
			Reference: entry.memo ?? `Source transaction ${entry.sourceId}`,
			...(entry.date ? { Date: entry.date } : {}),
			...(type === 'ACCREC' ? { DueDate: entry.dueDate ?? entry.date ?? new Date().toISOString().slice(0, 10) } : {}),
			CurrencyCode: entry.currency,
			LineAmountTypes: 'Exclusive',
			LineItems: lines,
		};
	}

	private async invoiceNumbered(number: string): Promise<XeroRecord | undefined> {
		return (await this.invoicesNumbered([number])).get(number);
	}

	/** Sales invoices by number, in one request (Xero's InvoiceNumbers takes a comma-separated list). */
	private async invoicesNumbered(numbers: string[]): Promise<Map<string, XeroRecord>> {
		const answer = await this.call('GET', '/Invoices', { qs: { InvoiceNumbers: numbers.join(',') } });
		const wanted = new Set(numbers);
		const invoices = ((answer.Invoices as XeroRecord[] | undefined) ?? []).filter((invoice) => invoice.Type === 'ACCREC' && wanted.has(invoice.InvoiceNumber));
		return new Map(invoices.map((invoice) => [String(invoice.InvoiceNumber), invoice]));
	}

	private async readDocument(collection: string, id: string): Promise<XeroRecord | undefined> {
		try {
			return ((await this.call('GET', `/${collection}/${encodeURIComponent(id)}`))[collection] as XeroRecord[] | undefined)?.[0];
		} catch (error) {
			if (error instanceof PlatformApiError && error.status === 404) return undefined;
			throw error;
		}
	}

	/**
	 * One element written; Xero's key replays whatever first answered it, so it covers the body too: a repeat of the
	 * same write is a replay and a corrected one a new request.
	 */
	private async writeOne(method: 'PUT' | 'POST', collection: string, element: XeroRecord, idempotencyKey?: string): Promise<XeroRecord> {
		const body = { [collection]: [element] };
		const key = idempotencyKey && `${idempotencyKey.slice(0, 60)}-${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 40)}`;
		const answer = await this.call(method, `/${collection}`, { body, headers: key ? { 'Idempotency-Key': key } : {} });
		return (answer[collection] as XeroRecord[])[0];
	}

	/**
	 * Many elements in one request with summarizeErrors=false: Xero answers 200 with every element in the order sent,
	 * each saved or carrying its own ValidationErrors. The Idempotency-Key covers the body, so the transport's retry of
	 * a lost answer is replayed, not applied twice.
	 */
	private async writeMany(method: 'PUT' | 'POST', collection: string, elements: XeroRecord[]): Promise<WriteAnswer[]> {
		const body = { [collection]: elements };
		const key = `ia-batch-${createHash('sha256').update(`${this.settings.tenantId}\u0000${method}\u0000${collection}\u0000${JSON.stringify(body)}`).digest('base64url')}`;
		const answer = await this.call(method, `/${collection}`, { qs: { summarizeErrors: 'false' }, body, headers: { 'Idempotency-Key': key } });
		const records = answer[collection] as XeroRecord[] | undefined;
		if (!Array.isArray(records) || records.length !== elements.length) {
			throw new PlatformApiError({ platform: 'xero', message: `Xero answered ${Array.isArray(records) ? records.length : 'no'} ${collection} for the ${elements.length} sent`, retryable: false, attempts: 1 });
		}
		return records.map((record) => {
			const messages = ((record.ValidationErrors as XeroRecord[] | undefined) ?? []).map((entry) => String(entry.Message));
			if (messages.length === 0 && record.StatusAttributeString !== 'ERROR') return { record };
			return { error: new PlatformApiError({ platform: 'xero', message: messages.join('; ') || `Xero refused the element of ${collection}`, status: 400, code: 'ValidationException', retryable: false, attempts: 1 }) };
		});
	}

	private async call(method: 'GET' | 'PUT' | 'POST', path: string, options: { qs?: Record<string, string>; body?: unknown; headers?: Record<string, string> } = {}): Promise<XeroRecord> {
		return await this.transport.request<XeroRecord>({ method, url: `${API}${path}`, qs: options.qs, body: options.body, headers: { 'xero-tenant-id': this.settings.tenantId, ...options.headers } });
	}
}

/** One element of a batch write: saved, or refused with its own validation errors. */
type WriteAnswer = { record: XeroRecord } | { error: PlatformApiError };

/** Xero refused the invoice because its number is taken: it landed earlier. */
const isNumberTaken = (answer: WriteAnswer) => 'error' in answer && /must be unique/.test(answer.error.message);

/** Xero refused a contact because another active contact has its name. */
const isNameTaken = (error: unknown) => error instanceof PlatformApiError && /already assigned to another contact/.test(error.message);

/** The name a namesake is created under: the email beside the name. */
const namesake = (party: AccountingParty) => `${String(contactFields(party).Name)} (${party.email})`;

/** A string literal of Xero's `where` filter. */
function quote(value: string): string {
	return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function contactFields(party: AccountingParty): XeroRecord {
	return {
		Name: party.company || party.name || party.email,
		EmailAddress: party.email,
		...(party.name ? { FirstName: party.name.split(' ')[0], LastName: party.name.split(' ').slice(1).join(' ') || undefined } : {}),
		...(party.phone ? { Phones: [{ PhoneType: 'DEFAULT', PhoneNumber: party.phone }] } : {}),
	};
}

function toCustomer(contact: XeroRecord): PlatformCustomer {
	return { id: String(contact.ContactID), email: contact.EmailAddress, name: contact.Name };
}

function minorOf(value: unknown, currency: string): number {
	const minor = toMinorExact(value, currency);
	if (minor === undefined) throw new Error(`Xero answered an amount that is not ${currency}: ${JSON.stringify(value)}`);
	return Number(minor);
}

function documentPosted(collection: string, document: XeroRecord): PostedEntry {
	const currency = String(document.CurrencyCode ?? 'USD');
	const invoice = collection === 'Invoices';
	return {
		externalId: String(invoice ? document.InvoiceID : document.CreditNoteID),
		externalType: String(document.Type),
		number: invoice ? document.InvoiceNumber : document.CreditNoteNumber,
		totalMinor: minorOf(document.Total ?? 0, currency),
		currency,
		balanceMinor: invoice ? minorOf(document.AmountDue ?? 0, currency) : minorOf(document.RemainingCredit ?? 0, currency),
		status: document.Status,
	};
}

/** Xero's `/Date(1551399323399+0000)/` as ISO 8601 (undefined when it is not one). */
function msDateToIso(value: unknown): string | undefined {
	const ms = /^\/Date\((-?\d+)/.exec(String(value ?? ''))?.[1];
	return ms === undefined ? undefined : new Date(Number(ms)).toISOString();
}

const GONE = new Set(['VOIDED', 'DELETED', 'ARCHIVED']);

/** One changed record in the package's words; bills and supplier credit notes (ACCPAY…) are not the package's. */
function toChange(collection: 'Contacts' | 'Invoices' | 'CreditNotes' | 'Payments', record: XeroRecord): BookChange | undefined {
	const updatedAt = msDateToIso(record.UpdatedDateUTC) ?? '';
	if (collection === 'Contacts') {
		return { kind: 'customer', externalId: String(record.ContactID), externalType: 'Contact', deleted: GONE.has(record.ContactStatus), email: record.EmailAddress, updatedAt };
	}
	if (collection === 'Payments') {
		if (record.Invoice?.Type && record.Invoice.Type !== 'ACCREC') return undefined;
		return { ...paymentPosted(record), kind: 'payment', deleted: GONE.has(record.Status), updatedAt };
	}
	if (record.Type !== 'ACCREC' && record.Type !== 'ACCRECCREDIT') return undefined;
	const posted = documentPosted(collection, record);
	// A sale is an invoice too: the package tells them apart by what it recorded.
	return { ...posted, kind: collection === 'Invoices' ? 'invoice' : 'refund', deleted: GONE.has(record.Status), updatedAt };
}

function paymentPosted(payment: XeroRecord): PostedEntry {
	const currency = String(payment.Invoice?.CurrencyCode ?? 'USD');
	return { externalId: String(payment.PaymentID), externalType: 'Payment', number: payment.Reference, totalMinor: minorOf(payment.Amount ?? 0, currency), currency, status: payment.Status };
}
