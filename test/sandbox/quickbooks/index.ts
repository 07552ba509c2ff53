/**
 * The QuickBooks Online sandbox: Accounting API v3 under `/v3/company/{realmId}/…` with an OAuth2 bearer token bound to
 * one realm; create, read, sparse and full update (Id + SyncToken; a stale SyncToken is refused with 5010 Stale Object
 * Error), delete; `requestid` on any request replays the first response for the same company; the query language
 * (`/query?query=select … STARTPOSITION n MAXRESULTS m`, GET or POST as application/text) and change data capture
 * (`/cdc?entities=…&changedSince=…`); Fault bodies (ValidationFault, SystemFault, the AUTHENTICATION `fault` of a
 * refused token); 500 requests a minute per realm and 10 at once, each refused with QBO's 429 ThrottleExceeded.
 * The company's preferences (its home currency, multicurrency on) and its added currencies (CompanyCurrency).
 * `minorversion` is taken and logged (QBO treats every version below 75 as 75). Every response has an `intuit_tid`.
 */
import { randomUUID } from 'node:crypto';
import { ConnectionLimit } from '../framework/connections';
import { controlError } from '../framework/control';
import { IdempotencyCache } from '../framework/idempotency';
import type { Router } from '../framework/router';
import { SandboxError, type Handler, type SandboxRequest, type SandboxResponse, type VendorSandboxFactory } from '../framework/types';
import {
	defaultCompanyRecords,
	ENTITIES,
	fault,
	missingParam,
	now,
	objectNotFound,
	prepareCustomer,
	preparePayment,
	prepareSalesTransaction,
	SALES_TRANSACTIONS,
	toAmount,
	cents,
	validationFault,
	type QboRecord,
} from './entities';
import { matches, parseQuery, propertyOf, QueryParseError } from './query';

export const quickBooksAccessToken = 'sandbox-quickbooks-access-token';
export const quickBooksRealmId = '9341452113265770';

const API = '/v3/company/:realmId';
export const QBO_CONCURRENT_LIMIT = 10;
export const QBO_REQUESTS_PER_MINUTE = 500;
const REQUEST_ID_MAX = 50;

