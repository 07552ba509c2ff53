/**
 * The ActiveCampaign v3 sandbox (PLATFORMS.md): `Api-Token` header, 5 requests per second per account answered past
 * that with 429 and `Retry-After` (seconds), `limit` (≤100) + `offset` with `meta.total`, `POST /contact/sync` (upsert
 * by email), lists and list status (1 active, 2 unsubscribed), tags, contact automations, automations that start when
 * their tag is added, and the bulk import (≤250 contacts a call, tags and list subscriptions included; processed at
 * once here, queued in ActiveCampaign).
 */
import { randomUUID } from 'node:crypto';

import { headerAuth } from '../framework/auth';
import { controlError } from '../framework/control';
import type { Router } from '../framework/router';
import { SandboxError, type SandboxRequest, type SandboxResponse, type VendorSandboxFactory } from '../framework/types';

export const activeCampaignApiToken = 'sandbox-activecampaign-token-5d1e';

const API = '/api/3';
const IMPORT_LIMIT = 250;
const PAGE_LIMIT = 100;

interface Contact {
	id: string;
	email: string;
	firstName: string;
	lastName: string;
	phone: string;
	orgname: string;
	cdate: string;
	udate: string;
	/** list id → status (1 active, 2 unsubscribed) */
	lists: Map<string, number>;
	tags: Set<string>;
}

interface AutomationRun {
	id: string;
	automation: string;
	contact: string;
	email: string;
	at: string;
	removedAt?: string;
}

/** A contactAutomation as ActiveCampaign answers it: status 1 while the contact is in the automation. */
const presentRun = (run: AutomationRun) => ({ id: run.id, contact: run.contact, automation: run.automation, seriesid: run.automation, status: run.removedAt ? '2' : '1', adddate: run.at });

const stamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
const EMAIL = /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i;

const unprocessable = (title: string, code: string, pointer: string): SandboxError =>
	new SandboxError({ status: 422, body: { errors: [{ title, detail: '', code, source: { pointer } }] } });
const notFound = (what: string, id: string): SandboxError => new SandboxError({ status: 404, body: { message: `No Result found for ${what} with id ${id}` } });

class ActiveCampaignState {
	contacts = new Map<string, Contact>();
	lists = new Map<string, { id: string; name: string }>();
	tags = new Map<string, { id: string; tag: string; tagType: string }>();
	automations = new Map<string, { id: string; name: string; startTag?: string }>();
	/** Every contact's entry into an automation (its contactAutomation), `removedAt` once taken out by the API. */
	automationRuns: AutomationRun[] = [];
	/** contactTag id → the contact and tag it links (what `DELETE /contactTags/{id}` removes). */
	contactTags = new Map<string, { id: string; contact: string; tag: string }>();
	/** Tags taken off contacts through the API, in order. */
	tagRemovals: Array<{ contact: string; email: string; tag: string; at: string }> = [];
	imports: Array<{ batchId: string; contacts: number }> = [];
	private nextId = 1;

	reset(): void {
		this.contacts.clear();
		this.lists.clear();
		this.tags.clear();
		this.automations.clear();
		this.automationRuns = [];
		this.contactTags.clear();
		this.tagRemovals = [];
		this.imports = [];
		this.nextId = 1;
	}

	id(): string {
		return String(this.nextId++);
	}

	byEmail(email: string): Contact | undefined {
		const wanted = email.trim().toLowerCase();
		return [...this.contacts.values()].find((contact) => contact.email === wanted);
	}

	upsert(fields: { email: string; firstName?: string; lastName?: string; phone?: string; orgname?: string }): { contact: Contact; created: boolean } {
		const email = fields.email.trim().toLowerCase();
		if (!EMAIL.test(email)) throw unprocessable('Contact Email Address is not valid.', 'email_invalid', '/data/attributes/email');
		const existing = this.byEmail(email);
		const now = stamp();
		const contact: Contact = existing ?? { id: this.id(), email, firstName: '', lastName: '', phone: '', orgname: '', cdate: now, udate: now, lists: new Map(), tags: new Set() };
		for (const key of ['firstName', 'lastName', 'phone', 'orgname'] as const) if (fields[key] !== undefined) contact[key] = String(fields[key]);
		contact.udate = now;
		this.contacts.set(contact.id, contact);
		return { contact, created: !existing };
	}

	tagByName(name: string): { id: string; tag: string; tagType: string } {
		const found = [...this.tags.values()].find((tag) => tag.tag === name);
		if (found) return found;
		const created = { id: this.id(), tag: name, tagType: 'contact' };
		this.tags.set(created.id, created);
		return created;
	}

