/**
 * The Intercom sandbox (PLATFORMS.md, specs/intercom): Bearer token, `Intercom-Version` (2.14 by default),
 * contacts (create, update, archive, unarchive, delete, find by external id, search with pages and starting_after),
 * companies (create or update by `company_id`, get, update, delete, scroll), tickets (create for one contact, get,
 * update, delete, search answered as `ticket.list`; states by id, assignment to an admin, ticket parts: admin replies
 * as comments or notes), ticket types and ticket states listed, admins listed (seeded with `admins`), search on
 * dates at calendar-day precision, 409 for a taken email, `error.list` bodies, 10-second windows reported in
 * X-RateLimit-Limit|Remaining|Reset, webhooks signed `X-Hub-Signature: sha1=…`.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';

import { bearerAuth } from '../framework/auth';
import { controlError } from '../framework/control';
import type { RateWindow, WindowUsage } from '../framework/rateLimit';
import type { Router } from '../framework/router';
import { SandboxError, type SandboxRequest, type SandboxResponse, type VendorSandboxFactory } from '../framework/types';

export const intercomAccessToken = 'sandbox-intercom-token';
const versions = ['2.10', '2.11', '2.12', '2.13', '2.14', '2.15', '2.16', 'Unstable'];
const writable = ['role', 'external_id', 'email', 'phone', 'name', 'avatar', 'signed_up_at', 'last_seen_at', 'owner_id', 'unsubscribed_from_emails', 'custom_attributes'];

export const intercomRateWindows: RateWindow[] = [{ name: 'ten_seconds', kind: 'fixed', limit: 1666, intervalMs: 10_000 }];

const companyWritable = ['name', 'company_id', 'plan', 'size', 'website', 'industry', 'custom_attributes', 'remote_created_at', 'monthly_spend'];
const ticketWritable = ['ticket_attributes', 'ticket_state_id', 'company_id', 'open', 'is_shared', 'snoozed_until', 'assignment'];

/** A workspace's ticket states, one per category (Intercom's defaults; workspaces may add their own). */
const ticketStates = [
	{ type: 'ticket_state', id: '1', category: 'submitted', internal_label: 'Submitted', external_label: 'Submitted' },
	{ type: 'ticket_state', id: '2', category: 'in_progress', internal_label: 'In progress', external_label: 'In progress' },
	{ type: 'ticket_state', id: '3', category: 'waiting_on_customer', internal_label: 'Waiting on customer', external_label: 'Waiting on you' },
	{ type: 'ticket_state', id: '4', category: 'resolved', internal_label: 'Resolved', external_label: 'Resolved' },
];

/**
 * The ticket types a new workspace has here: customer ticket types (the tests' 1 and 7), one back-office, and one
 * archived, which Intercom still lists (flagged) and the package leaves out.
 */
const defaultTicketTypes = [
	{ id: '1', name: 'Customer question', category: 'Customer' },
	{ id: '2', name: 'Escalation', category: 'Back-office' },
	{ id: '7', name: 'Bug Report', category: 'Customer' },
	{ id: '9', name: 'Old Feedback Form', category: 'Customer', archived: true },
];
const SCROLL_PAGE = 50;

type Contact = Record<string, unknown> & { id: string; updated_at: number; created_at: number };
type Company = Contact;
type Ticket = Contact;
type SearchQuery = { field?: string; operator?: string; value?: unknown };
type SearchBody = { query?: SearchQuery; pagination?: { per_page?: number; starting_after?: string }; sort?: { field?: string; order?: string } };

function errorList(status: number, code: string, message: string, field?: string): SandboxResponse {
	return { status, body: { type: 'error.list', request_id: randomUUID(), errors: [{ code, message, ...(field ? { field } : {}) }] } };
}

function fail(status: number, code: string, message: string, field?: string): never {
	throw new SandboxError(errorList(status, code, message, field));
}

function onlyWritable(fields: Record<string, unknown>, writableNames: string[]): Record<string, unknown> {
	const unknown = Object.keys(fields).find((name) => !writableNames.includes(name));
	if (unknown) fail(400, 'parameter_invalid', `${unknown} is not a valid parameter`, unknown);
	return fields;
}

