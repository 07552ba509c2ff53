/**
 * The FreshBooks sandbox: the Accounting API under `/accounting/account/{accountId}/…` for one business account, an
 * OAuth2 bearer token; clients (`users/clients`), invoices (`invoices/invoices`), payments (`payments/payments`) and
 * credit notes (`credit_notes/credit_notes`); answers wrapped as `{"response":{"result":{…}}}`, lists with page,
 * pages, per_page (at most 100) and total, `search[…]` filters; money as `{"amount":"10.00","code":"USD"}`; errors as
 * `{"response":{"errors":[{"errno","field","message","object","value"}]}}` with 422. FreshBooks takes no idempotency
 * key: a repeated create is a second record, which is what the `lost_response` fault lets a client discover.
 * FreshBooks publishes no fixed rate; `rate_limit_storm` answers its 429.
 */
import { controlError } from '../framework/control';
import type { Router } from '../framework/router';
import { SandboxError, type SandboxRequest, type SandboxResponse, type VendorSandboxFactory } from '../framework/types';
import { isCurrencyCode } from '../../../lib/records/money';

export const freshBooksAccessToken = 'sandbox-freshbooks-access-token';
export const freshBooksAccountId = 'xZNQ1X';

const ACCOUNT = '/accounting/account/:accountId';

type Record_ = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const cents = (value: unknown): number => Math.round(Number(value) * 100);
const money = (centsValue: number, code: string) => ({ amount: (centsValue / 100).toFixed(2), code });

function fbError(status: number, errors: Array<{ errno: number; field?: string; message: string; object?: string; value?: unknown }>): SandboxResponse {
	return { status, body: { response: { errors: errors.map((error) => ({ field: null, object: null, value: null, ...error })) } } };
}

const invalid = (object: string, field: string, message: string, value?: unknown) => new SandboxError(fbError(422, [{ errno: 1001, object, field, message, value: value === undefined ? null : String(value) }]));

class FreshBooksAccount {
	clients = new Map<number, Record_>();
	invoices = new Map<number, Record_>();
	payments = new Map<number, Record_>();
	creditNotes = new Map<number, Record_>();
	private nextId = 100;

	reset(): void {
		this.clients.clear();
		this.invoices.clear();
		this.payments.clear();
		this.creditNotes.clear();
		this.nextId = 100;
	}

	id(): number {
		return this.nextId++;
	}
}

export const createFreshBooksSandbox: VendorSandboxFactory = () => {
	const account = new FreshBooksAccount();
	return {
		credentials: { accessToken: freshBooksAccessToken, accountId: freshBooksAccountId },
		authenticate: (request) => {
			const header = request.headers.authorization;
			const [scheme, token] = typeof header === 'string' ? header.trim().split(/\s+/, 2) : [];
			if (!scheme || scheme.toLowerCase() !== 'bearer' || token !== freshBooksAccessToken) {
				return { status: 401, body: { error: 'unauthenticated', error_type: 'unauthenticated', error_description: 'This action requires authentication to continue.', message: 'This action requires authentication to continue.' } };
			}
			const accountId = /^\/accounting\/account\/([^/]+)/.exec(request.path)?.[1];
			if (accountId !== undefined && accountId !== freshBooksAccountId) return fbError(403, [{ errno: 1003, message: 'The server could not verify that you are authorized to access the URL requested.' }]);
			return undefined;
		},
		rateLimits: { defaults: [], headers: () => ({}), rejection: () => ({ status: 429, body: { message: 'Too Many Requests' } }) },
		errors: {
			serverError: (status) => ({ status, body: { response: { errors: [{ errno: 500, message: 'An unexpected error occurred. Please try again.' }] } } }),
			notFound: () => fbError(404, [{ errno: 1012, message: 'The requested resource was not found.' }]),
			badRequest: (message) => fbError(400, [{ errno: 2001, message: `Invalid JSON: ${message}` }]),
		},
		routes: (router) => routes(router, account),
		data: { reset: () => account.reset(), seed: (data) => seed(account, data), state: (collection) => view(account, collection) },
		signWebhook: () => ({}),
	};
};

const result = (body: Record_): SandboxResponse => ({ status: 200, body: { response: { result: body } } });

