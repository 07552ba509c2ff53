/**
 * The Xero sandbox: Accounting API 2.0 under `/api.xro/2.0/` for one organisation, an OAuth2 bearer token and the
 * `xero-tenant-id` header (a missing or other tenant is 403 AuthenticationUnsuccessful); Contacts, Invoices (ACCREC,
 * ACCPAY), Payments against invoices, CreditNotes, Accounts, TaxRates, Items (a line's ItemCode must be one), Currencies
 * (the organisation's: its base currency and those added), Organisation; an approved document without payments voided by
 * POST with Status VOIDED; `If-Modified-Since` on lists (records changed at or after it, by UpdatedDateUTC); writes take arrays (`{"Invoices":
 * [...]}`), PUT creates and POST creates or updates; `summarizeErrors=false` answers 200 with each element's
 * `ValidationErrors`, otherwise one invalid element fails the request with a 400 ValidationException and saves
 * nothing; `Idempotency-Key` (at most 128 characters) replays the first answer; `where` (`Field=="value"`, a field
 * lowered with `.ToLower()`, joined by AND and OR), `InvoiceNumbers`, `searchTerm` and `page` (100 a page) on lists. Limits per tenant: 60 calls a minute, 5,000 a
 * day and 5 at once, plus 10,000 a minute for the app, reported on every answer in `X-MinLimit-Remaining`,
 * `X-DayLimit-Remaining` and `X-AppMinLimit-Remaining`; a refusal is 429 with `Retry-After` and `X-Rate-Limit-Problem`.
 */
import { randomUUID } from 'node:crypto';
import { isCurrencyCode } from '../../../lib/records/money';
import { ConnectionLimit } from '../framework/connections';
import { controlError } from '../framework/control';
import { IdempotencyCache } from '../framework/idempotency';
import type { Router } from '../framework/router';
import { SandboxError, type Handler, type SandboxRequest, type SandboxResponse, type VendorSandboxFactory } from '../framework/types';

export const xeroAccessToken = 'sandbox-xero-access-token';
export const xeroTenantId = '6b3d4a8e-7f1c-4e0a-9d2b-5c1e8f3a7b90';
export const XERO_CONCURRENT_LIMIT = 5;

const API = '/api.xro/2.0';
const PAGE_SIZE = 100;
const IDEMPOTENCY_KEY_MAX = 128;
/** A single POST or PUT to the Accounting API takes at most 3.5 MB; the number of elements in it is not limited. */
export const XERO_MAX_REQUEST_BYTES = 3.5 * 1024 * 1024;

type XeroRecord = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const msDate = (ms: number) => `/Date(${ms}+0000)/`;
const dayMs = (date: string) => Date.parse(`${date}T00:00:00Z`);
const cents = (value: number) => Math.round(value * 100);
const amount = (centsValue: number) => centsValue / 100;

/** Xero's problem body for a refused token or tenant. */
function problem(status: number, title: string, detail: string): SandboxResponse {
	return { status, body: { Type: null, Title: title, Status: status, Detail: detail, Instance: randomUUID(), Extensions: {} } };
}

function validationException(elements: XeroRecord[]): SandboxResponse {
	return { status: 400, body: { ErrorNumber: 10, Type: 'ValidationException', Message: 'A validation exception occurred', Elements: elements } };
}

function tooMany(problemName: string, retryAfterMs: number): SandboxResponse {
	return {
		status: 429,
		headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))), 'X-Rate-Limit-Problem': problemName },
		body: 'You have exceeded the rate limit for this API. Please wait before retrying.',
	};
}

const WINDOW_PROBLEMS: Record<string, string> = { minute: 'minute', day: 'day', app_minute: 'appminute' };
const WINDOW_HEADERS: Record<string, string> = { minute: 'X-MinLimit-Remaining', day: 'X-DayLimit-Remaining', app_minute: 'X-AppMinLimit-Remaining' };