	/** Adding a tag the contact lacks starts every automation whose trigger is that tag. */
	addTag(contact: Contact, tagId: string): void {
		if (contact.tags.has(tagId)) return;
		contact.tags.add(tagId);
		const link = { id: this.id(), contact: contact.id, tag: tagId };
		this.contactTags.set(link.id, link);
		contact.udate = stamp();
		const name = this.tags.get(tagId)?.tag;
		for (const automation of this.automations.values()) {
			if (automation.startTag === name) this.enterAutomation(contact, automation.id);
		}
	}

	enterAutomation(contact: Contact, automation: string): AutomationRun {
		const run: AutomationRun = { id: this.id(), automation, contact: contact.id, email: contact.email, at: stamp() };
		this.automationRuns.push(run);
		return run;
	}

	setListStatus(contact: Contact, listId: string, status: number): void {
		if (!this.lists.has(listId)) throw notFound('List', listId);
		contact.lists.set(listId, status);
		contact.udate = stamp();
	}
}

export const createActiveCampaignSandbox: VendorSandboxFactory = () => {
	const state = new ActiveCampaignState();
	return {
		credentials: { apiToken: activeCampaignApiToken },
		authenticate: headerAuth('Api-Token', activeCampaignApiToken, () => ({ status: 403, body: { message: 'You are not authorized to access this resource' } })),
		rateLimits: {
			defaults: [{ name: 'second', kind: 'sliding', limit: 5, intervalMs: 1000 }],
			headers: () => ({}),
			rejection: (_blocked, retryAfterMs) => ({ status: 429, headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) }, body: { message: 'Too Many Requests' } }),
		},
		errors: {
			serverError: (status) => ({ status, body: { message: 'An unexpected error occurred' } }),
			notFound: (request) => ({ status: 404, body: { message: `No route for ${request.method} ${request.path}` } }),
			badRequest: () => ({ status: 400, body: { message: 'Invalid JSON body' } }),
		},
		routes: (router) => registerRoutes(router, state),
		data: { reset: () => state.reset(), seed: (data) => seed(state, data), state: (collection) => view(state, collection) },
		signWebhook: () => ({}),
	};
};

function present(state: ActiveCampaignState, contact: Contact) {
	return {
		id: contact.id,
		email: contact.email,
		firstName: contact.firstName,
		lastName: contact.lastName,
		phone: contact.phone,
		orgname: contact.orgname,
		cdate: contact.cdate,
		udate: contact.udate,
		lists: Object.fromEntries(contact.lists),
		tags: [...contact.tags].map((id) => state.tags.get(id)?.tag),
	};
}

function body<T>(request: SandboxRequest, key: string): T {
	const value = (request.body as Record<string, unknown> | undefined)?.[key];
	if (typeof value !== 'object' || value === null) throw unprocessable(`The ${key} object is required.`, 'field_missing', `/data/attributes/${key}`);
	return value as T;
}

