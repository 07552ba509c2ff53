import { toMajorString, toMinorExact } from '../../records/money';
import { PlatformApiError } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import type { HttpMethod } from '../../transport/types';
import type {
	AccountingConnector,
	AccountingParty,
	AccountingSettings,
	EntryKind,
	LinesEntry,
	NeutralEntry,
	PaymentEntry,
	PlatformCustomer,
	PostContext,
	PostedEntry,
} from '../accounting';

type Record_ = Record<string, any>;

export interface FreshBooksSettings extends AccountingSettings {
	accountId: string;
}

/** How often a create whose answer was lost is looked up and sent again. */
const UNSURE_ATTEMPTS = 3;

/**
 * FreshBooks' Accounting API for one business account. FreshBooks takes no idempotency key, so no create is retried
 * blindly: the transport surfaces a lost answer at once, and the connector looks for what may have landed (an invoice
 * or credit note by its number, a payment by the reference in its note, a client by email) before it sends again. A
 * sale is an invoice numbered with the entry's reference and a payment of what it still has outstanding.
 */
export class FreshBooksAccounting implements AccountingConnector {
	readonly platform = 'freshbooks';

	constructor(
		private readonly transport: Transport,
		private readonly settings: FreshBooksSettings,
	) {
		if (!settings.accountId) throw new Error('The FreshBooks credential\'s Account ID is empty: set it to the business account the entries go to');
	}

	async findCustomer(email: string): Promise<PlatformCustomer | undefined> {
		const [client] = await this.list('users/clients', 'clients', { 'search[email]': email }, 1);
		return client && toCustomer(client);
	}

	async createCustomer(party: AccountingParty): Promise<PlatformCustomer> {
		const client = await this.createUnsure('users/clients', 'client', clientFields(party), () => this.findCustomerRecord(party.email));
		return toCustomer(client);
	}

	async updateCustomer(id: string, party: AccountingParty): Promise<PlatformCustomer> {
		const answer = await this.call('PUT', `users/clients/${encodeURIComponent(id)}`, { client: clientFields(party) });
		return toCustomer(answer.client);
	}

	async postEntry(kind: EntryKind, entry: NeutralEntry, context: PostContext): Promise<PostedEntry> {
		if (kind === 'payment') {
			const payment = entry as PaymentEntry;
			const invoice = await this.read('invoices/invoices', 'invoice', String(context.invoiceId));
			if (!invoice) throw new Error(`FreshBooks has no invoice ${String(context.invoiceId)} to apply the payment to`);
			return paymentPosted(await this.pay(invoice, payment.amountMinor, payment.currency, payment.date, context.reference), invoice.currency_code);
		}
		const lines = entry as LinesEntry;
		if (!context.customerId) throw new Error('FreshBooks needs a client for every invoice and credit note: give the Customer Email');
		if (kind === 'refund') {
			const note = await this.createUnsure('credit_notes/credit_notes', 'credit_note', this.document(lines, context, 'credit_note_number'), () => this.creditNoteNumbered(context.reference));
			return documentPosted('credit_note', note);
		}
		const invoice = (await this.invoiceNumbered(context.reference)) ?? (await this.createUnsure('invoices/invoices', 'invoice', this.document(lines, context, 'invoice_number'), () => this.invoiceNumbered(context.reference)));
		if (kind === 'invoice') return documentPosted('invoice', invoice);
		const outstanding = minorOf(invoice.outstanding?.amount ?? 0, invoice.currency_code);
		if (outstanding > 0) await this.pay(invoice, outstanding, lines.currency, lines.date, context.reference);
		return { ...documentPosted('invoice', invoice), balanceMinor: 0, status: 'paid' };
	}

	async findEntry(kind: EntryKind, reference: string): Promise<PostedEntry | undefined> {
		if (kind === 'payment') {
			const payment = await this.paymentNoted(reference);
			return payment && paymentPosted(payment, payment.amount?.code ?? 'USD');
		}
		if (kind === 'refund') {
			const note = await this.creditNoteNumbered(reference);
			return note && documentPosted('credit_note', note);
		}
		const invoice = await this.invoiceNumbered(reference);
		// A sale whose payment never landed is not recorded yet: posting it again pays it.
		if (!invoice || (kind === 'sale' && minorOf(invoice.outstanding?.amount ?? 0, invoice.currency_code) > 0)) return undefined;
		return documentPosted('invoice', invoice);
	}

	async readEntry(kind: EntryKind, externalId: string): Promise<PostedEntry | undefined> {
		if (kind === 'payment') {
			const payment = await this.read('payments/payments', 'payment', externalId);
			return payment && paymentPosted(payment, payment.amount?.code ?? 'USD');
		}
		const singular = kind === 'refund' ? 'credit_note' : 'invoice';
		const found = await this.read(kind === 'refund' ? 'credit_notes/credit_notes' : 'invoices/invoices', singular, externalId);
		return found && documentPosted(singular, found);
	}

	private async pay(invoice: Record_, amountMinor: number, currency: string, date: string | undefined, reference: string): Promise<Record_> {
		const landed = await this.paymentNoted(reference, invoice.id);
		if (landed) return landed;
		return await this.createUnsure('payments/payments', 'payment', {
			invoiceid: invoice.id,
			amount: { amount: toMajorString(amountMinor, currency) },
			date: date ?? new Date().toISOString().slice(0, 10),
			type: 'Other',
			note: reference,
		}, () => this.paymentNoted(reference, invoice.id));
	}