class XeroOrganisation {
	contacts = new Map<string, XeroRecord>();
	invoices = new Map<string, XeroRecord>();
	payments = new Map<string, XeroRecord>();
	creditNotes = new Map<string, XeroRecord>();
	accounts: XeroRecord[] = [];
	taxRates: XeroRecord[] = [];
	items: XeroRecord[] = [];
	currencies: XeroRecord[] = [];
	readonly connections = new ConnectionLimit(XERO_CONCURRENT_LIMIT, () => tooMany('concurrent', 1000));
	readonly idempotency = new IdempotencyCache({ mismatch: () => ({ status: 500 }) });
	private numbers = { invoice: 0, creditNote: 0 };

	constructor() {
		this.reset();
	}

	reset(): void {
		this.contacts.clear();
		this.invoices.clear();
		this.payments.clear();
		this.creditNotes.clear();
		this.numbers = { invoice: 0, creditNote: 0 };
		this.connections.reset();
		this.idempotency.reset();
		this.accounts = [
			{ AccountID: randomUUID(), Code: '090', Name: 'Business Bank Account', Type: 'BANK', Status: 'ACTIVE', EnablePaymentsToAccount: false },
			{ AccountID: randomUUID(), Code: '200', Name: 'Sales', Type: 'REVENUE', Status: 'ACTIVE', EnablePaymentsToAccount: false },
			{ AccountID: randomUUID(), Code: '260', Name: 'Other Revenue', Type: 'REVENUE', Status: 'ACTIVE', EnablePaymentsToAccount: false },
			{ AccountID: randomUUID(), Code: '820', Name: 'Sales Tax', Type: 'CURRLIAB', Status: 'ACTIVE', EnablePaymentsToAccount: false },
		];
		this.taxRates = [
			{ Name: 'Tax Exempt', TaxType: 'NONE', Status: 'ACTIVE', EffectiveRate: 0 },
			{ Name: 'Tax on Sales', TaxType: 'OUTPUT', Status: 'ACTIVE', EffectiveRate: 10 },
		];
		this.currencies = [
			{ Code: 'USD', Description: 'United States Dollar' },
			{ Code: 'EUR', Description: 'Euro' },
			{ Code: 'GBP', Description: 'British Pound' },
		];
		this.items = [
			{ ItemID: randomUUID(), Code: 'MUG-01', Name: 'Coffee mug', IsSold: true, IsPurchased: false, SalesDetails: { UnitPrice: 19.99, AccountCode: '200', TaxType: 'NONE' } },
			{ ItemID: randomUUID(), Code: 'POSTER', Name: 'Poster A2', IsSold: true, IsPurchased: false, SalesDetails: { UnitPrice: 7.5, AccountCode: '200', TaxType: 'NONE' } },
		];
	}

	nextNumber(kind: 'invoice' | 'creditNote'): string {
		this.numbers[kind]++;
		return `${kind === 'invoice' ? 'INV' : 'CN'}-${String(this.numbers[kind]).padStart(4, '0')}`;
	}
}

