/**
 * The Freshdesk sandbox (PLATFORMS.md, Freshdesk API v2): Basic auth with the API key as user name (any password,
 * "X" by convention), contacts / companies / tickets / conversations / agents, lists paged by `page` and `per_page`
 * (30 by default, at most 100) with a `Link: <…>; rel="next"` header, `updated_since` on tickets (sorted by
 * `order_by`/`order_type`; at most 300 pages) and `_updated_since` on contacts, per-minute limits by plan (Growth:
 * 200 a minute; ticket create and update 80, ticket and contact lists 20 each) reported in X-RateLimit-Total /
 * -Remaining / -Used-CurrentRequest, 429 with Retry-After in seconds, errors `{description, errors:[{field, message,
 * code}]}`. Automation rules' webhooks: every ticket created or updated through the API is posted to the targets
 * registered through `/__control/webhooks` with the target's secret in X-Freshdesk-Webhook-Secret (Freshdesk signs
 * nothing). The 300-page cap and the 429 body's wording are not in a published description (unverified).
 */
import { controlError } from '../framework/control';
import type { RateWindow, WindowUsage } from '../framework/rateLimit';
import type { Router } from '../framework/router';
import { SandboxError, type SandboxRequest, type SandboxResponse, type VendorSandboxFactory } from '../framework/types';

export const freshdeskApiKey = 'sandbox-freshdesk-api-key';
export const freshdeskAgentEmail = 'agent@freshdesk-sandbox.example';

const collections = ['contacts', 'companies', 'tickets', 'conversations', 'agents'] as const;
type Collection = (typeof collections)[number];
type FRecord = Record<string, unknown> & { id: number; created_at: string; updated_at: string };

const writable: Record<Exclude<Collection, 'conversations' | 'agents'>, string[]> = {
	contacts: ['name', 'email', 'phone', 'mobile', 'company_id', 'job_title', 'description', 'address', 'unique_external_id', 'twitter_id', 'tags', 'language', 'time_zone', 'custom_fields'],
	companies: ['name', 'domains', 'description', 'note', 'industry', 'health_score', 'account_tier', 'custom_fields'],
	tickets: ['subject', 'description', 'status', 'priority', 'type', 'source', 'tags', 'group_id', 'responder_id', 'requester_id', 'email', 'custom_fields'],
};

const TICKET_STATUSES = [2, 3, 4, 5];
const TICKET_PRIORITIES = [1, 2, 3, 4];
const MAX_TICKET_PAGE = 300;

/** Growth plan windows: the account's minute and the endpoints limited on their own. */
export const freshdeskRateWindows: RateWindow[] = [
	{ name: 'account', kind: 'sliding', limit: 200, intervalMs: 60_000 },
	{ name: 'ticket_create', kind: 'sliding', limit: 80, intervalMs: 60_000, match: { method: 'POST', path: '^/api/v2/tickets/?$' } },
	{ name: 'ticket_update', kind: 'sliding', limit: 80, intervalMs: 60_000, match: { method: 'PUT', path: '^/api/v2/tickets/\\d+/?$' } },
	{ name: 'tickets_list', kind: 'sliding', limit: 20, intervalMs: 60_000, match: { method: 'GET', path: '^/api/v2/tickets/?$' } },
	{ name: 'contacts_list', kind: 'sliding', limit: 20, intervalMs: 60_000, match: { method: 'GET', path: '^/api/v2/contacts/?$' } },
];

type FieldProblem = { field: string; message: string; code: string; additional_info?: Record<string, unknown> };

function invalid(problems: FieldProblem[], status = 400): SandboxError {
	return new SandboxError({ status, body: { description: 'Validation failed', errors: problems } });
}

const notFound = (): SandboxError => new SandboxError({ status: 404, body: '' });

/** Freshdesk timestamps have second precision. */
function stamp(): string {
	return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function stripHtml(html: string): string {
	return html.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim();
}

function escapeHtml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>');
}

class Account {
	readonly tables: Record<Collection, Map<number, FRecord>> = { contacts: new Map(), companies: new Map(), tickets: new Map(), conversations: new Map(), agents: new Map() };
	private nextId = 1000;

	constructor(private readonly changed: (event: 'ticket.created' | 'ticket.updated', ticket: FRecord) => void) {
		this.reset();
	}

	reset(): void {
		for (const table of Object.values(this.tables)) table.clear();
		this.nextId = 1000;
		this.addAgent({ email: freshdeskAgentEmail, name: 'Sandbox Agent' });
	}