function routes(router: Router, account: FreshBooksAccount): void {
	const kinds: Array<[string, string, string, Map<number, Record_>, (body: Record_) => Record_]> = [
		['users/clients', 'client', 'clients', account.clients, (body) => prepareClient(account, body)],
		['invoices/invoices', 'invoice', 'invoices', account.invoices, (body) => prepareDocument(account, 'invoice', body)],
		['credit_notes/credit_notes', 'credit_note', 'credit_notes', account.creditNotes, (body) => prepareDocument(account, 'credit_note', body)],
		['payments/payments', 'payment', 'payments', account.payments, (body) => preparePayment(account, body)],
	];
	for (const [path, singular, plural, records, prepare] of kinds) {
		router.get(`${ACCOUNT}/${path}`, (request) => list(plural, [...records.values()], request));
		router.get(`${ACCOUNT}/${path}/:id`, (request) => {
			const found = records.get(Number(request.params.id));
			if (!found) return fbError(404, [{ errno: 1012, object: singular, message: `${singular} not found.`, value: request.params.id }]);
			return result({ [singular]: found });
		});
		router.post(`${ACCOUNT}/${path}`, (request) => {
			const body = (request.body as Record_ | undefined)?.[singular];
			if (!body || typeof body !== 'object') throw invalid(singular, singular, `The request body must hold a ${singular} object.`);
			const stored = prepare(body);
			records.set(stored.id, stored);
			stored.__effect?.();
			delete stored.__effect;
			return result({ [singular]: stored });
		});
		router.put(`${ACCOUNT}/${path}/:id`, (request) => {
			const found = records.get(Number(request.params.id));
			if (!found) return fbError(404, [{ errno: 1012, object: singular, message: `${singular} not found.`, value: request.params.id }]);
			const changes = (request.body as Record_ | undefined)?.[singular] ?? {};
			Object.assign(found, changes, { id: found.id, updated: new Date().toISOString() });
			return result({ [singular]: found });
		});
	}
}

function prepareClient(account: FreshBooksAccount, body: Record_): Record_ {
	if (!body.email && !body.organization && !body.fname && !body.lname) throw invalid('client', 'email', 'A client needs an email, a name or an organization.');
	if (body.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(String(body.email))) throw invalid('client', 'email', 'Invalid email address.', body.email);
	const id = account.id();
	return { fname: '', lname: '', organization: '', vis_state: 0, ...body, id, userid: id, updated: new Date().toISOString() };
}

/**
 * An invoice or credit note: a customerid that exists, a create_date, lines with qty and unit_cost in one currency;
 * amount = Σ qty × unit_cost + each line's taxAmount1; an invoice's outstanding starts at its amount.
 */
function prepareDocument(account: FreshBooksAccount, kind: 'invoice' | 'credit_note', body: Record_): Record_ {
	if (body.customerid === undefined || !account.clients.has(Number(body.customerid))) throw invalid(kind, 'customerid', 'customerid is required and must be an existing client.', body.customerid);
	if (!body.create_date || !/^\d{4}-\d{2}-\d{2}$/.test(String(body.create_date))) throw invalid(kind, 'create_date', 'create_date is required (YYYY-MM-DD).', body.create_date);
	const code = String(body.currency_code ?? 'USD');
	if (!isCurrencyCode(code)) throw invalid(kind, 'currency_code', 'Invalid currency code.', code);
	if (!Array.isArray(body.lines) || body.lines.length === 0) throw invalid(kind, 'lines', 'At least one line is required.');
	let total = 0;
	const lines = (body.lines as Record_[]).map((line, index) => {
		if (line.unit_cost?.amount === undefined || Number.isNaN(Number(line.unit_cost.amount))) throw invalid(kind, `lines.${index}.unit_cost`, 'unit_cost.amount is required.');
		if (line.unit_cost.code && line.unit_cost.code !== code) throw invalid(kind, `lines.${index}.unit_cost`, 'Every line must be in the document currency.', line.unit_cost.code);
		const qty = Number(line.qty ?? 1);
		const amount = Math.round(qty * cents(line.unit_cost.amount));
		const tax = line.taxAmount1 === undefined ? 0 : cents(line.taxAmount1);
		total += amount + tax;
		return { type: 0, ...line, qty: String(qty), unit_cost: money(cents(line.unit_cost.amount), code), amount: money(amount, code), lineid: index + 1 };
	});
	if (kind === 'invoice' && body.invoice_number && [...account.invoices.values()].some((other) => other.invoice_number === body.invoice_number)) {
		throw invalid(kind, 'invoice_number', 'Invoice number already exists.', body.invoice_number);
	}
	const id = account.id();
	const number = kind === 'invoice' ? (body.invoice_number ?? String(id).padStart(7, '0')) : (body.credit_note_number ?? `CN${id}`);
	return {
		...body,
		id,
		...(kind === 'invoice' ? { invoiceid: id, invoice_number: number, outstanding: money(total, code), paid: money(0, code), v3_status: 'sent', payment_status: 'unpaid' } : { creditid: id, credit_note_number: number }),
		currency_code: code,
		lines,
		amount: money(total, code),
		updated: new Date().toISOString(),
	};
}