export const createXeroSandbox: VendorSandboxFactory = () => {
	const org = new XeroOrganisation();
	return {
		credentials: { accessToken: xeroAccessToken, tenantId: xeroTenantId },
		authenticate: (request) => {
			const header = request.headers.authorization;
			const [scheme, token] = typeof header === 'string' ? header.trim().split(/\s+/, 2) : [];
			if (!scheme || scheme.toLowerCase() !== 'bearer' || !token) return problem(401, 'Unauthorized', 'AuthenticationUnsuccessful');
			if (token !== xeroAccessToken) return problem(401, 'Unauthorized', 'TokenExpired: token expired or invalid');
			if (request.headers['xero-tenant-id'] !== xeroTenantId) return problem(403, 'Forbidden', 'AuthenticationUnsuccessful');
			return undefined;
		},
		rateLimits: {
			// The app-wide window first: a `rate_limit_storm` fault stands for the app's limit (shared with every tenant),
			// while the tenant's own windows report what they really have left.
			defaults: [
				{ name: 'app_minute', kind: 'sliding', limit: 10_000, intervalMs: 60_000 },
				{ name: 'minute', kind: 'sliding', limit: 60, intervalMs: 60_000 },
				{ name: 'day', kind: 'sliding', limit: 5_000, intervalMs: 86_400_000 },
			],
			headers: (usage) => Object.fromEntries(usage.filter(({ window }) => WINDOW_HEADERS[window.name]).map(({ window, remaining }) => [WINDOW_HEADERS[window.name], String(remaining)])),
			rejection: (blocked, retryAfterMs) => tooMany(WINDOW_PROBLEMS[blocked.window.name] ?? 'minute', retryAfterMs),
		},
		errors: {
			serverError: (status) => ({ status, body: { ErrorNumber: status === 503 ? 503 : 500, Type: status === 503 ? 'ServiceUnavailableException' : 'UnknownErrorException', Message: 'An error occurred in Xero. Check the API Status page for current service status.' } }),
			notFound: () => ({ status: 404, body: 'The resource you\'re looking for cannot be found' }),
			badRequest: (message) => ({ status: 400, body: { ErrorNumber: 14, Type: 'PostDataInvalidException', Message: `JSON for post data was invalid: ${message}` } }),
		},
		routes: (router) => routes(router, org),
		data: { reset: () => org.reset(), seed: (data) => seed(org, data), state: (collection) => view(org, collection) },
		signWebhook: () => ({}),
		settings: {
			get: () => ({ responseDelayMs: org.connections.holdMs }),
			update: (patch) => {
				for (const [key, value] of Object.entries(patch)) {
					if (key !== 'responseDelayMs' || typeof value !== 'number' || value < 0) throw controlError(400, `unknown or invalid setting ${key}; known: responseDelayMs`);
					org.connections.holdMs = value;
				}
				return { responseDelayMs: org.connections.holdMs };
			},
		},
	};
};

function envelope(collection: string, records: XeroRecord[], extra: XeroRecord = {}): SandboxResponse {
	return { status: 200, body: { Id: randomUUID(), Status: 'OK', ProviderName: 'Integration Automation Sandbox', DateTimeUTC: msDate(Date.now()), ...extra, [collection]: records } };
}

function routes(router: Router, org: XeroOrganisation): void {
	const route = (method: 'get' | 'put' | 'post', pattern: string, handler: Handler) => router[method](`${API}${pattern}`, org.connections.wrap(idempotent(org, handler)));
	route('get', '/Organisation', () => envelope('Organisations', [{ OrganisationID: xeroTenantId, Name: 'Sandbox Trading Ltd', BaseCurrency: 'USD', CountryCode: 'US', OrganisationType: 'COMPANY' }]));
	route('get', '/Accounts', () => envelope('Accounts', org.accounts));
	route('get', '/TaxRates', () => envelope('TaxRates', org.taxRates));
	route('get', '/Items', () => envelope('Items', org.items));
	route('get', '/Currencies', () => envelope('Currencies', org.currencies));
	const collections: Array<[string, string, Map<string, XeroRecord>, (record: XeroRecord, existing?: XeroRecord) => XeroRecord]> = [
		['Contacts', 'ContactID', org.contacts, (record, existing) => prepareContact(org, record, existing)],
		['Invoices', 'InvoiceID', org.invoices, (record, existing) => prepareDocument(org, 'invoice', record, existing)],
		['CreditNotes', 'CreditNoteID', org.creditNotes, (record, existing) => prepareDocument(org, 'creditNote', record, existing)],
		['Payments', 'PaymentID', org.payments, (record) => preparePayment(org, record)],
	];
	for (const [name, idField, records, prepare] of collections) {
		route('get', `/${name}`, (request) => list(name, [...records.values()], request));
		route('get', `/${name}/:id`, (request) => {
			const found = records.get(request.params.id);
			if (!found) return { status: 404, body: 'The resource you\'re looking for cannot be found' };
			return envelope(name, [found]);
		});
		const write = (request: SandboxRequest, updates: boolean) => writeAll(name, idField, records, prepare, request, updates);
		route('put', `/${name}`, (request) => write(request, false));
		if (name !== 'Payments') route('post', `/${name}`, (request) => write(request, true));
	}
}