const newId = () => randomBytes(12).toString('hex');

/**
 * Company fields as Intercom answers them: a field never set is absent (not null), and `plan`, written as a plan
 * name, is answered as a plan object.
 */
function companyFields(clean: Record<string, unknown>): Record<string, unknown> {
	const { plan, ...rest } = clean;
	if (plan === undefined) return rest;
	return { ...rest, plan: { type: 'plan', id: createHmac('sha1', 'plan').update(String(plan)).digest('hex').slice(0, 8), name: String(plan) } };
}
const now = () => Math.floor(Date.now() / 1000);

/**
 * Whether a timestamp matches a date filter at calendar-day precision, as Intercom documents it (UTC workspace): the
 * value is truncated to its day; `>` matches from the start of the next day, `<` before the start of that day.
 */
function matchesDay(stamp: number, operator: string, value: unknown): boolean {
	const day = Math.floor(Number(value) / 86_400) * 86_400;
	if (operator === '>') return stamp >= day + 86_400;
	if (operator === '<') return stamp < day;
	return stamp >= day && stamp < day + 86_400;
}

/** Search on updated_at or created_at (tickets' searchable dates). */
function dateSearch<T extends Record<string, unknown>>(records: Iterable<T>, { field, operator, value }: SearchQuery): T[] | undefined {
	if (field !== 'updated_at' && field !== 'created_at') return undefined;
	if (!['>', '<', '='].includes(String(operator))) fail(400, 'query_invalid', `Operator ${String(operator)} is not supported for date fields`);
	return [...records].filter((record) => matchesDay(Number(record[field]), String(operator), value));
}

/**
 * One page of search results, sorted, with `pages.next.starting_after` while more remain: contacts as
 * `{type: 'list', data}`, tickets as `{type: 'ticket.list', tickets}` (Intercom's `contact_list` and `ticket_list`).
 */
function searchPage(matched: Array<Record<string, unknown> & { id: string }>, body: SearchBody, list: { type: string; key: string } = { type: 'list', key: 'data' }): Record<string, unknown> {
	const perPage = Math.min(150, body.pagination?.per_page ?? 50);
	const sortField = body.sort?.field ?? 'updated_at';
	const descending = body.sort?.order === 'descending';
	const sorted = [...matched].sort((a, b) => (Number(a[sortField]) - Number(b[sortField]) || (a.id < b.id ? -1 : 1)) * (descending ? -1 : 1));
	const offset = body.pagination?.starting_after ? Number(Buffer.from(body.pagination.starting_after, 'base64url').toString()) : 0;
	const data = sorted.slice(offset, offset + perPage);
	const page = Math.floor(offset / perPage) + 1;
	const totalPages = Math.max(1, Math.ceil(sorted.length / perPage));
	const next = offset + perPage < sorted.length ? { page: page + 1, starting_after: Buffer.from(String(offset + perPage)).toString('base64url') } : undefined;
	return { type: list.type, [list.key]: data, total_count: sorted.length, pages: { type: 'pages', page, per_page: perPage, total_pages: totalPages, ...(next ? { next } : {}) } };
}

/** Contact fields Intercom indexes as dates (matched by calendar day), integers and booleans; every other field is a string. */
const contactDateFields = new Set(['created_at', 'updated_at', 'signed_up_at', 'last_seen_at', 'last_contacted_at', 'last_replied_at', 'last_email_opened_at', 'last_email_clicked_at', 'ios_last_seen_at', 'android_last_seen_at']);
const contactIntegerFields = new Set(['owner_id']);
const contactBooleanFields = new Set(['unsubscribed_from_emails', 'marked_email_as_spam', 'has_hard_bounced']);
const operatorsByType: Record<string, string[]> = {
	date: ['=', '<', '>'],
	integer: ['=', '!=', 'IN', 'NIN', '<', '>', '<=', '>='],
	boolean: ['=', '!=', 'IN', 'NIN'],
	string: ['=', '!=', 'IN', 'NIN', '~', '!~', '^', '$'],
};
/** Intercom's limits: groups nest at most 2 deep, at most 15 filters in a group. */
const MAX_GROUP_DEPTH = 2;
const MAX_GROUP_FILTERS = 15;