	addAgent(input: Record<string, unknown>): FRecord {
		const now = stamp();
		const id = typeof input.id === 'number' ? input.id : this.nextId++;
		const agent: FRecord = { id, available: true, occasional: false, created_at: now, updated_at: now, contact: { name: input.name ?? input.email, email: input.email, active: true } };
		this.tables.agents.set(id, agent);
		return agent;
	}

	live(collection: Collection, id: number): FRecord {
		const record = this.tables[collection].get(id);
		if (!record || record.deleted === true) throw notFound();
		return record;
	}

	private clean(collection: keyof typeof writable, fields: Record<string, unknown>): Record<string, unknown> {
		const unknown = Object.keys(fields).filter((name) => !writable[collection].includes(name));
		if (unknown.length > 0) throw invalid(unknown.map((field) => ({ field, message: 'Unexpected/invalid field in request', code: 'invalid_field' })));
		return { ...fields };
	}

	private checkContact(fields: Record<string, unknown>, selfId?: number): void {
		if (fields.email === undefined || fields.email === null) return;
		if (typeof fields.email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(fields.email)) throw invalid([{ field: 'email', message: 'It should be in the \'valid email address\' format', code: 'invalid_value' }]);
		const holder = [...this.tables.contacts.values()].find((contact) => contact.id !== selfId && String(contact.email ?? '').toLowerCase() === (fields.email as string).toLowerCase());
		if (holder) throw invalid([{ field: 'email', message: "It should be a unique value", code: 'duplicate_value', additional_info: { user_id: holder.id } }], 409);
	}

	private checkCompany(fields: Record<string, unknown>, selfId?: number): void {
		if (fields.name === undefined) return;
		if (typeof fields.name !== 'string' || fields.name.trim() === '') throw invalid([{ field: 'name', message: 'It should not be blank as this is a mandatory field', code: 'missing_field' }]);
		const holder = [...this.tables.companies.values()].find((company) => company.id !== selfId && String(company.name).toLowerCase() === (fields.name as string).toLowerCase());
		if (holder) throw invalid([{ field: 'name', message: 'It should be a unique value', code: 'duplicate_value', additional_info: { company_id: holder.id } }], 409);
	}

	private checkTicket(fields: Record<string, unknown>): void {
		const problems: FieldProblem[] = [];
		for (const [field, allowed] of [['status', TICKET_STATUSES], ['priority', TICKET_PRIORITIES]] as const) {
			const value = fields[field];
			if (value === undefined) continue;
			if (typeof value !== 'number') problems.push({ field, message: `Value set is of type ${typeof value === 'string' ? 'String' : typeof value}.It should be a/an Integer`, code: 'datatype_mismatch' });
			else if (!allowed.includes(value)) problems.push({ field, message: `It should be one of these values: '${allowed.join(',')}'`, code: 'invalid_value' });
		}
		if (fields.responder_id !== undefined && fields.responder_id !== null && !this.tables.agents.has(Number(fields.responder_id))) {
			problems.push({ field: 'responder_id', message: 'There is no agent matching the given responder_id', code: 'invalid_value' });
		}
		if (problems.length > 0) throw invalid(problems);
	}

	/** A ticket's requester by email is found among the contacts, or created as Freshdesk does. */
	private requesterFor(email: unknown): number {
		if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw invalid([{ field: 'email', message: 'It should be in the \'valid email address\' format', code: 'invalid_value' }]);
		const found = [...this.tables.contacts.values()].find((contact) => String(contact.email ?? '').toLowerCase() === email.toLowerCase());
		return found ? found.id : this.create('contacts', { name: email.split('@')[0], email: email.toLowerCase() }).id;
	}