/** `Idempotency-Key`: the first answer under a key is every repeat's answer (while the first still runs, too). */
function idempotent(org: XeroOrganisation, handler: Handler): Handler {
	return async (request) => {
		const key = request.headers['idempotency-key'];
		if (typeof key !== 'string' || key === '' || request.method === 'GET') return handler(request);
		if (key.length > IDEMPOTENCY_KEY_MAX) return { status: 400, body: { ErrorNumber: 10, Type: 'ValidationException', Message: `Idempotency-Key must be at most ${IDEMPOTENCY_KEY_MAX} characters`, Elements: [] } };
		return org.idempotency.run(key, '', async () => {
			try {
				return await handler(request);
			} catch (error) {
				if (error instanceof SandboxError) return error.response;
				throw error;
			}
		});
	};
}

/** One element refused: its messages, kept on the element as Xero does. */
class ElementError extends Error {
	constructor(readonly messages: string[]) {
		super(messages.join('; '));
	}
}

/**
 * Every element of `{ <Name>: [...] }` validated; with summarizeErrors=false each is saved or answered with its
 * ValidationErrors, else one invalid element fails them all (400) and nothing is saved.
 */
function writeAll(name: string, idField: string, records: Map<string, XeroRecord>, prepare: (record: XeroRecord, existing?: XeroRecord) => XeroRecord, request: SandboxRequest, updates: boolean): SandboxResponse {
	if (Buffer.byteLength(request.rawBody ?? '') > XERO_MAX_REQUEST_BYTES) return { status: 413, body: 'The request is larger than the 3.5 MB Xero accepts' };
	const body = request.body as XeroRecord | undefined;
	const elements = Array.isArray(body?.[name]) ? (body![name] as XeroRecord[]) : body && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length > 0 && body[name] === undefined ? [body] : undefined;
	if (!elements) return { status: 400, body: { ErrorNumber: 14, Type: 'PostDataInvalidException', Message: `The request body must hold ${name}` } };
	const summarize = request.query.get('summarizeErrors') !== 'false';
	const outcomes = elements.map((element) => {
		const existing = updates && element[idField] ? records.get(String(element[idField])) : undefined;
		if (updates && element[idField] && !existing) return { element, errors: [`${name.replace(/s$/, '')} ${String(element[idField])} could not be found`] };
		try {
			return { element, prepared: prepare(structuredClone(element), existing) };
		} catch (error) {
			if (error instanceof ElementError) return { element, errors: error.messages };
			throw error;
		}
	});
	const failed = outcomes.filter((outcome) => outcome.errors);
	if (summarize && failed.length > 0) {
		return validationException(failed.map(({ element, errors }) => ({ ...element, ValidationErrors: errors!.map((Message) => ({ Message })) })));
	}
	const answered = outcomes.map(({ element, prepared, errors }) => {
		if (errors) return { ...element, HasErrors: true, StatusAttributeString: 'ERROR', ValidationErrors: errors.map((Message) => ({ Message })) };
		const stored = commit(prepared!, idField, records);
		return { ...stored, StatusAttributeString: 'OK' };
	});
	return envelope(name, answered);
}

function commit(record: XeroRecord, idField: string, records: Map<string, XeroRecord>): XeroRecord {
	record[idField] ??= randomUUID();
	record.UpdatedDateUTC = msDate(Date.now());
	const effect = record.__effect as (() => void) | undefined;
	delete record.__effect;
	records.set(record[idField], record);
	effect?.();
	return record;
}

function prepareContact(org: XeroOrganisation, record: XeroRecord, existing?: XeroRecord): XeroRecord {
	const merged = { ...existing, ...record };
	const errors: string[] = [];
	if (!merged.Name || String(merged.Name).trim() === '') errors.push('The contact name must be specified.');
	const clash = [...org.contacts.values()].find((other) => other.ContactID !== merged.ContactID && other.ContactStatus === 'ACTIVE' && String(other.Name).toLowerCase() === String(merged.Name).toLowerCase());
	if (clash) errors.push(`The contact name ${String(merged.Name)} is already assigned to another contact. The contact name must be unique across all active contacts.`);
	if (merged.EmailAddress && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(String(merged.EmailAddress))) errors.push('Email address must be valid.');
	if (errors.length > 0) throw new ElementError(errors);
	return { ContactStatus: 'ACTIVE', IsCustomer: true, IsSupplier: false, HasValidationErrors: false, Phones: [], ...merged };
}