type RecordMatcher = (record: Record<string, unknown>) => boolean;

function fieldType(field: string): keyof typeof operatorsByType {
	if (contactDateFields.has(field)) return 'date';
	if (contactIntegerFields.has(field)) return 'integer';
	if (contactBooleanFields.has(field)) return 'boolean';
	return 'string';
}

function fieldValue(record: Record<string, unknown>, field: string): unknown {
	return field.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), record);
}

/** A contact search query as a predicate: one filter, or an AND/OR group of them (Intercom's search request forms). */
function contactMatcher(query: SearchQuery, depth: number): RecordMatcher {
	const { field, operator, value } = query;
	if (operator === 'AND' || operator === 'OR') {
		if (depth >= MAX_GROUP_DEPTH) fail(400, 'query_invalid', `Search queries nest at most ${MAX_GROUP_DEPTH} AND/OR groups`);
		if (!Array.isArray(value) || value.length === 0) fail(400, 'query_invalid', `${operator} needs a list of queries in value`);
		if (value.length > MAX_GROUP_FILTERS) fail(400, 'query_invalid', `At most ${MAX_GROUP_FILTERS} filters in an ${operator} group`);
		const parts = (value as SearchQuery[]).map((part) => contactMatcher(part ?? {}, depth + 1));
		return operator === 'AND' ? (record) => parts.every((part) => part(record)) : (record) => parts.some((part) => part(record));
	}
	if (typeof field !== 'string' || field === '') fail(400, 'query_invalid', 'A search filter needs a field');
	const type = fieldType(field);
	if (!operatorsByType[type].includes(String(operator))) fail(400, 'query_invalid', `Operator ${String(operator)} is not supported for ${type} field ${field}`);
	if (type === 'date') {
		if (typeof value !== 'number' && !(typeof value === 'string' && /^\d+$/.test(value))) fail(400, 'query_invalid', `${field} must be searched with a UNIX timestamp`);
		return (record) => record[field] !== null && record[field] !== undefined && matchesDay(Number(record[field]), String(operator), value);
	}
	return (record) => filterMatches(fieldValue(record, field), String(operator), value, type);
}

function filterMatches(actual: unknown, operator: string, wanted: unknown, type: string): boolean {
	const text = (item: unknown) => (item === null || item === undefined ? '' : String(item)).toLowerCase();
	if (operator === 'IN' || operator === 'NIN') {
		if (!Array.isArray(wanted)) fail(400, 'query_invalid', `${operator} needs a list of values`);
		const found = wanted.some((item) => text(item) === text(actual));
		return operator === 'IN' ? found : !found;
	}
	if (type === 'integer' && ['<', '>', '<=', '>='].includes(operator)) {
		const [left, right] = [Number(actual), Number(wanted)];
		if (actual === null || actual === undefined || Number.isNaN(left)) return false;
		return operator === '<' ? left < right : operator === '>' ? left > right : operator === '<=' ? left <= right : left >= right;
	}
	// Intercom matches `= null` against a field that is not set.
	if (wanted === null) return operator === '=' ? actual === null || actual === undefined : actual !== null && actual !== undefined;
	const [have, want] = [text(actual), text(wanted)];
	switch (operator) {
		case '=': return have === want;
		case '!=': return have !== want;
		case '~': return have.includes(want);
		case '!~': return !have.includes(want);
		case '^': return have.startsWith(want);
		default: return have.endsWith(want);
	}
}

class Workspace {
	readonly contacts = new Map<string, Contact>();
	readonly companies = new Map<string, Company>();
	readonly tickets = new Map<string, Ticket>();
	/** The workspace's teammates; the token's own admin is id 1. */
	readonly admins = new Map<string, Record<string, unknown> & { id: string; email: string }>();
	/** The workspace's ticket types, as `GET /ticket_types` lists them (archived ones too, flagged). */
	readonly ticketTypes = new Map<string, Record<string, unknown>>();
	/** Archived contacts: kept, but out of search results until unarchived. */
	readonly archived = new Set<string>();
	private ticketNumber = 0;
	/** The app's one open scroll: its param and the next offset. */
	private scroll?: { param: string; offset: number };

