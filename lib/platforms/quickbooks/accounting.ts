import { createHash } from 'node:crypto';

import { PlatformApiError } from '../../transport/errors';
import type { Transport } from '../../transport/transport';
import type { HttpMethod } from '../../transport/types';
import { toMajorString, toMinorExact } from '../../records/money';
import type {
	AccountingConnector,
	AccountingParty,
	AccountingSettings,
	BookChange,
	ChangePage,
	EntryKind,
	LinesEntry,
	NeutralEntry,
	PaymentEntry,
	PlatformCustomer,
	PostContext,
	PostedEntry,
} from '../accounting';
import { QUICKBOOKS_MINOR_VERSION, quickBooksFault } from './profile';

type QboRecord = Record<string, any>;

/** The QuickBooks document each neutral entry becomes: a paid sale is a SalesReceipt, a refund a RefundReceipt. */
/** QuickBooks answers at most this many changed objects of one entity per change data capture call. */
const CDC_MAX_PER_ENTITY = 1000;

const DOCUMENTS: Record<EntryKind, { entity: string; path: string }> = {
	sale: { entity: 'SalesReceipt', path: 'salesreceipt' },
	refund: { entity: 'RefundReceipt', path: 'refundreceipt' },
	invoice: { entity: 'Invoice', path: 'invoice' },
	payment: { entity: 'Payment', path: 'payment' },
};

/** How often an update meets a concurrent edit (5010 Stale Object Error), re-reads and tries again. */
const STALE_RETRIES = 5;

export interface QuickBooksSettings extends AccountingSettings {
	realmId: string;
}

/**
 * QuickBooks Online's Accounting API v3 for one company (realm): every request pins `minorversion`; every write carries
 * the attempt's `requestid`, so the transport's retry of a lost response gets the first response back; updates send
 * the SyncToken just read and, refused as stale (5010), read again and re-apply; entries are found again by DocNumber.
 */
export class QuickBooksAccounting implements AccountingConnector {
	readonly platform = 'quickbooks';
	private depositAccount?: Promise<string>;

	constructor(
		private readonly transport: Transport,
		private readonly settings: QuickBooksSettings,
	) {
		if (!/^\d+$/.test(settings.realmId ?? '')) throw new Error(`QuickBooks realm ID must be the company's number, got ${JSON.stringify(settings.realmId)}`);
	}

	async findCustomer(email: string): Promise<PlatformCustomer | undefined> {
		const [customer] = await this.query('Customer', `PrimaryEmailAddr = ${quote(email)}`);
		return customer && toCustomer(customer);
	}

	async createCustomer(party: AccountingParty, idempotencyKey: string): Promise<PlatformCustomer> {
		const body = customerFields(party);
		try {
			return toCustomer(await this.write('Customer', 'customer', body, idempotencyKey));
		} catch (error) {
			// Display names are unique across customers: a namesake with another email gets the email beside the name.
			if (!(error instanceof PlatformApiError) || error.code !== '6240') throw error;
			return toCustomer(await this.write('Customer', 'customer', { ...body, DisplayName: `${body.DisplayName} (${party.email})` }, `${idempotencyKey.slice(0, 46)}-dup`));
		}
	}

	async updateCustomer(id: string, party: AccountingParty): Promise<PlatformCustomer> {
		const { DisplayName: _name, ...fields } = customerFields(party);
		for (let attempt = 1; ; attempt++) {
			const current = await this.read('Customer', 'customer', id);
			if (!current) throw new Error(`QuickBooks has no customer ${id} any more`);
			try {
				return toCustomer(await this.write('Customer', 'customer', { ...fields, Id: id, SyncToken: current.SyncToken, sparse: true }));
			} catch (error) {
				if (!isStale(error) || attempt >= STALE_RETRIES) throw error;
			}
		}
	}

	async postEntry(kind: EntryKind, entry: NeutralEntry, context: PostContext): Promise<PostedEntry> {
		const { entity, path } = DOCUMENTS[kind];
		const body = kind === 'payment' ? await this.paymentBody(entry as PaymentEntry, context) : await this.linesBody(kind, entry as LinesEntry, context);
		return toPosted(entity, await this.write(entity, path, body, context.idempotencyKey));
	}

	async findEntry(kind: EntryKind, reference: string): Promise<PostedEntry | undefined> {
		const { entity } = DOCUMENTS[kind];
		const [found] = await this.query(entity, `DocNumber = ${quote(reference)}`);
		return found && toPosted(entity, found);
	}