/** An existing contact by ContactID, or by Name (created when new), as Xero resolves an invoice's Contact. */
function contactFor(org: XeroOrganisation, contact: XeroRecord | undefined, errors: string[]): XeroRecord | undefined {
	if (!contact) {
		errors.push('A Contact must be specified for this type of transaction');
		return undefined;
	}
	if (contact.ContactID) {
		const found = org.contacts.get(String(contact.ContactID));
		if (!found) errors.push('The Contact ID provided is not valid');
		return found;
	}
	const byName = [...org.contacts.values()].find((other) => String(other.Name).toLowerCase() === String(contact.Name ?? '').toLowerCase());
	if (byName) return byName;
	if (!contact.Name) {
		errors.push('A Contact must be specified for this type of transaction');
		return undefined;
	}
	return commit(prepareContact(org, { ...contact }), 'ContactID', org.contacts);
}

/** An approved document without payments voided (POST with Status VOIDED): nothing is due on it any more. */
function voided(existing: XeroRecord): XeroRecord {
	if (!['SUBMITTED', 'AUTHORISED'].includes(existing.Status)) throw new ElementError([`This document cannot be voided as it has a status of ${String(existing.Status)}.`]);
	if (cents(existing.AmountPaid ?? 0) > 0) throw new ElementError(['This document cannot be voided as it has payments applied. Remove the payments first.']);
	return { ...existing, Status: 'VOIDED', AmountDue: 0 };
}

/**
 * An invoice or credit note: Type, Contact and line items required; each line's Description and (unless DRAFT) a
 * known AccountCode; LineAmount = Quantity × UnitAmount less its discount; TotalTax the lines' TaxAmount (computed from
 * the TaxType's rate when not given); numbers unique per type.
 */