function registerRoutes(router: Router, state: ActiveCampaignState): void {
	router
		.get(`${API}/users/me`, () => ({ status: 200, body: { user: { id: '1', username: 'sandbox', email: 'admin@sandbox.example' } } }))
		.post(`${API}/contact/sync`, (request) => {
			const input = body<{ email?: string; firstName?: string; lastName?: string; phone?: string }>(request, 'contact');
			const { contact, created } = state.upsert({ ...input, email: String(input.email ?? '') });
			return { status: created ? 201 : 200, body: { contact: present(state, contact) } };
		})
		.get(`${API}/contacts`, (request) => listContacts(state, request))
		.get(`${API}/contacts/:id`, (request) => {
			const contact = state.contacts.get(request.params.id);
			if (!contact) throw notFound('Subscriber', request.params.id);
			return { status: 200, body: { contact: present(state, contact) } };
		})
		.post(`${API}/contactLists`, (request) => {
			const input = body<{ list?: string | number; contact?: string | number; status?: number }>(request, 'contactList');
			const contact = state.contacts.get(String(input.contact));
			if (!contact) throw notFound('Subscriber', String(input.contact));
			if (input.status !== 1 && input.status !== 2) throw unprocessable('Status must be 1 (active) or 2 (unsubscribed).', 'field_invalid', '/data/attributes/status');
			state.setListStatus(contact, String(input.list), input.status);
			return { status: 201, body: { contactList: { contact: contact.id, list: String(input.list), status: input.status }, contacts: [present(state, contact)] } };
		})
		.get(`${API}/lists`, (request) => page(request, 'lists', [...state.lists.values()]))
		.get(`${API}/automations`, (request) => page(request, 'automations', [...state.automations.values()].map(({ id, name }) => ({ id, name, status: '1' }))))
		.get(`${API}/tags`, (request) => {
			const search = request.query.get('search');
			const tags = [...state.tags.values()].filter((tag) => search === null || tag.tag.includes(search));
			return { status: 200, body: { tags, meta: { total: String(tags.length) } } };
		})
		.post(`${API}/tags`, (request) => {
			const input = body<{ tag?: string; tagType?: string }>(request, 'tag');
			if (!input.tag) throw unprocessable('Tag name is required.', 'field_missing', '/data/attributes/tag');
			if ([...state.tags.values()].some((tag) => tag.tag === input.tag)) throw unprocessable('Tag already exists.', 'duplicate', '/data/attributes/tag');
			return { status: 201, body: { tag: state.tagByName(input.tag) } };
		})
		.post(`${API}/contactTags`, (request) => {
			const input = body<{ contact?: string; tag?: string }>(request, 'contactTag');
			const contact = state.contacts.get(String(input.contact));
			if (!contact) throw notFound('Subscriber', String(input.contact));
			if (!state.tags.has(String(input.tag))) throw notFound('Tag', String(input.tag));
			state.addTag(contact, String(input.tag));
			return { status: 201, body: { contactTag: { contact: contact.id, tag: String(input.tag) } } };
		})
		.post(`${API}/contactAutomations`, (request) => {
			const input = body<{ contact?: string; automation?: string }>(request, 'contactAutomation');
			const contact = state.contacts.get(String(input.contact));
			if (!contact) throw notFound('Subscriber', String(input.contact));
			if (!state.automations.has(String(input.automation))) throw notFound('Automation', String(input.automation));
			const run = state.enterAutomation(contact, String(input.automation));
			return { status: 201, body: { contactAutomation: presentRun(run) } };
		})
		.get(`${API}/contacts/:id/contactAutomations`, (request) => {
			if (!state.contacts.has(request.params.id)) throw notFound('Subscriber', request.params.id);
			const runs = state.automationRuns.filter((run) => run.contact === request.params.id && !run.removedAt).map(presentRun);
			return { status: 200, body: { contactAutomations: runs, meta: { total: String(runs.length) } } };
		})
		.delete(`${API}/contactAutomations/:id`, (request) => {
			const run = state.automationRuns.find((entry) => entry.id === request.params.id && !entry.removedAt);
			if (!run) throw notFound('ContactAutomation', request.params.id);
			run.removedAt = stamp();
			return { status: 200, body: {} };
		})
		.get(`${API}/contacts/:id/contactTags`, (request) => {
			if (!state.contacts.has(request.params.id)) throw notFound('Subscriber', request.params.id);
			const links = [...state.contactTags.values()].filter((link) => link.contact === request.params.id);
			return { status: 200, body: { contactTags: links.map((link) => ({ ...link, cdate: stamp() })) } };
		})
		.delete(`${API}/contactTags/:id`, (request) => {
			const link = state.contactTags.get(request.params.id);
			if (!link) throw notFound('ContactTag', request.params.id);
			state.contactTags.delete(link.id);
			const contact = state.contacts.get(link.contact) as Contact;
			contact.tags.delete(link.tag);
			contact.udate = stamp();
			state.tagRemovals.push({ contact: contact.id, email: contact.email, tag: state.tags.get(link.tag)?.tag ?? link.tag, at: stamp() });
			return { status: 200, body: {} };
		})
		.post(`${API}/import/bulk_import`, (request) => bulkImport(state, request));
}

/** One of ActiveCampaign's collections, `limit` (≤ 100, default 20) from `offset`, with `meta.total` as a string. */
function page(request: SandboxRequest, key: string, rows: unknown[]): SandboxResponse {
	const limit = Number(request.query.get('limit') ?? 20);
	const offset = Number(request.query.get('offset') ?? 0);
	if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_LIMIT) throw unprocessable(`limit must be between 1 and ${PAGE_LIMIT}`, 'field_invalid', '/limit');
	return { status: 200, body: { [key]: rows.slice(offset, offset + limit), meta: { total: String(rows.length) } } };
}

function listContacts(state: ActiveCampaignState, request: SandboxRequest): SandboxResponse {
	const limit = Number(request.query.get('limit') ?? 20);
	const offset = Number(request.query.get('offset') ?? 0);
	if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_LIMIT) throw unprocessable(`limit must be between 1 and ${PAGE_LIMIT}`, 'field_invalid', '/limit');
	const listId = request.query.get('listid');
	const status = request.query.get('status');
	const email = request.query.get('email');
	const after = request.query.get('filters[updated_after]');
	let contacts = [...state.contacts.values()]
		.filter((contact) => email === null || contact.email === email.toLowerCase())
		.filter((contact) => listId === null || contact.lists.has(listId))
		.filter((contact) => status === null || (listId !== null ? contact.lists.get(listId) === Number(status) : [...contact.lists.values()].includes(Number(status))))
		.filter((contact) => after === null || Date.parse(contact.udate) > Date.parse(after));
	const order = request.query.get('orders[udate]');
	if (order) contacts = contacts.sort((a, b) => a.udate.localeCompare(b.udate) * (order === 'DESC' ? -1 : 1));
	return { status: 200, body: { contacts: contacts.slice(offset, offset + limit).map((contact) => present(state, contact)), meta: { total: String(contacts.length) } } };
}