	create(collection: keyof typeof writable, input: Record<string, unknown>): FRecord {
		const fields = this.clean(collection, input);
		const now = stamp();
		if (collection === 'contacts') {
			if (typeof fields.name !== 'string' || fields.name.trim() === '') throw invalid([{ field: 'name', message: 'It should not be blank as this is a mandatory field', code: 'missing_field' }]);
			if (!fields.email && !fields.phone && !fields.mobile) throw invalid([{ field: 'email', message: 'Please fill at least 1 of email, mobile, phone, twitter_id, unique_external_id fields', code: 'missing_field' }]);
			this.checkContact(fields);
			const contact: FRecord = { ...fields, id: this.nextId++, active: false, deleted: false, created_at: now, updated_at: now };
			this.tables.contacts.set(contact.id, contact);
			return contact;
		}
		if (collection === 'companies') {
			if (fields.name === undefined) throw invalid([{ field: 'name', message: 'It should not be blank as this is a mandatory field', code: 'missing_field' }]);
			this.checkCompany(fields);
			const company: FRecord = { domains: [], ...fields, id: this.nextId++, created_at: now, updated_at: now };
			this.tables.companies.set(company.id, company);
			return company;
		}
		this.checkTicket(fields);
		if (fields.requester_id === undefined && fields.email === undefined) throw invalid([{ field: 'requester_id', message: 'Please fill at least 1 of requester_id, phone, email, twitter_id, facebook_id, unique_external_id fields', code: 'missing_field' }]);
		const { email, ...own } = fields;
		const requesterId = own.requester_id !== undefined ? Number(own.requester_id) : this.requesterFor(email);
		if (!this.tables.contacts.has(requesterId)) throw invalid([{ field: 'requester_id', message: 'There is no contact matching the given requester_id', code: 'invalid_value' }]);
		const description = typeof own.description === 'string' ? own.description : '';
		const ticket: FRecord = {
			status: 2, priority: 1, source: 2, type: null, tags: [], responder_id: null, group_id: null, subject: '', ...own,
			description: escapeHtml(description).replace(/^(.*)$/s, description ? '<div>$1</div>' : ''), description_text: description,
			requester_id: requesterId, id: this.nextId++, deleted: false, created_at: now, updated_at: now,
		};
		this.tables.tickets.set(ticket.id, ticket);
		this.changed('ticket.created', ticket);
		return ticket;
	}

	update(collection: keyof typeof writable, id: number, input: Record<string, unknown>): FRecord {
		const record = this.live(collection, id);
		const fields = this.clean(collection, input);
		if (collection === 'contacts') this.checkContact(fields, id);
		if (collection === 'companies') this.checkCompany(fields, id);
		if (collection === 'tickets') {
			this.checkTicket(fields);
			const { email, description, ...own } = fields;
			if (email !== undefined) own.requester_id = this.requesterFor(email);
			if (typeof description === 'string') Object.assign(own, { description: description ? `<div>${escapeHtml(description)}</div>` : '', description_text: description });
			Object.assign(record, own, { updated_at: stamp() });
			this.changed('ticket.updated', record);
			return record;
		}
		Object.assign(record, fields, { updated_at: stamp() });
		return record;
	}

	remove(collection: keyof typeof writable, id: number): void {
		const record = this.live(collection, id);
		if (collection === 'companies') this.tables.companies.delete(id);
		else Object.assign(record, { deleted: true, updated_at: stamp() });
	}

	converse(ticketId: number, body: unknown, isPrivate: boolean, kind: 'reply' | 'note'): FRecord {
		const ticket = this.live('tickets', ticketId);
		if (typeof body !== 'string' || body.trim() === '') throw invalid([{ field: 'body', message: 'It should not be blank as this is a mandatory field', code: 'missing_field' }]);
		const now = stamp();
		const html = /<[a-z][\s\S]*>/i.test(body) ? body : `<div>${escapeHtml(body)}</div>`;
		const conversation: FRecord = {
			id: this.nextId++, ticket_id: ticketId, body: html, body_text: stripHtml(html), incoming: false, private: isPrivate, source: kind === 'reply' ? 0 : 2,
			user_id: [...this.tables.agents.keys()][0], support_email: null, created_at: now, updated_at: now,
		};
		this.tables.conversations.set(conversation.id, conversation);
		ticket.updated_at = now;
		this.changed('ticket.updated', ticket);
		return conversation;
	}
}

/** `page` and `per_page` (30 by default, at most 100), with Link rel="next" when more follow. */
function paged(request: SandboxRequest, records: FRecord[], url: string, maxPage?: number): SandboxResponse {
	const perPageText = request.query.get('per_page');
	const pageText = request.query.get('page');
	const perPage = perPageText === null ? 30 : Number(perPageText);
	const page = pageText === null ? 1 : Number(pageText);
	if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) throw invalid([{ field: 'per_page', message: 'It should be a Positive Integer less than or equal to 100', code: 'invalid_value' }]);
	if (!Number.isInteger(page) || page < 1) throw invalid([{ field: 'page', message: 'It should be a Positive Integer', code: 'invalid_value' }]);
	if (maxPage !== undefined && page > maxPage) throw invalid([{ field: 'page', message: `It should be a Positive Integer less than or equal to ${maxPage}`, code: 'invalid_value' }]);
	const slice = records.slice((page - 1) * perPage, page * perPage);
	const more = page * perPage < records.length && (maxPage === undefined || page < maxPage);
	const next = new URL(url);
	for (const [key, value] of request.query) next.searchParams.set(key, value);
	next.searchParams.set('page', String(page + 1));
	next.searchParams.set('per_page', String(perPage));
	return { status: 200, body: slice, headers: more ? { link: `<${next.toString()}>; rel="next"` } : {} };
}