	reset(): void {
		this.contacts.clear();
		this.companies.clear();
		this.tickets.clear();
		this.admins.clear();
		this.admins.set('1', { type: 'admin', id: '1', name: 'Sandbox Admin', email: 'admin@sandbox.example' });
		this.ticketTypes.clear();
		for (const type of defaultTicketTypes) this.addTicketType(type);
		this.archived.clear();
		this.ticketNumber = 0;
		this.scroll = undefined;
	}

	/** POST /companies: looked up by `company_id`, updated when found, created otherwise. */
	upsertCompany(fields: Record<string, unknown>, at = now()): Company {
		const clean = onlyWritable(fields, companyWritable);
		const existing = clean.company_id === undefined ? undefined : [...this.companies.values()].find((company) => company.company_id === clean.company_id);
		if (existing) return Object.assign(existing, companyFields(clean), { updated_at: at });
		if (!clean.name && !clean.company_id) fail(400, 'parameter_not_found', 'company_id or name is required');
		const id = newId();
		const company: Company = {
			type: 'company', id, app_id: 'sandbox', company_id: id, name: '', size: 0, monthly_spend: 0,
			session_count: 0, user_count: 0, custom_attributes: {}, tags: { type: 'tag.list', tags: [] }, ...companyFields(clean), created_at: at, updated_at: at,
		};
		this.companies.set(id, company);
		return company;
	}

	updateCompany(id: string, fields: Record<string, unknown>): Company {
		const company = this.companies.get(id) ?? fail(404, 'company_not_found', 'Company Not Found');
		const clean = onlyWritable(fields, companyWritable);
		if (clean.company_id !== undefined && clean.company_id !== company.company_id) fail(400, 'parameter_invalid', 'company_id cannot be updated', 'company_id');
		return Object.assign(company, companyFields(clean), { updated_at: now() });
	}