function prepareDocument(org: XeroOrganisation, kind: 'invoice' | 'creditNote', record: XeroRecord, existing?: XeroRecord): XeroRecord {
	if (existing && record.Status === 'VOIDED') return voided(existing);
	const merged: XeroRecord = { ...existing, ...record };
	const errors: string[] = [];
	const types = kind === 'invoice' ? ['ACCREC', 'ACCPAY'] : ['ACCRECCREDIT', 'ACCPAYCREDIT'];
	if (!types.includes(merged.Type)) errors.push(`${kind === 'invoice' ? 'Invoice' : 'Credit note'} Type must be one of ${types.join(', ')}`);
	if (existing && ['PAID', 'VOIDED', 'DELETED'].includes(existing.Status)) errors.push(`This document cannot be edited as it has a status of ${existing.Status}.`);
	const status = merged.Status ?? 'DRAFT';
	if (!['DRAFT', 'SUBMITTED', 'AUTHORISED'].includes(status)) errors.push(`${String(status)} is not a valid status for a new or edited document`);
	const currency = merged.CurrencyCode ?? 'USD';
	if (!isCurrencyCode(currency)) errors.push(`The currency code ${String(currency)} is not valid`);
	const lines = merged.LineItems;
	if (!Array.isArray(lines) || lines.length === 0) errors.push('One or more line items must be specified');
	let subTotal = 0;
	let totalTax = 0;
	const prepared = (Array.isArray(lines) ? lines : []).map((line: XeroRecord, index: number) => {
		if (!line.Description && !line.ItemCode) errors.push(`Description must be specified (line ${index + 1})`);
		if (line.ItemCode !== undefined && !org.items.some((item) => item.Code === String(line.ItemCode))) errors.push(`Item code '${String(line.ItemCode)}' is not valid`);
		if (line.AccountCode !== undefined && !org.accounts.some((account) => account.Code === String(line.AccountCode))) errors.push(`Account code '${String(line.AccountCode)}' is not a valid code for this document.`);
		else if (line.AccountCode === undefined && status === 'AUTHORISED') errors.push(`An account code must be specified for line ${index + 1} of an approved document.`);
		const rate = org.taxRates.find((tax) => tax.TaxType === (line.TaxType ?? 'NONE'));
		if (!rate) errors.push(`The TaxType code '${String(line.TaxType)}' does not exist or cannot be used for this type of transaction.`);
		const quantity = line.Quantity ?? 1;
		const discount = line.DiscountRate ? 1 - Number(line.DiscountRate) / 100 : 1;
		const lineAmount = Math.round(Number(quantity) * Number(line.UnitAmount ?? 0) * discount * 100) - cents(Number(line.DiscountAmount ?? 0));
		const taxAmount = line.TaxAmount !== undefined ? cents(Number(line.TaxAmount)) : Math.round((lineAmount * Number(rate?.EffectiveRate ?? 0)) / 100);
		subTotal += lineAmount;
		totalTax += taxAmount;
		return { LineItemID: randomUUID(), ...line, Quantity: Number(quantity), LineAmount: amount(lineAmount), TaxAmount: amount(taxAmount), TaxType: line.TaxType ?? 'NONE' };
	});
	const numberField = kind === 'invoice' ? 'InvoiceNumber' : 'CreditNoteNumber';
	const idField = kind === 'invoice' ? 'InvoiceID' : 'CreditNoteID';
	const siblings = [...(kind === 'invoice' ? org.invoices : org.creditNotes).values()];
	if (merged[numberField] && siblings.some((other) => other[idField] !== merged[idField] && other.Type === merged.Type && other[numberField] === merged[numberField])) {
		errors.push(`${kind === 'invoice' ? 'Invoice' : 'Credit Note'} # must be unique.`);
	}
	const contact = errors.length === 0 ? contactFor(org, merged.Contact, errors) : undefined;
	if (errors.length > 0) throw new ElementError(errors);
	const total = subTotal + totalTax;
	const paid = existing ? cents(existing.AmountPaid ?? 0) : 0;
	const date = typeof merged.Date === 'string' && /^\d{4}-\d{2}-\d{2}/.test(merged.Date) ? msDate(dayMs(merged.Date.slice(0, 10))) : (merged.Date ?? msDate(dayMs(new Date().toISOString().slice(0, 10))));
	const document: XeroRecord = {
		...merged,
		Contact: { ContactID: contact!.ContactID, Name: contact!.Name, EmailAddress: contact!.EmailAddress },
		LineItems: prepared,
		Status: status,
		Date: date,
		...(merged.DueDate && /^\d{4}-\d{2}-\d{2}/.test(merged.DueDate) ? { DueDate: msDate(dayMs(merged.DueDate.slice(0, 10))) } : {}),
		LineAmountTypes: merged.LineAmountTypes ?? 'Exclusive',
		CurrencyCode: currency,
		CurrencyRate: 1,
		[numberField]: merged[numberField] ?? org.nextNumber(kind),
		SubTotal: amount(subTotal),
		TotalTax: amount(totalTax),
		Total: amount(total),
		HasErrors: false,
	};
	if (kind === 'invoice') Object.assign(document, { AmountDue: amount(total - paid), AmountPaid: amount(paid), AmountCredited: 0, Payments: existing?.Payments ?? [], IsDiscounted: false, HasAttachments: false });
	else Object.assign(document, { RemainingCredit: amount(total), Payments: [] });
	return document;
}

/**
 * A payment against an AUTHORISED invoice (by InvoiceID or InvoiceNumber) into a bank account (by Code or AccountID);
 * at most its AmountDue. A payment that settles the invoice marks it PAID.
 */