	/** Lines, then shipping, the discount (a negative line) and the tax as lines of their own, so the total is exact. */
	private document(entry: LinesEntry, context: PostContext, numberField: 'invoice_number' | 'credit_note_number'): Record_ {
		const cost = (minor: number) => ({ amount: toMajorString(minor, entry.currency), code: entry.currency });
		const lines: Record_[] = entry.lines.map((line) => ({ type: 0, name: line.description, description: line.sku ?? '', qty: line.quantity, unit_cost: cost(line.unitAmountMinor) }));
		if (entry.shippingMinor > 0) lines.push({ type: 0, name: 'Shipping', qty: '1', unit_cost: cost(entry.shippingMinor) });
		if (entry.discountMinor > 0) lines.push({ type: 0, name: 'Discount', qty: '1', unit_cost: cost(-entry.discountMinor) });
		if (entry.taxMinor > 0) lines.push({ type: 0, name: 'Sales tax', qty: '1', unit_cost: cost(entry.taxMinor) });
		return {
			customerid: Number(context.customerId),
			create_date: entry.date ?? new Date().toISOString().slice(0, 10),
			...(entry.dueDate ? { due_date: entry.dueDate } : {}),
			[numberField]: context.reference,
			currency_code: entry.currency,
			notes: entry.memo ?? `Source transaction ${entry.sourceId}`,
			lines,
		};
	}

	/**
	 * A create FreshBooks cannot dedupe: sent without blind retries; when its answer is lost (or a 5xx leaves it unknown)
	 * `landed` looks for it, and only when it is not there is it sent again.
	 */
	private async createUnsure(path: string, singular: string, body: Record_, landed: () => Promise<Record_ | undefined>): Promise<Record_> {
		for (let attempt = 1; ; attempt++) {
			try {
				return (await this.call('POST', path, { [singular]: body }, false))[singular];
			} catch (error) {
				const unknown = error instanceof PlatformApiError && (error.status === undefined || error.status >= 500);
				if (!unknown) throw error;
				const found = await landed();
				if (found) return found;
				if (attempt >= UNSURE_ATTEMPTS) throw error;
			}
		}
	}

	private async findCustomerRecord(email: string): Promise<Record_ | undefined> {
		return (await this.list('users/clients', 'clients', { 'search[email]': email }, 1))[0];
	}

	private async invoiceNumbered(number: string): Promise<Record_ | undefined> {
		return (await this.list('invoices/invoices', 'invoices', { 'search[invoice_number]': number }, 1)).find((invoice) => invoice.invoice_number === number);
	}

	private async creditNoteNumbered(number: string): Promise<Record_ | undefined> {
		return (await this.list('credit_notes/credit_notes', 'credit_notes', { 'search[credit_note_number]': number }, 1)).find((note) => note.credit_note_number === number);
	}

	/** The payment whose note is the reference: among the invoice's payments, or (without one) every payment's. */
	private async paymentNoted(reference: string, invoiceId?: number): Promise<Record_ | undefined> {
		const payments = await this.list('payments/payments', 'payments', invoiceId === undefined ? {} : { 'search[invoiceid]': String(invoiceId) });
		return payments.find((payment) => payment.note === reference);
	}

	private async read(path: string, singular: string, id: string): Promise<Record_ | undefined> {
		try {
			return (await this.call('GET', `${path}/${encodeURIComponent(id)}`))[singular];
		} catch (error) {
			if (error instanceof PlatformApiError && error.status === 404) return undefined;
			throw error;
		}
	}

	/** Every record of a list, 100 a page, up to `limit`. */
	private async list(path: string, plural: string, search: Record<string, string>, limit = Infinity): Promise<Record_[]> {
		const found: Record_[] = [];
		for (let page = 1; found.length < limit; page++) {
			const answer = await this.call('GET', path, undefined, true, { ...search, page: String(page), per_page: '100' });
			found.push(...((answer[plural] as Record_[] | undefined) ?? []));
			if (page >= Number(answer.pages ?? 1)) break;
		}
		return found.slice(0, limit);
	}

	private async call(method: HttpMethod, path: string, body?: unknown, replaySafe = true, qs?: Record<string, string>): Promise<Record_> {
		const answer = await this.transport.send({ method, url: `/accounting/account/${encodeURIComponent(this.settings.accountId)}/${path}`, body, qs }, { replaySafe });
		return ((answer.body as Record_ | undefined)?.response?.result ?? {}) as Record_;
	}
}

function clientFields(party: AccountingParty): Record_ {
	const [fname = '', ...rest] = (party.name ?? '').split(' ');
	return { email: party.email, fname, lname: rest.join(' '), organization: party.company ?? '', ...(party.phone ? { mob_phone: party.phone } : {}) };
}

function toCustomer(client: Record_): PlatformCustomer {
	return { id: String(client.id), email: client.email, name: client.organization || `${client.fname ?? ''} ${client.lname ?? ''}`.trim() };
}

function minorOf(value: unknown, currency: string): number {
	const minor = toMinorExact(value, currency);
	if (minor === undefined) throw new Error(`FreshBooks answered an amount that is not ${currency}: ${JSON.stringify(value)}`);
	return Number(minor);
}

function documentPosted(singular: 'invoice' | 'credit_note', document: Record_): PostedEntry {
	const currency = String(document.currency_code ?? 'USD');
	return {
		externalId: String(document.id),
		externalType: singular,
		number: singular === 'invoice' ? document.invoice_number : document.credit_note_number,
		totalMinor: minorOf(document.amount?.amount ?? 0, currency),
		currency,
		balanceMinor: singular === 'invoice' ? minorOf(document.outstanding?.amount ?? 0, currency) : undefined,
		status: document.v3_status,
	};
}

function paymentPosted(payment: Record_, currency: string): PostedEntry {
	return { externalId: String(payment.id), externalType: 'payment', number: payment.note, totalMinor: minorOf(payment.amount?.amount ?? 0, currency), currency };
}