	/** GET /companies/scroll: one open scroll per app; the end answers an empty page and expires the scroll. */
	scrollCompanies(param: string | undefined): Record<string, unknown> {
		if (param !== undefined && param !== this.scroll?.param) fail(400, 'scroll_exists', 'scroll parameter is invalid or has expired');
		if (param === undefined) this.scroll = { param: randomBytes(16).toString('hex'), offset: 0 };
		const scroll = this.scroll!;
		const ordered = [...this.companies.values()].sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1));
		const data = ordered.slice(scroll.offset, scroll.offset + SCROLL_PAGE);
		scroll.offset += data.length;
		if (data.length === 0) this.scroll = undefined;
		return { type: 'list', data, pages: null, total_count: null, scroll_param: scroll.param };
	}

	/** A ticket type as Intercom presents it (its attributes and states left out: the package reads id and name). */
	addTicketType(fields: Record<string, unknown>, at = now()): Record<string, unknown> {
		const id = String(fields.id ?? 100 + this.ticketTypes.size);
		const type = { type: 'ticket_type', id, category: 'Customer', name: '', description: '', icon: '🎟️', workspace_id: 'sandbox', archived: false, is_internal: false, ...fields, created_at: at, updated_at: at };
		this.ticketTypes.set(id, type);
		return type;
	}

	/** POST /tickets: a ticket type and exactly one contact (by id, external_id, or email, which creates it when new). */
	createTicket(body: Record<string, unknown>, at = now()): Ticket {
		const { ticket_type_id: typeId, contacts, ticket_attributes: attributes, ...rest } = body as { ticket_type_id?: unknown; contacts?: Array<Record<string, string>>; ticket_attributes?: Record<string, unknown> };
		onlyWritable(rest, ['conversation_to_link_id', 'company_id', 'created_at', 'assignment']);
		if (!typeId) fail(400, 'parameter_not_found', 'ticket_type_id is required', 'ticket_type_id');
		if (!Array.isArray(contacts) || contacts.length !== 1) fail(400, 'parameter_invalid', 'Exactly one contact is required', 'contacts');
		const contact = this.contactFor(contacts[0]);
		const id = newId();
		const ticket: Ticket = {
			type: 'ticket', id, ticket_id: String(++this.ticketNumber), category: 'Customer', ticket_attributes: { ...(attributes ?? {}) },
			ticket_state: { type: 'ticket_state', id: '1', category: 'submitted' }, ticket_type: { type: 'ticket_type', id: String(typeId) },
			contacts: { type: 'contact.list', contacts: [{ type: 'contact', id: contact.id, external_id: contact.external_id }] },
			admin_assignee_id: '0', team_assignee_id: '0', open: true, is_shared: true, created_at: at, updated_at: at,
			ticket_parts: { type: 'ticket_part.list', ticket_parts: [], total_count: 0 },
		};
		this.tickets.set(id, ticket);
		return ticket;
	}

	updateTicket(id: string, fields: Record<string, unknown>): Ticket {
		const ticket = this.tickets.get(id) ?? fail(404, 'ticket_not_found', 'Ticket not found');
		const { ticket_attributes: attributes, ticket_state_id: stateId, assignment, ...rest } = onlyWritable(fields, ticketWritable) as { ticket_attributes?: Record<string, unknown>; ticket_state_id?: unknown; assignment?: { admin_id?: unknown; assignee_id?: unknown } };
		if (stateId !== undefined) {
			const state = ticketStates.find((entry) => entry.id === String(stateId)) ?? fail(400, 'parameter_invalid', `Ticket state ${String(stateId)} does not exist`, 'ticket_state_id');
			ticket.ticket_state = { type: 'ticket_state', id: state.id, category: state.category };
		}
		if (assignment !== undefined) {
			if (!this.admins.has(String(assignment.admin_id))) fail(400, 'parameter_invalid', 'admin_id must be an admin of this workspace', 'assignment.admin_id');
			const assignee = String(assignment.assignee_id ?? '0');
			if (assignee !== '0' && !this.admins.has(assignee)) fail(400, 'parameter_invalid', `Admin ${assignee} not found`, 'assignment.assignee_id');
			ticket.admin_assignee_id = assignee;
		}
		Object.assign(ticket, rest, { ticket_attributes: { ...(ticket.ticket_attributes as Record<string, unknown>), ...(attributes ?? {}) }, updated_at: now() });
		return ticket;
	}

	/** POST /tickets/{id}/reply by an admin: a comment (the customer sees it) or a note, as a new ticket part. */
	replyToTicket(id: string, body: Record<string, unknown>): Record<string, unknown> {
		const ticket = this.tickets.get(id) ?? fail(404, 'ticket_not_found', 'Ticket not found');
		if (body.type !== 'admin') fail(400, 'parameter_invalid', 'Only admin replies are supported here', 'type');
		if (body.message_type !== 'comment' && body.message_type !== 'note') fail(400, 'parameter_invalid', 'message_type must be comment or note', 'message_type');
		if (!this.admins.has(String(body.admin_id))) fail(400, 'parameter_invalid', 'admin_id must be an admin of this workspace', 'admin_id');
		if (typeof body.body !== 'string' || body.body.trim() === '') fail(400, 'parameter_not_found', 'body is required', 'body');
		const at = now();
		const part = {
			type: 'ticket_part', id: String(Math.floor(Math.random() * 1e9)), part_type: body.message_type, body: `<p>${body.body}</p>`, created_at: at, updated_at: at,
			author: { type: 'admin', id: String(body.admin_id) }, attachments: [], redacted: false,
		};
		const parts = ticket.ticket_parts as { ticket_parts: unknown[]; total_count: number };
		parts.ticket_parts.push(part);
		parts.total_count = parts.ticket_parts.length;
		ticket.updated_at = at;
		return part;
	}

	private contactFor(reference: Record<string, string>): Contact {
		const found = [...this.contacts.values()].find((contact) => (reference.id && contact.id === reference.id) || (reference.external_id && contact.external_id === reference.external_id) || (reference.email && this.byEmail(reference.email)?.id === contact.id));
		if (found) return found;
		if (reference.email) return this.create({ email: reference.email });
		return fail(404, 'not_found', 'User Not Found');
	}

	private byEmail(email: unknown, except?: string): Contact | undefined {
		if (!email) return undefined;
		return [...this.contacts.values()].find((contact) => contact.id !== except && String(contact.email ?? '').toLowerCase() === String(email).toLowerCase());
	}

	private byExternalId(externalId: unknown, except?: string): Contact | undefined {
		if (externalId === undefined || externalId === null || externalId === '') return undefined;
		return [...this.contacts.values()].find((contact) => contact.id !== except && contact.external_id === externalId);
	}

	private clean(fields: Record<string, unknown>): Record<string, unknown> {
		return onlyWritable(fields, writable);
	}

	create(fields: Record<string, unknown>, at = now()): Contact {
		const clean = this.clean(fields);
		if (!clean.email && !clean.external_id && clean.role !== 'lead') fail(400, 'parameter_not_found', 'Requires email or external_id');
		const existing = this.byEmail(clean.email) ?? this.byExternalId(clean.external_id);
		if (existing) fail(409, 'conflict', `A contact matching those details already exists with id=${existing.id}`);
		const contact: Contact = {
			type: 'contact', id: newId(), workspace_id: 'sandbox', role: 'user', name: null, email: null, phone: null, external_id: null,
			...clean, created_at: at, updated_at: at,
		};
		this.contacts.set(contact.id, contact);
		return contact;
	}

	update(id: string, fields: Record<string, unknown>): Contact {
		const contact = this.contacts.get(id) ?? fail(404, 'not_found', 'User Not Found');
		const clean = this.clean(fields);
		const taken = this.byEmail(clean.email, id) ?? this.byExternalId(clean.external_id, id);
		if (taken) fail(409, 'conflict', `A contact matching those details already exists with id=${taken.id}`);
		Object.assign(contact, clean, { updated_at: now() });
		return contact;
	}

	/** POST /contacts/{id}/archive and /unarchive: a reference to the contact with its new `archived` flag. */
	setArchived(id: string, archived: boolean): Record<string, unknown> {
		const contact = this.contacts.get(id) ?? fail(404, 'not_found', 'User Not Found');
		if (archived) this.archived.add(id);
		else this.archived.delete(id);
		return { type: 'contact', id, external_id: contact.external_id, archived };
	}

		/** Search with Intercom's fields, operators and nested AND/OR groups; archived contacts left out. */
	search(query: SearchQuery): Contact[] {
		const matches = contactMatcher(query, 0);
		return [...this.contacts.values()].filter((contact) => !this.archived.has(contact.id) && matches(contact));
	}
}