function preparePayment(account: FreshBooksAccount, body: Record_): Record_ {
	const invoice = account.invoices.get(Number(body.invoiceid));
	if (!invoice) throw invalid('payment', 'invoiceid', 'invoiceid must be an existing invoice.', body.invoiceid);
	const paid = cents(body.amount?.amount);
	if (!(paid > 0)) throw invalid('payment', 'amount', 'amount must be greater than 0.', body.amount?.amount);
	if (paid > cents(invoice.outstanding.amount)) throw invalid('payment', 'amount', 'The payment amount exceeds the outstanding amount of the invoice.', body.amount?.amount);
	const code = invoice.currency_code;
	const id = account.id();
	const payment: Record_ = { type: 'Other', note: '', ...body, id, logid: id, amount: money(paid, code), date: body.date ?? new Date().toISOString().slice(0, 10), updated: new Date().toISOString() };
	payment.__effect = () => {
		const outstanding = cents(invoice.outstanding.amount) - paid;
		invoice.outstanding = money(outstanding, code);
		invoice.paid = money(cents(invoice.paid.amount) + paid, code);
		invoice.payment_status = outstanding === 0 ? 'paid' : 'partial';
		invoice.v3_status = outstanding === 0 ? 'paid' : 'partial';
	};
	return payment;
}

/** `page`, `per_page` (at most 100) and `search[field]=value` (exact; `search[email]` ignores case). */
function list(plural: string, records: Record_[], request: SandboxRequest): SandboxResponse {
	let found = records;
	for (const [key, value] of request.query) {
		const field = /^search\[(\w+)\]$/.exec(key)?.[1];
		if (!field) continue;
		found = found.filter((record) => (field === 'email' ? String(record.email ?? '').toLowerCase() === value.toLowerCase() : String(record[field]) === value));
	}
	const page = Number(request.query.get('page') ?? 1);
	const perPage = Math.min(100, Number(request.query.get('per_page') ?? 15));
	if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 1) return fbError(422, [{ errno: 1001, field: 'page', message: 'page and per_page must be whole numbers of at least 1.' }]);
	return result({ [plural]: found.slice((page - 1) * perPage, page * perPage), page, pages: Math.max(1, Math.ceil(found.length / perPage)), per_page: perPage, total: found.length });
}

function seed(account: FreshBooksAccount, data: Record<string, unknown[]>): unknown {
	const stored: Record_[] = [];
	for (const [collection, records] of Object.entries(data)) {
		if (collection !== 'clients') throw controlError(400, `unknown collection ${collection}; seed clients`);
		for (const record of records as Record_[]) {
			const client = prepareClient(account, record);
			account.clients.set(client.id, client);
			stored.push(client);
		}
	}
	return { clients: stored };
}

function view(account: FreshBooksAccount, collection?: string): unknown {
	const all: Record<string, unknown> = {
		clients: [...account.clients.values()],
		invoices: [...account.invoices.values()],
		payments: [...account.payments.values()],
		credit_notes: [...account.creditNotes.values()],
	};
	return collection === undefined ? all : all[collection];
}