	/**
	 * Change data capture: every customer and document changed or deleted since `since` (QuickBooks keeps 30 days and
	 * answers at most 1,000 objects per entity; a pull that reaches 1,000 of one entity is refused rather than cut).
	 */
	async changesSince(since: string): Promise<ChangePage> {
		const entities = ['Customer', ...Object.values(DOCUMENTS).map(({ entity }) => entity)];
		const answer = await this.call('GET', 'cdc', { entities: entities.join(','), changedSince: since });
		const responses = (answer.CDCResponse?.[0]?.QueryResponse ?? []) as QboRecord[];
		const changes: BookChange[] = [];
		for (const response of responses) {
			for (const entity of entities) {
				const records = (response[entity] ?? []) as QboRecord[];
				if (records.length >= CDC_MAX_PER_ENTITY) throw new Error(`QuickBooks answered ${CDC_MAX_PER_ENTITY} changed ${entity} records, its most per pull: pull from a later time, in shorter spans`);
				for (const record of records) changes.push(toChange(entity, record));
			}
		}
		return { changes: changes.sort((a, b) => a.updatedAt.localeCompare(b.updatedAt)), asOf: String(answer.time ?? new Date().toISOString()) };
	}

	async readEntry(kind: EntryKind, externalId: string): Promise<PostedEntry | undefined> {
		const { entity, path } = DOCUMENTS[kind];
		const found = await this.read(entity, path, externalId);
		return found && toPosted(entity, found);
	}

	private async linesBody(kind: EntryKind, entry: LinesEntry, context: PostContext): Promise<QboRecord> {
		const { currency } = entry;
		const amount = (minor: number) => Number(toMajorString(minor, currency));
		const lines: QboRecord[] = entry.lines.map((line) => ({
			Amount: amount(line.amountMinor),
			Description: line.description,
			DetailType: 'SalesItemLineDetail',
			SalesItemLineDetail: {
				ItemRef: { value: (line.sku && this.settings.items?.[line.sku]) || this.settings.defaultItem || '1' },
				Qty: Number(line.quantity),
				UnitPrice: amount(line.unitAmountMinor),
				...(line.taxCode ? { TaxCodeRef: { value: this.settings.taxCodes?.[line.taxCode] ?? line.taxCode } } : {}),
			},
		}));
		if (entry.shippingMinor > 0) lines.push({ Amount: amount(entry.shippingMinor), Description: 'Shipping', DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: 'SHIPPING_ITEM_ID' } } });
		if (entry.discountMinor > 0) lines.push({ Amount: amount(entry.discountMinor), DetailType: 'DiscountLineDetail', DiscountLineDetail: { PercentBased: false } });
		return {
			DocNumber: context.reference,
			PrivateNote: entry.memo ?? `Source transaction ${entry.sourceId}`,
			...(entry.date ? { TxnDate: entry.date } : {}),
			...(entry.dueDate && kind === 'invoice' ? { DueDate: entry.dueDate } : {}),
			CurrencyRef: { value: currency },
			...(context.customerId ? { CustomerRef: { value: context.customerId } } : {}),
			...(kind === 'refund' ? { DepositToAccountRef: { value: await this.paymentAccount() } } : {}),
			...(entry.customer ? { BillEmail: { Address: entry.customer.email } } : {}),
			Line: lines,
			...(entry.taxMinor > 0 ? { TxnTaxDetail: { TotalTax: amount(entry.taxMinor) } } : {}),
		};
	}

	/** A payment applies to one invoice; its customer is the invoice's. */
	private async paymentBody(entry: PaymentEntry, context: PostContext): Promise<QboRecord> {
		const invoice = context.invoiceId ? await this.read('Invoice', 'invoice', context.invoiceId) : undefined;
		if (!invoice) throw new Error(`QuickBooks has no invoice ${String(context.invoiceId)} to apply the payment to`);
		const amount = Number(toMajorString(entry.amountMinor, entry.currency));
		return {
			DocNumber: context.reference,
			PrivateNote: entry.memo ?? `Source transaction ${entry.sourceId}`,
			...(entry.date ? { TxnDate: entry.date } : {}),
			CustomerRef: invoice.CustomerRef,
			CurrencyRef: { value: entry.currency },
			TotalAmt: amount,
			...(this.settings.paymentAccount ? { DepositToAccountRef: { value: this.settings.paymentAccount } } : {}),
			Line: [{ Amount: amount, LinkedTxn: [{ TxnId: invoice.Id, TxnType: 'Invoice' }] }],
		};
	}

	/** The account refunds are paid from: the configured one, else the company's first bank account. */
	private paymentAccount(): Promise<string> {
		if (this.settings.paymentAccount) return Promise.resolve(this.settings.paymentAccount);
		this.depositAccount ??= this.query('Account', "AccountType = 'Bank'", 1).then(([account]) => {
			if (!account) throw new Error('QuickBooks has no bank account to pay refunds from: set Payment Account in the node');
			return String(account.Id);
		});
		return this.depositAccount;
	}

	private company(path: string): string {
		return `/v3/company/${this.settings.realmId}/${path}`;
	}

	private async call(method: HttpMethod, path: string, qs: Record<string, string> = {}, body?: unknown): Promise<QboRecord> {
		return await this.transport.request<QboRecord>({ method, url: this.company(path), qs: { minorversion: QUICKBOOKS_MINOR_VERSION, ...qs }, body });
	}

	/**
	 * QuickBooks replays whatever first answered a requestid, refusals included: the id covers the body too, so a repeat
	 * of the same write is a replay and a corrected one (another item mapping) a new request.
	 */
	private async write(entity: string, path: string, body: QboRecord, idempotencyKey?: string): Promise<QboRecord> {
		const requestId = idempotencyKey && createHash('sha256').update(`${idempotencyKey}\u0000${JSON.stringify(body)}`).digest('base64url').slice(0, 40);
		const answer = await this.call('POST', path, requestId ? { requestid: requestId } : {}, body);
		return answer[entity] as QboRecord;
	}

	/** The record, or undefined when QuickBooks answers Object Not Found (610). */
	private async read(entity: string, path: string, id: string): Promise<QboRecord | undefined> {
		try {
			return (await this.call('GET', `${path}/${encodeURIComponent(id)}`))[entity] as QboRecord;
		} catch (error) {
			if (error instanceof PlatformApiError && (error.code === '610' || error.status === 404)) return undefined;
			throw error;
		}
	}

	/** Every record of `entity` matching `where`, page by page (STARTPOSITION / MAXRESULTS), up to `limit`. */
	private async query(entity: string, where: string, limit = Infinity): Promise<QboRecord[]> {
		const found: QboRecord[] = [];
		const pageSize = Math.min(1000, limit);
		for (let start = 1; found.length < limit; start += pageSize) {
			const answer = await this.call('GET', 'query', { query: `SELECT * FROM ${entity} WHERE ${where} STARTPOSITION ${start} MAXRESULTS ${pageSize}` });
			const page = (answer.QueryResponse?.[entity] ?? []) as QboRecord[];
			found.push(...page);
			if (page.length < pageSize) break;
		}
		return found.slice(0, limit);
	}
}