function versionCheck(request: SandboxRequest): void {
	const version = request.headers['intercom-version'];
	if (typeof version === 'string' && !versions.includes(version)) fail(400, 'intercom_version_invalid', 'The requested version could not be found');
}

function routes(router: Router, workspace: Workspace): void {
	const ok = (body: unknown, status = 200): SandboxResponse => ({ status, body });
	router.get('/me', () => ok({ type: 'admin', id: '1', email: 'admin@sandbox.example', app: { id_code: 'sandbox' } }));
	router.post('/contacts', (request) => {
		versionCheck(request);
		return ok(workspace.create((request.body ?? {}) as Record<string, unknown>));
	});
	// GET /contacts: every contact, oldest change first, paged by per_page and starting_after like search.
	router.get('/contacts', (request) => {
		versionCheck(request);
		const perPage = request.query.get('per_page');
		const startingAfter = request.query.get('starting_after');
		const pagination = { ...(perPage ? { per_page: Number(perPage) } : {}), ...(startingAfter ? { starting_after: startingAfter } : {}) };
		return ok(searchPage([...workspace.contacts.values()], { pagination }));
	});
	router.post('/contacts/search', (request) => {
		versionCheck(request);
		const body = (request.body ?? {}) as SearchBody;
		return ok(searchPage(workspace.search(body.query ?? {}), body));
	});
	router.get('/contacts/find_by_external_id/:externalId', (request) => {
		const contact = [...workspace.contacts.values()].find((entry) => entry.external_id === request.params.externalId);
		return contact ? ok(contact) : fail(404, 'not_found', 'User Not Found');
	});
	router.get('/contacts/:id', (request) => ok(workspace.contacts.get(request.params.id) ?? fail(404, 'not_found', 'User Not Found')));
	router.put('/contacts/:id', (request) => {
		versionCheck(request);
		return ok(workspace.update(request.params.id, (request.body ?? {}) as Record<string, unknown>));
	});
	router.post('/contacts/:id/archive', (request) => ok(workspace.setArchived(request.params.id, true)));
	router.post('/contacts/:id/unarchive', (request) => ok(workspace.setArchived(request.params.id, false)));
	router.delete('/contacts/:id', (request) => {
		workspace.archived.delete(request.params.id);
		if (!workspace.contacts.delete(request.params.id)) fail(404, 'not_found', 'User Not Found');
		return ok({ id: request.params.id, object: 'contact', deleted: true });
	});
	companyRoutes(router, workspace);
	ticketRoutes(router, workspace);
}