function preparePayment(org: XeroOrganisation, record: XeroRecord): XeroRecord {
	const errors: string[] = [];
	const invoice = record.Invoice?.InvoiceID
		? org.invoices.get(String(record.Invoice.InvoiceID))
		: [...org.invoices.values()].find((candidate) => candidate.InvoiceNumber === (record.Invoice?.InvoiceNumber ?? record.InvoiceNumber));
	if (!invoice) errors.push('Invoice could not be found');
	else if (invoice.Status !== 'AUTHORISED') errors.push('Invoice not of valid status for creation of a payment');
	const account = org.accounts.find((candidate) => (record.Account?.Code && candidate.Code === String(record.Account.Code)) || (record.Account?.AccountID && candidate.AccountID === record.Account.AccountID));
	if (!account) errors.push('Account could not be found');
	else if (account.Type !== 'BANK' && !account.EnablePaymentsToAccount) errors.push(`Account code ${String(account.Code)} is not a bank account or payments are not enabled for it`);
	const paid = typeof record.Amount === 'number' ? cents(record.Amount) : NaN;
	if (!(paid > 0)) errors.push('Payment amount must be greater than zero');
	else if (invoice && paid > cents(invoice.AmountDue)) errors.push('Payment amount exceeds the amount outstanding on this document');
	if (errors.length > 0) throw new ElementError(errors);
	const date = typeof record.Date === 'string' && /^\d{4}-\d{2}-\d{2}/.test(record.Date) ? msDate(dayMs(record.Date.slice(0, 10))) : msDate(dayMs(new Date().toISOString().slice(0, 10)));
	const payment: XeroRecord = {
		...record,
		PaymentID: randomUUID(),
		Date: date,
		Amount: amount(paid),
		BankAmount: amount(paid),
		CurrencyRate: 1,
		Status: 'AUTHORISED',
		PaymentType: 'ACCRECPAYMENT',
		IsReconciled: false,
		HasAccount: true,
		HasValidationErrors: false,
		Account: { AccountID: account!.AccountID, Code: account!.Code },
		Invoice: { InvoiceID: invoice!.InvoiceID, InvoiceNumber: invoice!.InvoiceNumber, Type: invoice!.Type, Contact: invoice!.Contact, CurrencyCode: invoice!.CurrencyCode },
	};
	payment.__effect = () => {
		const due = cents(invoice!.AmountDue) - paid;
		invoice!.AmountPaid = amount(cents(invoice!.AmountPaid) + paid);
		invoice!.AmountDue = amount(due);
		invoice!.Payments = [...(invoice!.Payments ?? []), { PaymentID: payment.PaymentID, Amount: payment.Amount, Date: payment.Date, Reference: payment.Reference }];
		if (due === 0) Object.assign(invoice!, { Status: 'PAID', FullyPaidOnDate: payment.Date });
		invoice!.UpdatedDateUTC = msDate(Date.now());
	};
	return payment;
}

/** A `where` clause called a string method on a field the record does not have (Xero's filter is .NET's, which throws). */
class NullFieldError extends Error {}

/**
 * `where` as Xero's filter: `Field=="value"` (or `!=`, or a bare number / true / false / null), the field optionally
 * lowered first (`EmailAddress.ToLower()=="ann@example.com"`), joined by AND (or &&) and OR (or ||), AND binding
 * tighter and each side read left to right, so `EmailAddress!=null&&EmailAddress.ToLower()==…` guards the call as Xero
 * advises; a ToLower() on a missing field fails the request, as Xero's does. Dotted fields.
 */
function whereFilter(where: string | null): ((record: XeroRecord) => boolean) | string {
	if (!where) return () => true;
	const alternatives: Array<Array<(record: XeroRecord) => boolean>> = [];
	for (const alternative of splitOutsideQuotes(where, /^\s+OR\s+|^\|\|/i)) {
		const tests: Array<(record: XeroRecord) => boolean> = [];
		for (const clause of splitOutsideQuotes(alternative, /^\s+AND\s+|^&&/i).map((part) => part.trim())) {
			const match = /^([A-Za-z][\w.]*?)(\.ToLower\(\))?\s*(==|!=)\s*(?:"((?:[^"\\]|\\.)*)"|(true|false|-?\d+(?:\.\d+)?)|(null))$/.exec(clause);
			if (!match) return `Unable to parse the where clause: ${clause}`;
			const [, field, lowered, operator, text, literal, nullValue] = match;
			const wanted = text !== undefined ? text.replace(/\\(.)/g, '$1') : nullValue ? null : literal;
			tests.push((record) => {
				const have = field.split('.').reduce<unknown>((value, part) => (value && typeof value === 'object' ? (value as XeroRecord)[part] : undefined), record);
				if (lowered && (have === undefined || have === null)) throw new NullFieldError(`Object reference not set to an instance of an object (${field}.ToLower() on a record without ${field})`);
				const value = lowered ? String(have).toLowerCase() : have;
				const same = wanted === null ? value === undefined || value === null : String(value) === String(wanted);
				return operator === '==' ? same : !same;
			});
		}
		alternatives.push(tests);
	}
	return (record) => alternatives.some((tests) => tests.every((test) => test(record)));
}