const throttled = (): SandboxResponse =>
	fault(429, 'SERVICE', [{ Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429', Detail: 'The request limit was reached.  Try again later', code: '3001' }]);

/** QBO's JSON for a refused token or realm: the lower-case `fault` envelope its gateway sends. */
function gatewayFault(status: number, message: string, detail: string | null, code: string, type: string): SandboxResponse {
	return {
		status,
		body: {
			warnings: null, intuitObject: null, fault: { error: [{ message, detail, code, element: null }], type }, report: null, queryResponse: null,
			batchItemResponse: [], attachableResponse: [], syncErrorResponse: null, requestId: null, time: Date.now(), status: null, cdcresponse: [],
		},
	};
}

const collectionOf = (entity: string) => `${entity.toLowerCase()}s`;

class QuickBooksCompany {
	records = new Map<string, Map<string, QboRecord>>();
	deleted: Array<{ entity: string; Id: string; at: string }> = [];
	nextIds = new Map<string, number>();
	/** The next n updates meet a record someone else just edited in QuickBooks (its SyncToken moved on). */
	concurrentEdits = 0;
	readonly connections = new ConnectionLimit(QBO_CONCURRENT_LIMIT, throttled);
	readonly requestIds = new IdempotencyCache({ mismatch: () => ({ status: 500 }) });

	constructor() {
		this.reset();
	}

	reset(): void {
		this.records = new Map(Object.values(ENTITIES).map((entity) => [entity, new Map()]));
		this.deleted = [];
		this.nextIds = new Map();
		this.concurrentEdits = 0;
		this.connections.reset();
		this.requestIds.reset();
		for (const [entity, records] of Object.entries(defaultCompanyRecords())) for (const record of records) this.store(entity, record);
	}

	find(entity: string, id: string): QboRecord | undefined {
		return this.records.get(entity)?.get(id);
	}

	all(entity: string): QboRecord[] {
		return [...(this.records.get(entity)?.values() ?? [])];
	}

	/** Keeps a record as QBO returns it: Id, SyncToken, MetaData, domain. */
	store(entity: string, record: QboRecord): QboRecord {
		const id = record.Id === undefined ? this.newId(entity) : String(record.Id);
		const stamp = now();
		const stored = { ...record, Id: id, SyncToken: record.SyncToken ?? '0', domain: 'QBO', sparse: false, MetaData: record.MetaData ?? { CreateTime: stamp, LastUpdatedTime: stamp } };
		const numeric = Number(id);
		if (Number.isInteger(numeric) && numeric >= (this.nextIds.get(entity) ?? 1)) this.nextIds.set(entity, numeric + 1);
		this.records.get(entity)!.set(id, stored);
		return stored;
	}

	private newId(entity: string): string {
		const id = this.nextIds.get(entity) ?? 1;
		this.nextIds.set(entity, id + 1);
		return String(id);
	}

	docNumber(entity: string): string {
		return String(1000 + this.all(entity).length + 1);
	}
}

export const createQuickBooksSandbox: VendorSandboxFactory = () => {
	const company = new QuickBooksCompany();
	return {
		credentials: { accessToken: quickBooksAccessToken, realmId: quickBooksRealmId },
		authenticate: (request) => authenticate(request),
		rateLimits: {
			defaults: [{ name: 'realm_per_minute', kind: 'sliding', limit: QBO_REQUESTS_PER_MINUTE, intervalMs: 60_000, match: { path: '^/v3/company/' } }],
			headers: () => ({}),
			rejection: () => throttled(),
		},
		errors: {
			serverError: (status) =>
				fault(status, 'SystemFault', [{ Message: 'An application error has occurred while processing your request', Detail: 'System Failure Error: An unexpected error occurred while accessing or saving your data. Please wait a few minutes and try again. If the problem persists, contact customer support.', code: '10000' }]),
			notFound: (request) => fault(404, 'ValidationFault', [{ Message: 'Unsupported Operation', Detail: `Operation ${request.method} ${request.path} is not supported.`, code: '500' }]),
			badRequest: (message) => fault(400, 'ValidationFault', [{ Message: 'Request has invalid or unsupported property', Detail: `Property Name:Can not parse the request body: ${message}`, code: '2010' }]),
		},
		routes: (router) => routes(router, company),
		data: { reset: () => company.reset(), seed: (data) => seed(company, data), state: (collection) => view(company, collection) },
		signWebhook: () => ({}),
		responseHeaders: () => ({ intuit_tid: randomUUID() }),
		/** `{ type: 'edit', entity, id, set? }`: someone edits a record in QuickBooks (its SyncToken moves on). */
		emitEvent: (event) => {
			if (event.type !== 'edit') throw controlError(400, 'type must be edit');
			const record = company.find(String(event.entity), String(event.id));
			if (!record) throw controlError(404, `no ${String(event.entity)} ${String(event.id)}`);
			return edit(record, (event.set as QboRecord | undefined) ?? {});
		},
		settings: {
			get: () => ({ responseDelayMs: company.connections.holdMs, concurrentEdits: company.concurrentEdits }),
			update: (patch) => {
				for (const [key, value] of Object.entries(patch)) {
					if (typeof value !== 'number' || value < 0 || !Number.isInteger(value)) throw controlError(400, `${key} must be a whole number >= 0`);
					if (key === 'responseDelayMs') company.connections.holdMs = value;
					else if (key === 'concurrentEdits') company.concurrentEdits = value;
					else throw controlError(400, `unknown setting ${key}; known: responseDelayMs, concurrentEdits`);
				}
				return { responseDelayMs: company.connections.holdMs, concurrentEdits: company.concurrentEdits };
			},
		},
	};
};

function authenticate(request: SandboxRequest): SandboxResponse | undefined {
	const header = request.headers.authorization;
	const [scheme, token] = typeof header === 'string' ? header.trim().split(/\s+/, 2) : [];
	if (!scheme || scheme.toLowerCase() !== 'bearer' || !token) {
		return gatewayFault(401, 'message=AuthenticationFailed; errorCode=003200; statusCode=401', 'Authorization header missing or not a bearer token', '3200', 'AUTHENTICATION');
	}
	if (token !== quickBooksAccessToken) {
		return gatewayFault(401, 'message=AuthenticationFailed; errorCode=003200; statusCode=401', 'Token expired or invalid', '3200', 'AUTHENTICATION');
	}
	const realm = /^\/v3\/company\/([^/]+)/.exec(request.path)?.[1];
	if (realm !== undefined && realm !== quickBooksRealmId) {
		return gatewayFault(403, 'message=AuthorizationFailed; errorCode=003100; statusCode=403', null, '3100', 'SERVICE');
	}
	return undefined;
}

function routes(router: Router, company: QuickBooksCompany): void {
	const route = (method: 'get' | 'post', pattern: string, handler: Handler) => router[method](`${API}${pattern}`, company.connections.wrap(replayed(company, handler)));
	route('get', '/companyinfo/:id', (request) => ({
		status: 200,
		body: { CompanyInfo: { Id: request.params.id, CompanyName: 'Sandbox Company_US_1', Country: 'US', SyncToken: '0', domain: 'QBO' }, time: now() },
	}));
	route('get', '/preferences', () => ({
		status: 200,
		body: { Preferences: { Id: '1', SyncToken: '0', CurrencyPrefs: { MultiCurrencyEnabled: true, HomeCurrency: { value: 'USD' } } }, time: now() },
	}));
	route('get', '/query', (request) => query(company, request.query.get('query')));
	route('post', '/query', (request) => query(company, typeof request.body === 'string' ? request.body : request.query.get('query')));
	route('get', '/cdc', (request) => changes(company, request));
	route('get', '/:entity/:id', (request) => {
		const entity = entityOf(request);
		const record = company.find(entity, request.params.id);
		if (!record) throw objectNotFound(entity, request.params.id);
		return ok(entity, record);
	});
	route('post', '/:entity', (request) => write(company, entityOf(request), request));
}

/** `requestid`: the first response under an id is the answer to every repeat in the same company (while it runs, too). */
function replayed(company: QuickBooksCompany, handler: Handler): Handler {
	return async (request) => {
		const requestId = request.query.get('requestid');
		if (requestId === null || requestId === '') return handler(request);
		if (requestId.length > REQUEST_ID_MAX) {
			return fault(400, 'ValidationFault', [{ Message: 'String length specified does not match the supported length', Detail: `requestid: Min:1 Max:${REQUEST_ID_MAX} supported. Supplied length:${requestId.length}`, code: '2050' }]);
		}
		return company.requestIds.run(`${request.params.realmId}:${requestId}`, '', async () => {
			try {
				return await handler(request);
			} catch (error) {
				if (error instanceof SandboxError) return error.response;
				throw error;
			}
		});
	};
}

function entityOf(request: SandboxRequest): string {
	const entity = ENTITIES[request.params.entity.toLowerCase()];
	if (!entity) throw new SandboxError(fault(400, 'ValidationFault', [{ Message: 'Unsupported Operation', Detail: `Operation ${request.params.entity} is not supported.`, code: '500' }]));
	return entity;
}

const ok = (entity: string, record: QboRecord): SandboxResponse => ({ status: 200, body: { [entity]: record, time: now() } });

function write(company: QuickBooksCompany, entity: string, request: SandboxRequest): SandboxResponse {
	const body = request.body as QboRecord | undefined;
	if (body === null || typeof body !== 'object' || Array.isArray(body)) throw missingParam(entity);
	const operation = request.query.get('operation');
	if (operation === 'delete') return remove(company, entity, body);
	if (operation !== null && operation !== 'update') throw validationFault('2170', 'Invalid Enumeration', `Invalid Enumeration : operation=${operation}`);
	if (body.Id !== undefined && body.Id !== '') return update(company, entity, body);
	if (['Item', 'Account', 'TaxCode'].includes(entity)) return ok(entity, company.store(entity, { ...body, Active: body.Active ?? true }));
	return ok(entity, create(company, entity, { ...body }));
}

function create(company: QuickBooksCompany, entity: string, record: QboRecord): QboRecord {
	prepare(company, entity, record);
	if (SALES_TRANSACTIONS.has(entity) || entity === 'Payment') record.DocNumber ??= company.docNumber(entity);
	const applied = entity === 'Payment' ? preparePayment(record, company) : [];
	const stored = company.store(entity, record);
	for (const { invoice, amount } of applied) settleInvoice(invoice, -amount);
	return stored;
}

function prepare(company: QuickBooksCompany, entity: string, record: QboRecord): void {
	if (entity === 'Customer') prepareCustomer(record, company.all('Customer'));
	else if (SALES_TRANSACTIONS.has(entity)) prepareSalesTransaction(entity, record, company);
}

/** An invoice's Balance moves by `deltaCents` (a payment applied is negative), and its SyncToken with it. */
function settleInvoice(invoice: QboRecord, deltaCents: number): void {
	invoice.Balance = toAmount(cents(invoice.Balance, 'Balance') + deltaCents);
	touch(invoice);
}

function touch(record: QboRecord): void {
	record.SyncToken = String(Number(record.SyncToken) + 1);
	record.MetaData = { ...record.MetaData, LastUpdatedTime: now() };
}

function edit(record: QboRecord, changes: QboRecord): QboRecord {
	Object.assign(record, changes);
	touch(record);
	return record;
}

/** Full update replaces the writable fields, sparse (`"sparse": true`) only those sent; both need the current SyncToken. */
function update(company: QuickBooksCompany, entity: string, body: QboRecord): SandboxResponse {
	const current = company.find(entity, String(body.Id));
	if (!current) throw objectNotFound(entity, body.Id);
	if (body.SyncToken === undefined || body.SyncToken === '') throw missingParam('SyncToken');
	if (company.concurrentEdits > 0) {
		company.concurrentEdits--;
		touch(current);
	}
	if (String(body.SyncToken) !== current.SyncToken) {
		throw validationFault('5010', 'Stale Object Error', `Stale Object Error : You and QuickBooks User were working on this at the same time. QuickBooks User finished before you did, so your work was not saved.`);
	}
	if (entity === 'Payment') throw validationFault('6000', 'A business validation error has occurred while processing your request', 'Business Validation Error: the sandbox does not update payments; delete and record it again.');
	const { Id, SyncToken: _token, sparse, MetaData: _meta, domain: _domain, ...changes } = body;
	const base = sparse === true ? { ...current } : pick(current, ['Id', 'SyncToken', 'MetaData', 'domain', 'DocNumber']);
	const next: QboRecord = { ...base, ...changes, Id };
	prepare(company, entity, next);
	const stored = { ...next, SyncToken: current.SyncToken, MetaData: current.MetaData, domain: 'QBO', sparse: false };
	touch(stored);
	company.records.get(entity)!.set(String(Id), stored);
	return ok(entity, stored);
}

function remove(company: QuickBooksCompany, entity: string, body: QboRecord): SandboxResponse {
	const current = company.find(entity, String(body.Id));
	if (!current) throw objectNotFound(entity, body.Id);
	if (String(body.SyncToken) !== current.SyncToken) throw validationFault('5010', 'Stale Object Error', 'Stale Object Error : You and QuickBooks User were working on this at the same time.');
	company.records.get(entity)!.delete(String(body.Id));
	company.deleted.push({ entity, Id: String(body.Id), at: now() });
	return { status: 200, body: { [entity]: { domain: 'QBO', status: 'Deleted', Id: String(body.Id) }, time: now() } };
}

function pick(record: QboRecord, fields: string[]): QboRecord {
	return Object.fromEntries(fields.filter((field) => record[field] !== undefined).map((field) => [field, record[field]]));
}

function query(company: QuickBooksCompany, text: string | null): SandboxResponse {
	if (!text) throw missingParam('query');
	let parsed;
	try {
		parsed = parseQuery(text);
	} catch (error) {
		if (!(error instanceof QueryParseError)) throw error;
		return fault(400, 'ValidationFault', [{ Message: 'Error parsing query', Detail: `QueryParserError: ${error.message}`, code: '4000' }]);
	}
	const entity = Object.values(ENTITIES).find((name) => name.toLowerCase() === parsed.entity.toLowerCase());
	if (!entity) return fault(400, 'ValidationFault', [{ Message: 'Invalid query', Detail: `QueryValidationError: Unsupported Entity: ${parsed.entity}`, code: '4001' }]);
	let found = company.all(entity).filter((record) => matches(record, parsed.conditions));
	if (parsed.count) return { status: 200, body: { QueryResponse: { totalCount: found.length }, time: now() } };
	const order = parsed.orderBy;
	found = order
		? [...found].sort((a, b) => {
				const [left, right] = [propertyOf(a, order.field), propertyOf(b, order.field)].map((value) => (typeof value === 'number' ? value : String(value ?? '')));
				const sign = left < right ? -1 : left > right ? 1 : 0;
				return order.descending ? -sign : sign;
			})
		: found.sort((a, b) => Number(a.Id) - Number(b.Id));
	const page = found.slice(parsed.startPosition - 1, parsed.startPosition - 1 + parsed.maxResults);
	const response = page.length === 0 ? {} : { [entity]: page, startPosition: parsed.startPosition, maxResults: page.length };
	return { status: 200, body: { QueryResponse: response, time: now() } };
}

/** Change data capture: the named entities changed (or deleted, as `status: Deleted`) since `changedSince`. */
function changes(company: QuickBooksCompany, request: SandboxRequest): SandboxResponse {
	const names = request.query.get('entities');
	const since = request.query.get('changedSince');
	if (!names) throw missingParam('entities');
	if (!since || Number.isNaN(Date.parse(since))) throw missingParam('changedSince');
	const sinceMs = Date.parse(since);
	const responses = names.split(',').map((name) => {
		const entity = Object.values(ENTITIES).find((known) => known.toLowerCase() === name.trim().toLowerCase());
		if (!entity) throw validationFault('4001', 'Invalid query', `Unsupported Entity: ${name}`);
		const changed = company.all(entity).filter((record) => Date.parse(record.MetaData.LastUpdatedTime) >= sinceMs);
		const removed = company.deleted.filter((entry) => entry.entity === entity && Date.parse(entry.at) >= sinceMs).map((entry) => ({ domain: 'QBO', status: 'Deleted', Id: entry.Id, MetaData: { LastUpdatedTime: entry.at } }));
		const all = [...changed, ...removed];
		return all.length === 0 ? {} : { [entity]: all, startPosition: 1, maxResults: all.length, totalCount: all.length };
	});
	return { status: 200, body: { CDCResponse: [{ QueryResponse: responses }], time: now() } };
}

function seed(company: QuickBooksCompany, data: Record<string, unknown[]>): unknown {
	const stored: Record<string, QboRecord[]> = {};
	for (const [collection, records] of Object.entries(data)) {
		const entity = Object.values(ENTITIES).find((name) => collectionOf(name) === collection);
		if (!entity) throw controlError(400, `unknown collection ${collection}; known: ${Object.values(ENTITIES).map(collectionOf).join(', ')}`);
		stored[collection] = (records as QboRecord[]).map((record) => {
			try {
				return ['Item', 'Account', 'TaxCode'].includes(entity) ? company.store(entity, { Active: true, ...record }) : create(company, entity, { ...record });
			} catch (error) {
				if (error instanceof SandboxError) throw controlError(400, JSON.stringify(error.response.body));
				throw error;
			}
		});
	}
	return stored;
}

function view(company: QuickBooksCompany, collection?: string): unknown {
	const all: Record<string, unknown> = Object.fromEntries(Object.values(ENTITIES).map((entity) => [collectionOf(entity), company.all(entity)]));
	all.deleted = company.deleted;
	all.connections = company.connections.view();
	return collection === undefined ? all : all[collection];
}