function companyRoutes(router: Router, workspace: Workspace): void {
	const ok = (body: unknown): SandboxResponse => ({ status: 200, body });
	const found = (id: string) => workspace.companies.get(id) ?? fail(404, 'company_not_found', 'Company Not Found');
	router.post('/companies', (request) => {
		versionCheck(request);
		return ok(workspace.upsertCompany((request.body ?? {}) as Record<string, unknown>));
	});
	router.get('/companies/scroll', (request) => {
		versionCheck(request);
		const param = request.query.get('scroll_param');
		return ok(workspace.scrollCompanies(typeof param === 'string' && param !== '' ? param : undefined));
	});
	router.get('/companies/:id', (request) => ok(found(request.params.id)));
	router.put('/companies/:id', (request) => {
		versionCheck(request);
		return ok(workspace.updateCompany(request.params.id, (request.body ?? {}) as Record<string, unknown>));
	});
	router.delete('/companies/:id', (request) => {
		found(request.params.id);
		workspace.companies.delete(request.params.id);
		return ok({ id: request.params.id, object: 'company', deleted: true });
	});
}

function ticketRoutes(router: Router, workspace: Workspace): void {
	const ok = (body: unknown): SandboxResponse => ({ status: 200, body });
	// Every ticket type of the workspace in one list (no paging), archived ones included with `archived: true`.
	router.get('/ticket_types', (request) => {
		versionCheck(request);
		return ok({ type: 'list', data: [...workspace.ticketTypes.values()] });
	});
	router.post('/tickets', (request) => {
		versionCheck(request);
		return ok(workspace.createTicket((request.body ?? {}) as Record<string, unknown>));
	});
	router.post('/tickets/search', (request) => {
		versionCheck(request);
		const body = (request.body ?? {}) as SearchBody;
		const matched = dateSearch(workspace.tickets.values(), body.query ?? {}) ?? fail(400, 'query_invalid', `Unsupported query on ${String(body.query?.field)}`);
		return ok(searchPage(matched, body, { type: 'ticket.list', key: 'tickets' }));
	});
	router.post('/tickets/:id/reply', (request) => {
		versionCheck(request);
		return ok(workspace.replyToTicket(request.params.id, (request.body ?? {}) as Record<string, unknown>));
	});
	router.get('/ticket_states', () => ok({ type: 'list', data: ticketStates }));
	router.get('/admins', () => ok({ type: 'admin.list', admins: [...workspace.admins.values()] }));
	router.get('/tickets/:id', (request) => ok(workspace.tickets.get(request.params.id) ?? fail(404, 'ticket_not_found', 'Ticket not found')));
	router.put('/tickets/:id', (request) => {
		versionCheck(request);
		return ok(workspace.updateTicket(request.params.id, (request.body ?? {}) as Record<string, unknown>));
	});
	router.delete('/tickets/:id', (request) => {
		if (!workspace.tickets.delete(request.params.id)) fail(404, 'ticket_not_found', 'Ticket not found');
		return ok({ id: request.params.id, object: 'ticket', deleted: true });
	});
}