/** Splits at each match of `separator` (anchored) that is not inside a quoted string. */
function splitOutsideQuotes(text: string, separator: RegExp): string[] {
	const parts: string[] = [];
	let start = 0;
	let quoted = false;
	for (let index = 0; index < text.length; index++) {
		const char = text[index];
		if (char === '\\' && quoted) {
			index++;
			continue;
		}
		if (char === '"') quoted = !quoted;
		if (quoted) continue;
		const match = separator.exec(text.slice(index));
		if (!match) continue;
		parts.push(text.slice(start, index));
		start = index + match[0].length;
		index = start - 1;
	}
	parts.push(text.slice(start));
	return parts;
}

function list(name: string, records: XeroRecord[], request: SandboxRequest): SandboxResponse {
	const filter = whereFilter(request.query.get('where'));
	if (typeof filter === 'string') return { status: 400, body: { ErrorNumber: 16, Type: 'QueryParseException', Message: filter } };
	// If-Modified-Since: only what was created or changed at or after that time (UpdatedDateUTC).
	const modifiedSince = Date.parse(String(request.headers['if-modified-since'] ?? ''));
	const changed = Number.isNaN(modifiedSince) ? records : records.filter((record) => Number(/\d+/.exec(String(record.UpdatedDateUTC))?.[0]) >= modifiedSince);
	let found: XeroRecord[];
	try {
		found = changed.filter(filter);
	} catch (error) {
		if (!(error instanceof NullFieldError)) throw error;
		return { status: 400, body: { ErrorNumber: 16, Type: 'QueryParseException', Message: error.message } };
	}
	const numbers = request.query.get('InvoiceNumbers');
	if (numbers) found = found.filter((record) => numbers.split(',').map((entry) => entry.trim()).includes(record.InvoiceNumber));
	const term = request.query.get('searchTerm')?.toLowerCase();
	if (term) found = found.filter((record) => ['Name', 'FirstName', 'LastName', 'EmailAddress', 'ContactNumber'].some((field) => String(record[field] ?? '').toLowerCase().includes(term)));
	const page = Number(request.query.get('page') ?? 1);
	const pageSize = Math.min(1000, Number(request.query.get('pageSize') ?? PAGE_SIZE));
	if (!Number.isInteger(page) || page < 1 || !Number.isInteger(pageSize) || pageSize < 1) return { status: 400, body: { ErrorNumber: 10, Type: 'ValidationException', Message: 'page and pageSize must be whole numbers of at least 1', Elements: [] } };
	const slice = found.slice((page - 1) * pageSize, page * pageSize);
	return envelope(name, slice, { pagination: { page, pageSize, pageCount: Math.max(1, Math.ceil(found.length / pageSize)), itemCount: found.length } });
}

function seed(org: XeroOrganisation, data: Record<string, unknown[]>): unknown {
	const stored: Record<string, XeroRecord[]> = {};
	for (const [collection, records] of Object.entries(data)) {
		if (collection !== 'contacts') throw controlError(400, `unknown collection ${collection}; seed contacts (the rest is created through the API)`);
		stored.contacts = (records as XeroRecord[]).map((record) => {
			try {
				return commit(prepareContact(org, { ...record }), 'ContactID', org.contacts);
			} catch (error) {
				throw controlError(400, error instanceof Error ? error.message : String(error));
			}
		});
	}
	return stored;
}

function view(org: XeroOrganisation, collection?: string): unknown {
	const all: Record<string, unknown> = {
		contacts: [...org.contacts.values()],
		invoices: [...org.invoices.values()],
		payments: [...org.payments.values()],
		creditnotes: [...org.creditNotes.values()],
		accounts: org.accounts,
		connections: org.connections.view(),
	};
	return collection === undefined ? all : all[collection];
}