function sinceFilter(request: SandboxRequest, parameter: string): number | undefined {
	const value = request.query.get(parameter);
	if (value === null) return undefined;
	const at = Date.parse(value);
	if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at)) throw invalid([{ field: parameter, message: "It should be in the 'valid date-time' format", code: 'invalid_value' }]);
	return at;
}

function bodyOf(request: SandboxRequest): Record<string, unknown> {
	const body = request.body;
	if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid([{ field: 'body', message: 'It should be a JSON object', code: 'invalid_value' }]);
	return body as Record<string, unknown>;
}

function routes(router: Router, account: Account, baseUrl: () => string): void {
	const ok = (body: unknown, status = 200): SandboxResponse => ({ status, body });
	const idOf = (request: SandboxRequest) => {
		const id = Number(request.params.id);
		if (!Number.isInteger(id)) throw notFound();
		return id;
	};
	router.get('/api/v2/agents/me', () => ok(account.tables.agents.values().next().value));
	router.get('/api/v2/agents', (request) => {
		const email = request.query.get('email');
		const agents = [...account.tables.agents.values()].filter((agent) => !email || String((agent.contact as { email?: string }).email).toLowerCase() === email.toLowerCase());
		return paged(request, agents, `${baseUrl()}/api/v2/agents`);
	});
	router.get('/api/v2/agents/:id', (request) => ok(account.live('agents', idOf(request))));

	router.get('/api/v2/contacts', (request) => {
		const since = sinceFilter(request, '_updated_since');
		const contacts = [...account.tables.contacts.values()].filter((contact) => contact.deleted !== true && (since === undefined || Date.parse(contact.updated_at) >= since)).sort((a, b) => a.id - b.id);
		return paged(request, contacts, `${baseUrl()}/api/v2/contacts`);
	});
	router.get('/api/v2/companies', (request) => paged(request, [...account.tables.companies.values()].sort((a, b) => a.id - b.id), `${baseUrl()}/api/v2/companies`));
	router.get('/api/v2/tickets', (request) => {
		// Without updated_since Freshdesk lists the tickets created in the last 30 days.
		const since = sinceFilter(request, 'updated_since');
		const createdAfter = Date.now() - 30 * 86_400_000;
		const orderBy = request.query.get('order_by') ?? 'created_at';
		const orderType = request.query.get('order_type') ?? 'desc';
		if (!['created_at', 'updated_at', 'status', 'priority', 'due_by'].includes(orderBy)) throw invalid([{ field: 'order_by', message: "It should be one of these values: 'due_by,created_at,updated_at,priority,status'", code: 'invalid_value' }]);
		if (!['asc', 'desc'].includes(orderType)) throw invalid([{ field: 'order_type', message: "It should be one of these values: 'asc,desc'", code: 'invalid_value' }]);
		const include = (request.query.get('include') ?? '').split(',').filter(Boolean);
		const unknownInclude = include.filter((name) => !['description', 'requester', 'stats', 'company'].includes(name));
		if (unknownInclude.length > 0) throw invalid([{ field: 'include', message: "It should be one of these values: 'requester,stats,company,description'", code: 'invalid_value' }]);
		const key = (ticket: FRecord) => (orderBy.endsWith('_at') || orderBy === 'due_by' ? Date.parse(String(ticket[orderBy] ?? ticket.created_at)) : Number(ticket[orderBy]));
		const tickets = [...account.tables.tickets.values()]
			.filter((ticket) => ticket.deleted !== true && (since === undefined ? Date.parse(ticket.created_at) >= createdAfter : Date.parse(ticket.updated_at) >= since))
			.sort((a, b) => (key(a) - key(b) || a.id - b.id) * (orderType === 'asc' ? 1 : -1))
			.map(({ description, description_text: descriptionText, ...ticket }) => ({
				...ticket,
				...(include.includes('description') ? { description, description_text: descriptionText } : {}),
				...(include.includes('requester') ? { requester: requesterOf(account, ticket.requester_id as number) } : {}),
			})) as FRecord[];
		return paged(request, tickets, `${baseUrl()}/api/v2/tickets`, MAX_TICKET_PAGE);
	});
	router.get('/api/v2/tickets/:id/conversations', (request) => {
		const ticketId = account.live('tickets', idOf(request)).id;
		const conversations = [...account.tables.conversations.values()].filter((conversation) => conversation.ticket_id === ticketId).sort((a, b) => a.id - b.id);
		return paged(request, conversations, `${baseUrl()}/api/v2/tickets/${ticketId}/conversations`);
	});
	router.post('/api/v2/tickets/:id/reply', (request) => ok(account.converse(idOf(request), bodyOf(request).body, false, 'reply'), 201));
	router.post('/api/v2/tickets/:id/notes', (request) => {
		const body = bodyOf(request);
		if (body.private !== undefined && typeof body.private !== 'boolean') throw invalid([{ field: 'private', message: 'It should be a/an Boolean', code: 'datatype_mismatch' }]);
		return ok(account.converse(idOf(request), body.body, body.private !== false, 'note'), 201);
	});
	for (const collection of ['contacts', 'companies', 'tickets'] as const) {
		router.post(`/api/v2/${collection}`, (request) => ok(account.create(collection, bodyOf(request)), 201));
		router.get(`/api/v2/${collection}/:id`, (request) => ok(account.live(collection, idOf(request))));
		router.put(`/api/v2/${collection}/:id`, (request) => ok(account.update(collection, idOf(request), bodyOf(request))));
		router.delete(`/api/v2/${collection}/:id`, (request) => {
			account.remove(collection, idOf(request));
			return { status: 204 };
		});
	}
}