export const createIntercomSandbox: VendorSandboxFactory = (services) => {
	const workspace = new Workspace();
	workspace.reset();
	const seeders = {
		contacts: (fields: Record<string, unknown>, at?: number) => workspace.create(fields, at),
		companies: (fields: Record<string, unknown>, at?: number) => workspace.upsertCompany(fields, at),
		tickets: (fields: Record<string, unknown>, at?: number) => workspace.createTicket(fields, at),
		admins: (fields: Record<string, unknown>) => {
			const admin = { type: 'admin', id: String(100 + workspace.admins.size), name: String(fields.name ?? fields.email), email: String(fields.email) };
			workspace.admins.set(admin.id, admin);
			return admin;
		},
		ticket_types: (fields: Record<string, unknown>, at?: number) => workspace.addTicketType(fields, at),
		none: (): never => {
			throw controlError(400, 'only contacts, companies, tickets, admins and ticket_types can be seeded');
		},
	};
	return {
		credentials: { accessToken: intercomAccessToken },
		authenticate: bearerAuth(intercomAccessToken, () => errorList(401, 'unauthorized', 'Access Token Invalid')),
		rateLimits: {
			defaults: intercomRateWindows,
			headers(usage: WindowUsage[]): Record<string, string> {
				const window = usage.find((entry) => entry.window.name === 'ten_seconds');
				if (!window) return {};
				return {
					'X-RateLimit-Limit': String(window.window.limit),
					'X-RateLimit-Remaining': String(window.remaining),
					'X-RateLimit-Reset': String(Math.ceil((Date.now() + window.resetMs) / 1000)),
				};
			},
			rejection: () => errorList(429, 'rate_limit_exceeded', 'Exceeded rate limit of 1666 in 10_seconds'),
		},
		errors: {
			serverError: (status) => errorList(status, status === 503 ? 'service_unavailable' : 'server_error', 'Server error'),
			notFound: () => errorList(404, 'not_found', 'Resource Not Found'),
			badRequest: (message) => errorList(400, 'parameter_invalid', message),
		},
		routes: (router) => routes(router, workspace),
		data: {
			reset: () => workspace.reset(),
			seed: (data) => Object.fromEntries(Object.entries(data).map(([name, records]) => {
				const create = seeders[name as keyof typeof seeders] ?? seeders.none;
				return [name, (records as Array<Record<string, unknown>>).map(({ updated_at: at, ...fields }) => create(fields, typeof at === 'number' ? at : undefined))];
			})),
			state: (collection) => {
				if (collection === undefined || collection === 'contacts') return [...workspace.contacts.values()];
				if (collection === 'companies') return [...workspace.companies.values()];
				if (collection === 'tickets') return [...workspace.tickets.values()];
				if (collection === 'admins') return [...workspace.admins.values()];
				return undefined;
			},
		},
		signWebhook: ({ body, secret }) => ({ 'X-Hub-Signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}` }),
		/** `{ topic, item?, times? }`: one notification (one `notif_` id) to the app's endpoint URLs, `times` times. */
		emitEvent: ({ topic, item, times = 1 }) => {
			if (typeof topic !== 'string' || !/^[a-z_]+(\.[a-z_]+)+$/.test(topic)) throw controlError(400, 'topic must be an Intercom webhook topic, e.g. contact.user.created');
			if (!Number.isInteger(times) || (times as number) < 1) throw controlError(400, 'times must be a whole number of at least 1');
			const created = now();
			const notification = {
				type: 'notification_event', app_id: 'sandbox', id: `notif_${randomUUID()}`, topic, delivery_status: 'pending', delivery_attempts: 1, delivered_at: 0, first_sent_at: created, created_at: created, self: null,
				data: { type: 'notification_event_data', item: (item as Record<string, unknown> | undefined) ?? { type: 'contact', id: newId() } },
				links: {},
			};
			for (let time = 0; time < (times as number); time++) services.publishWebhook(notification);
			return { notification };
		},
	};
};