interface ImportContact {
	email?: string;
	first_name?: string;
	last_name?: string;
	phone?: string;
	customer_acct_name?: string;
	tags?: string[];
	subscribe?: Array<{ listid: string | number }>;
	unsubscribe?: Array<{ listid: string | number }>;
}

/** Validated as a whole (ActiveCampaign refuses the request when any contact is invalid), then applied contact by contact. */
function bulkImport(state: ActiveCampaignState, request: SandboxRequest): SandboxResponse {
	const contacts = (request.body as { contacts?: ImportContact[] } | undefined)?.contacts;
	if (!Array.isArray(contacts) || contacts.length === 0) return { status: 400, body: { success: 0, message: 'contacts is required', failureReasons: ['contacts is required'] } };
	if (contacts.length > IMPORT_LIMIT) return { status: 400, body: { success: 0, message: `Too many contacts: the limit is ${IMPORT_LIMIT} per request`, failureReasons: [] } };
	const failures = contacts.flatMap((contact, index) => {
		const reasons: string[] = [];
		if (!EMAIL.test(String(contact.email ?? ''))) reasons.push(`contacts[${index}].email is not a valid email address`);
		for (const entry of [...(contact.subscribe ?? []), ...(contact.unsubscribe ?? [])]) if (!state.lists.has(String(entry.listid))) reasons.push(`contacts[${index}]: list ${entry.listid} does not exist`);
		return reasons;
	});
	if (failures.length > 0) return { status: 400, body: { success: 0, message: 'Invalid contacts in the import', failureReasons: failures } };
	for (const entry of contacts) {
		const { contact } = state.upsert({ email: String(entry.email), firstName: entry.first_name, lastName: entry.last_name, phone: entry.phone, orgname: entry.customer_acct_name });
		for (const { listid } of entry.subscribe ?? []) state.setListStatus(contact, String(listid), 1);
		for (const { listid } of entry.unsubscribe ?? []) state.setListStatus(contact, String(listid), 2);
		for (const name of entry.tags ?? []) state.addTag(contact, state.tagByName(name).id);
	}
	const batchId = randomUUID();
	state.imports.push({ batchId, contacts: contacts.length });
	return { status: 200, body: { success: 1, queued_contacts: contacts.length, batchId, message: 'Contact import queued' } };
}

/** `{ lists: [{ id, name }], automations: [{ id, name, startTag? }], contacts: [{ email, listid?, status? }] }` */
function seed(state: ActiveCampaignState, data: Record<string, unknown[]>): Record<string, unknown[]> {
	const unknown = Object.keys(data).filter((key) => !['lists', 'automations', 'contacts', 'tags'].includes(key));
	if (unknown.length > 0) throw controlError(400, `unknown collection ${unknown.join(', ')}; use lists, automations, contacts, tags`);
	for (const tag of (data.tags ?? []) as Array<{ tag: string }>) {
		if ([...state.tags.values()].every((existing) => existing.tag !== tag.tag)) state.tags.set(String(state.tags.size + 1000), { id: String(state.tags.size + 1000), tag: tag.tag, tagType: 'contact' });
	}
	for (const list of (data.lists ?? []) as Array<{ id: string | number; name?: string }>) state.lists.set(String(list.id), { id: String(list.id), name: list.name ?? `List ${list.id}` });
	for (const automation of (data.automations ?? []) as Array<{ id: string | number; name?: string; startTag?: string }>) {
		state.automations.set(String(automation.id), { id: String(automation.id), name: automation.name ?? `Automation ${automation.id}`, startTag: automation.startTag });
	}
	try {
		for (const entry of (data.contacts ?? []) as Array<{ email: string; listid?: string | number; status?: number }>) {
			const { contact } = state.upsert({ email: entry.email });
			if (entry.listid !== undefined) state.setListStatus(contact, String(entry.listid), entry.status ?? 1);
		}
	} catch (error) {
		if (error instanceof SandboxError) throw controlError(400, JSON.stringify(error.response.body));
		throw error;
	}
	return { lists: [...state.lists.values()], automations: [...state.automations.values()], contacts: [...state.contacts.values()].map((contact) => present(state, contact)) };
}

function view(state: ActiveCampaignState, collection?: string): unknown {
	const views: Record<string, () => unknown> = {
		contacts: () => [...state.contacts.values()].map((contact) => present(state, contact)),
		tags: () => [...state.tags.values()],
		automationRuns: () => state.automationRuns,
		tagRemovals: () => state.tagRemovals,
		imports: () => state.imports,
	};
	if (collection === undefined) return Object.fromEntries(Object.entries(views).map(([name, build]) => [name, build()]));
	return views[collection]?.();
}