/** A string literal of the query language: single quotes, a quote inside escaped with a backslash. */
export function quote(value: string): string {
	return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function isStale(error: unknown): boolean {
	return error instanceof PlatformApiError && (error.code === '5010' || quickBooksFault(error.responseBody)?.code === '5010');
}

function customerFields(party: AccountingParty): QboRecord {
	return {
		DisplayName: party.name || party.company || party.email,
		PrimaryEmailAddr: { Address: party.email },
		...(party.company ? { CompanyName: party.company } : {}),
		...(party.phone ? { PrimaryPhone: { FreeFormNumber: party.phone } } : {}),
	};
}

function toCustomer(record: QboRecord): PlatformCustomer {
	return { id: String(record.Id), email: record.PrimaryEmailAddr?.Address, name: record.DisplayName };
}

function minorOf(value: unknown, currency: string): number {
	const minor = toMinorExact(value, currency);
	if (minor === undefined) throw new Error(`QuickBooks answered an amount that is not ${currency}: ${JSON.stringify(value)}`);
	return Number(minor);
}

const KIND_OF: Record<string, BookChange['kind']> = { Customer: 'customer', ...Object.fromEntries(Object.entries(DOCUMENTS).map(([kind, { entity }]) => [entity, kind as EntryKind])) };

function toChange(entity: string, record: QboRecord): BookChange {
	const updatedAt = String(record.MetaData?.LastUpdatedTime ?? '');
	if (record.status === 'Deleted') return { kind: KIND_OF[entity], externalId: String(record.Id), externalType: entity, deleted: true, updatedAt };
	if (entity === 'Customer') return { kind: 'customer', externalId: String(record.Id), externalType: entity, deleted: false, email: record.PrimaryEmailAddr?.Address, updatedAt };
	return { ...toPosted(entity, record), kind: KIND_OF[entity], deleted: false, updatedAt };
}

function toPosted(entity: string, record: QboRecord): PostedEntry {
	const currency = String(record.CurrencyRef?.value ?? 'USD');
	return {
		externalId: String(record.Id),
		externalType: entity,
		number: record.DocNumber === undefined ? undefined : String(record.DocNumber),
		totalMinor: minorOf(record.TotalAmt ?? 0, currency),
		currency,
		balanceMinor: record.Balance === undefined ? undefined : minorOf(record.Balance, currency),
	};
}