function requesterOf(account: Account, id: number): Record<string, unknown> | null {
	const contact = account.tables.contacts.get(id);
	return contact ? { id: contact.id, name: contact.name, email: contact.email ?? null, mobile: contact.mobile ?? null, phone: contact.phone ?? null } : null;
}

export const signFreshdeskWebhook = ({ secret }: { secret: string }) => ({ 'X-Freshdesk-Webhook-Secret': secret });

export const createFreshdeskSandbox: VendorSandboxFactory = (services) => {
	// An automation rule per event: every ticket created or updated is posted to the registered targets.
	const account = new Account((event, ticket) => services.publishWebhook({ event, ticket_id: ticket.id, status: ticket.status, priority: ticket.priority, updated_at: ticket.updated_at }));
	return {
		credentials: { apiKey: freshdeskApiKey },
		authenticate: (request) => {
			const header = request.headers.authorization;
			const reject = { status: 401, body: { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' } };
			if (typeof header !== 'string' || !/^basic\s+/i.test(header)) return reject;
			const user = Buffer.from(header.replace(/^basic\s+/i, ''), 'base64').toString('utf8').split(':')[0];
			return user === freshdeskApiKey ? undefined : reject;
		},
		rateLimits: {
			defaults: freshdeskRateWindows,
			headers(usage: WindowUsage[]): Record<string, string> {
				const minute = usage.find((entry) => entry.window.name === 'account');
				return minute ? { 'X-RateLimit-Total': String(minute.window.limit), 'X-RateLimit-Remaining': String(minute.remaining), 'X-RateLimit-Used-CurrentRequest': '1' } : {};
			},
			rejection: (_blocked, retryAfterMs) => ({
				status: 429,
				headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
				body: { message: 'You have exceeded the limit of requests per minute' },
			}),
		},
		errors: {
			serverError: (status) => ({ status, body: { code: 'internal_error', message: 'We are facing some trouble, please try again later' } }),
			notFound: () => ({ status: 404, body: '' }),
			badRequest: (message) => ({ status: 400, body: { code: 'invalid_json', message } }),
		},
		routes: (router) => routes(router, account, () => services.baseUrl()),
		data: {
			reset: () => account.reset(),
			seed: (data) => Object.fromEntries(Object.entries(data).map(([name, records]) => {
				if (name === 'agents') return [name, (records as Array<Record<string, unknown>>).map((record) => account.addAgent(record))];
				if (name !== 'contacts' && name !== 'companies' && name !== 'tickets') throw controlError(400, `unknown collection ${name}; use contacts, companies, tickets, agents`);
				return [name, (records as Array<Record<string, unknown>>).map((record) => account.create(name, record))];
			})),
			state: (collection) => (collection === undefined
				? Object.fromEntries(collections.map((name) => [name, [...account.tables[name].values()]]))
				: collections.includes(collection as Collection) ? [...account.tables[collection as Collection].values()] : undefined),
		},
		signWebhook: ({ secret }) => signFreshdeskWebhook({ secret }),
	};
};
