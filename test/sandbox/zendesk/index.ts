/**
 * The Zendesk Support sandbox (PLATFORMS.md): Basic `{email}/token:{token}`, users / organizations / tickets,
 * cursor-based incremental exports that leave out the last minute of changes, bulk writes of 100 as background
 * jobs with job_status results, per-minute limits with X-Rate-Limit headers and 429 + Retry-After (incremental
 * exports: 10 per minute), errors `{error, description, details}`, webhooks signed with X-Zendesk-Webhook-Signature.
 */
import { createHmac, randomUUID } from 'node:crypto';

import { basicAuth } from '../framework/auth';
import { controlError } from '../framework/control';
import type { RateWindow, WindowUsage } from '../framework/rateLimit';
import type { Router } from '../framework/router';
import { SandboxError, type SandboxRequest, type SandboxResponse, type VendorSandboxFactory } from '../framework/types';
import { ZendeskWebhooks } from './webhooks';

export const zendeskEmail = 'agent@sandbox.example';
export const zendeskApiToken = 'sandbox-zendesk-api-token';

const collections = ['users', 'organizations', 'tickets'] as const;
type Collection = (typeof collections)[number];
type ZRecord = Record<string, unknown> & { id: number; created_at: string; updated_at: string };

const writable: Record<Collection, string[]> = {
	users: ['name', 'email', 'phone', 'organization_id', 'role', 'details', 'notes', 'external_id', 'time_zone', 'active'],
	organizations: ['name', 'domain_names', 'details', 'notes', 'external_id'],
	tickets: ['subject', 'description', 'priority', 'status', 'type', 'requester_id', 'assignee_id', 'external_id'],
};

/** Ticket fields an audit reports set or changed. */
const auditedFields = ['subject', 'status', 'priority', 'type', 'requester_id', 'assignee_id'];

interface TicketAudit {
	id: number;
	ticket_id: number;
	timestamp: number;
	created_at: string;
	updater_id: number;
	via: { channel: string };
	event_type: 'Audit';
	child_events: Array<Record<string, unknown>>;
}

function sameValue(a: unknown, b: unknown): boolean {
	return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Ticket fields Zendesk takes on a write but keeps as something else: the comment, the requester by email, the assignee by email. */
const ticketWriteOnly = ['comment', 'requester', 'assignee_email'];

export const zendeskRateWindows: RateWindow[] = [
	{ name: 'account', kind: 'sliding', limit: 400, intervalMs: 60_000 },
	{ name: 'incremental', kind: 'sliding', limit: 10, intervalMs: 60_000, match: { method: 'GET', path: '^/api/v2/incremental/' } },
];

function error(status: number, code: string, description: string, details?: Record<string, Array<{ description: string; error: string }>>): SandboxError {
	return new SandboxError({ status, body: { error: code, description, ...(details ? { details } : {}) } });
}

class Account {
	readonly tables: Record<Collection, Map<number, ZRecord>> = { users: new Map(), organizations: new Map(), tickets: new Map() };
	readonly jobs = new Map<string, Record<string, unknown>>();
	/** Each ticket's comments, the first being its description, as Zendesk keeps them. */
	readonly comments = new Map<number, Array<Record<string, unknown>>>();
	/** Every ticket write as Zendesk's ticket events export lists it: an audit, its child events (fields set or changed, a comment). */
	readonly audits: TicketAudit[] = [];
	settings = { incrementalDelayMs: 60_000 };
	/** The change sequence behind the export cursor: every write moves a record to the end. */
	readonly sequence = new Map<string, number>();
	private lastSequence = 0;
	private nextId = 1000;

	/** Audits share the account's id sequence, as Zendesk's ids are unique across kinds. */
	nextAuditId(): number {
		return this.nextId++;
	}

	/** baseUrl: the sandbox's own address, for the absolute URLs Zendesk answers with. */
	constructor(private readonly baseUrl: () => string) {}

	reset(): void {
		for (const table of Object.values(this.tables)) table.clear();
		this.jobs.clear();
		this.comments.clear();
		this.audits.length = 0;
		this.sequence.clear();
		this.settings = { incrementalDelayMs: 60_000 };
	}

	/** Zendesk timestamps have second precision: several changes share one. */
	private stamp(): string {
		return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
	}

	touched(collection: Collection, record: ZRecord): ZRecord {
		this.sequence.set(`${collection}:${record.id}`, ++this.lastSequence);
		return record;
	}

	private validate(collection: Collection, fields: Record<string, unknown>, creating: boolean): Record<string, unknown> {
		const clean: Record<string, unknown> = {};
		for (const [name, value] of Object.entries(fields)) if (writable[collection].includes(name) || (collection === 'tickets' && ticketWriteOnly.includes(name))) clean[name] = value;
		const problems: Record<string, Array<{ description: string; error: string }>> = {};
		if (collection !== 'tickets' && creating && !String(clean.name ?? '').trim()) problems.name = [{ description: 'Name: is too short (minimum one character)', error: 'BlankValue' }];
		const comment = clean.comment as { body?: unknown } | undefined;
		if (collection === 'tickets' && creating && !String(comment?.body ?? clean.description ?? clean.subject ?? '').trim()) problems.description = [{ description: 'Description: cannot be blank', error: 'BlankValue' }];
		if (collection === 'tickets' && clean.comment !== undefined && (typeof comment !== 'object' || comment === null || typeof comment.body !== 'string' || comment.body.trim() === '')) problems.comment = [{ description: 'Comment: body cannot be blank', error: 'BlankValue' }];
		if (collection === 'tickets' && typeof clean.assignee_email === 'string' && !this.agentByEmail(clean.assignee_email)) problems.assignee = [{ description: `Assignee: ${clean.assignee_email} is not an agent`, error: 'InvalidValue' }];
		if (collection === 'users' && clean.email !== undefined && clean.email !== null && !/^[^@\s]+@[^@\s]+$/.test(String(clean.email))) {
			problems.email = [{ description: `Email: ${String(clean.email)} is not properly formatted`, error: 'InvalidFormat' }];
		}
		if (Object.keys(problems).length > 0) throw error(422, 'RecordInvalid', 'Record validation errors', problems);
		return clean;
	}

	/** An agent or admin with this email: Zendesk assigns tickets to agents only. */
	agentByEmail(email: string): ZRecord | undefined {
		const found = this.findUser({ email });
		return found && (found.role === 'agent' || found.role === 'admin') ? found : undefined;
	}

	/** The write-only ticket fields turned into what Zendesk keeps: requester and assignee ids, a comment appended. */
	private ticketFields(clean: Record<string, unknown>, ticketId: number, now: string): Record<string, unknown> {
		const { comment, requester, assignee_email: assigneeEmail, ...own } = clean as Record<string, unknown> & { comment?: { body: string; public?: boolean; author_id?: number }; requester?: { email?: string; name?: string } };
		if (requester?.email) own.requester_id = (this.findUser({ email: requester.email }) ?? this.create('users', { name: requester.name ?? requester.email.split('@')[0], email: requester.email })).id;
		if (typeof assigneeEmail === 'string') own.assignee_id = this.agentByEmail(assigneeEmail)?.id;
		const comments = this.comments.get(ticketId) ?? [];
		const body = comment?.body ?? (comments.length === 0 && typeof own.description === 'string' ? own.description : undefined);
		if (body !== undefined) {
			comments.push({ id: this.nextId++, type: 'Comment', author_id: comment?.author_id ?? 1, body, plain_body: body, html_body: `<div class="zd-comment"><p>${body}</p></div>`, public: comment?.public !== false, created_at: now });
			this.comments.set(ticketId, comments);
		}
		// The description is the first comment: read-only afterwards.
		const first = comments[0];
		return { ...own, description: first ? first.body : own.description };
	}

	create(collection: Collection, fields: Record<string, unknown>): ZRecord {
		const validated = this.validate(collection, fields, true);
		const now = this.stamp();
		const id = this.nextId++;
		const clean = collection === 'tickets' ? this.ticketFields(validated, id, now) : validated;
		const record: ZRecord = { ...clean, id, created_at: now, updated_at: now };
		if (collection === 'users') record.active ??= true;
		if (collection === 'tickets') record.status ??= 'new';
		this.tables[collection].set(record.id, record);
		if (collection === 'tickets') this.audit(record, undefined, 0);
		return this.touched(collection, record);
	}

	update(collection: Collection, id: number, fields: Record<string, unknown>): ZRecord {
		const record = this.tables[collection].get(id);
		if (!record || record.active === false || record.status === 'deleted' || record.deleted_at) throw error(404, 'RecordNotFound', 'Not found');
		const validated = this.validate(collection, fields, false);
		const now = this.stamp();
		if (collection === 'tickets') delete validated.description;
		const before = { ...record };
		const commentsBefore = this.comments.get(id)?.length ?? 0;
		Object.assign(record, collection === 'tickets' ? this.ticketFields(validated, id, now) : validated, { updated_at: now });
		if (collection === 'tickets') this.audit(record, before, commentsBefore);
		return this.touched(collection, record);
	}

	/** The audit of a ticket write: a Create (new ticket) or Change event per field it set, and the comment it added. */
	private audit(ticket: ZRecord, before: Record<string, unknown> | undefined, commentsBefore: number): void {
		const events: Array<Record<string, unknown>> = (this.comments.get(ticket.id) ?? []).slice(commentsBefore).map((comment) => ({ ...comment, event_type: 'Comment', attachments: [] }));
		for (const field of auditedFields) {
			if (before ? sameValue(before[field], ticket[field]) : ticket[field] === undefined) continue;
			events.push({ id: this.nextId++, event_type: before ? 'Change' : 'Create', field_name: field, value: ticket[field] ?? null, ...(before ? { previous_value: before[field] ?? null } : {}) });
		}
		if (events.length === 0) return;
		this.audits.push({ id: this.nextId++, ticket_id: ticket.id, timestamp: Math.floor(Date.parse(ticket.updated_at) / 1000), created_at: ticket.updated_at, updater_id: 1, via: { channel: 'api' }, event_type: 'Audit', child_events: events });
	}

	destroy(collection: Collection, id: number): void {
		const record = this.tables[collection].get(id);
		if (!record) throw error(404, 'RecordNotFound', 'Not found');
		const now = this.stamp();
		if (collection === 'users') Object.assign(record, { active: false, updated_at: now });
		else if (collection === 'tickets') Object.assign(record, { status: 'deleted', updated_at: now });
		else Object.assign(record, { deleted_at: now, updated_at: now });
		this.touched(collection, record);
	}

	findUser(match: { email?: unknown; external_id?: unknown }): ZRecord | undefined {
		return [...this.tables.users.values()].find((user) => user.active !== false && (
			(match.external_id && user.external_id === match.external_id) || (match.email && String(user.email ?? '').toLowerCase() === String(match.email).toLowerCase())
		));
	}

	/** Runs a bulk job at once and keeps its status to be polled; results carry each input's index. */
	job(run: () => Array<Record<string, unknown>>): Record<string, unknown> {
		const id = randomUUID().replace(/-/g, '').slice(0, 24);
		const results = run();
		const status = { id, url: `${this.baseUrl()}/api/v2/job_statuses/${id}.json`, status: 'completed', total: results.length, progress: results.length, message: `Completed at ${new Date().toISOString()}`, results };
		this.jobs.set(id, status);
		return { ...status, status: 'queued', progress: null, results: null, message: null };
	}
}

function collectionOf(request: SandboxRequest): Collection {
	const name = request.params.collection as Collection;
	if (!collections.includes(name)) throw error(404, 'InvalidEndpoint', 'Not found');
	return name;
}

function bulkInput(request: SandboxRequest, collection: Collection): Array<Record<string, unknown>> {
	const input = ((request.body ?? {}) as Record<string, unknown>)[collection];
	if (!Array.isArray(input)) throw error(400, 'InvalidValue', `${collection} must be an array`);
	if (input.length > 100) throw error(400, 'TooManyRecords', `Too many ${collection}: at most 100 per request`);
	return input as Array<Record<string, unknown>>;
}

function perRecord(index: number, work: () => Record<string, unknown>): Record<string, unknown> {
	try {
		return { index, ...work() };
	} catch (caught) {
		if (!(caught instanceof SandboxError)) throw caught;
		const body = caught.response.body as { error: string; description: string; details?: Record<string, Array<{ description: string }>> };
		const details = Object.values(body.details ?? {}).flat().map((detail) => detail.description).join('; ');
		return { index, status: 'Failed', error: body.error, details: details || body.description };
	}
}

function routes(router: Router, account: Account, baseUrl: () => string): void {
	const ok = (body: unknown, status = 200): SandboxResponse => ({ status, body });
	router.get('/api/v2/users/me.json', () => ok({ user: { id: 1, email: zendeskEmail, role: 'admin' } }));
	// Statuses of several jobs at once (`ids` comma-separated); ids not known (expired or never started) are left out.
	const showMany = (request: SandboxRequest): SandboxResponse => {
		const ids = (request.query.get('ids') ?? '').split(',').map((id) => id.trim()).filter(Boolean);
		if (ids.length === 0) throw error(400, 'InvalidValue', 'ids is required');
		return ok({ job_statuses: ids.flatMap((id) => account.jobs.get(id) ?? []) });
	};
	router.get('/api/v2/job_statuses/show_many.json', showMany);
	// Several users or tickets by id (`ids`, at most 100); deleted tickets are left out.
	for (const collection of ['users', 'tickets'] as const) {
		const recordsShowMany = (request: SandboxRequest): SandboxResponse => {
			const ids = (request.query.get('ids') ?? '').split(',').map((id) => Number(id.trim())).filter((id) => Number.isInteger(id) && id > 0);
			if (ids.length === 0) throw error(400, 'InvalidValue', 'ids is required');
			if (ids.length > 100) throw error(400, 'TooManyRecords', 'At most 100 ids per request');
			const records = ids.flatMap((id) => account.tables[collection].get(id) ?? []).filter((record) => collection === 'users' || record.status !== 'deleted');
			return ok({ [collection]: records, ...sideLoads(request, collection, records) });
		};
		router.get(`/api/v2/${collection}/show_many.json`, recordsShowMany);
		router.get(`/api/v2/${collection}/show_many`, recordsShowMany);
	}
	// A ticket's comments, oldest first, cursor-paged like Zendesk's (`page[size]` up to 100).
	const ticketComments = (request: SandboxRequest): SandboxResponse => {
		const ticket = account.tables.tickets.get(Number(request.params.id));
		if (!ticket || ticket.status === 'deleted') throw error(404, 'RecordNotFound', 'Not found');
		const all = account.comments.get(ticket.id) ?? [];
		const size = Math.min(100, Number(request.query.get('page[size]') ?? 100) || 100);
		const after = Number(request.query.get('page[after]') ? Buffer.from(request.query.get('page[after]')!, 'base64url').toString() : 0);
		const page = all.slice(after, after + size);
		const hasMore = after + size < all.length;
		const afterCursor = Buffer.from(String(after + page.length)).toString('base64url');
		return ok({ comments: page, meta: { has_more: hasMore, after_cursor: hasMore ? afterCursor : null, before_cursor: null } });
	};
	router.get('/api/v2/tickets/:id/comments.json', ticketComments);
	router.get('/api/v2/tickets/:id/comments', ticketComments);
	router.get('/api/v2/job_statuses/show_many', showMany);
	router.get('/api/v2/job_statuses/:id', (request) => {
		const job = account.jobs.get(request.params.id.replace(/\.json$/, ''));
		if (!job) throw error(404, 'RecordNotFound', 'Not found');
		return ok({ job_status: job });
	});
	router.post('/api/v2/users/create_or_update_many.json', (request) => ok({
		job_status: account.job(() => bulkInput(request, 'users').map((input, index) => perRecord(index, () => {
			const existing = account.findUser(input);
			if (existing) return { id: account.update('users', existing.id, input).id, status: 'Updated', email: existing.email };
			const created = account.create('users', input);
			return { id: created.id, status: 'Created', email: created.email };
		}))),
	}));
	router.post('/api/v2/:collection/create_many.json', (request) => {
		const collection = collectionOf(request);
		return ok({ job_status: account.job(() => bulkInput(request, collection).map((input, index) => perRecord(index, () => ({ id: account.create(collection, input).id, status: 'Created' })))) });
	});
	router.put('/api/v2/:collection/update_many.json', (request) => {
		const collection = collectionOf(request);
		return ok({
			job_status: account.job(() => bulkInput(request, collection).map((input, index) => perRecord(index, () => ({ id: account.update(collection, Number(input.id), input).id, status: 'Updated' })))),
		});
	});
	router.delete('/api/v2/:collection/destroy_many.json', (request) => {
		const collection = collectionOf(request);
		const ids = (request.query.get('ids') ?? '').split(',').filter(Boolean).map(Number);
		if (ids.length > 100) throw error(400, 'TooManyRecords', 'At most 100 ids per request');
		return ok({ job_status: account.job(() => ids.map((id, index) => perRecord(index, () => (account.destroy(collection, id), { id, status: 'Deleted', success: true })))) });
	});
	// Time-based exports: everything updated at or after start_time, up to 1,000 a page, next_page absolute.
	for (const collection of ['users', 'organizations', 'tickets'] as const) {
		const timeBased = (request: SandboxRequest): SandboxResponse => {
			const startTime = request.query.get('start_time');
			if (startTime === null || !/^\d+$/.test(startTime)) throw error(400, 'InvalidPaginationParameter', 'start_time is required (a UNIX time in seconds)');
			const cutoff = Date.now() - account.settings.incrementalDelayMs;
			const ready = [...account.tables[collection].values()]
				.filter((record) => Date.parse(record.updated_at) <= cutoff && Date.parse(record.updated_at) >= Number(startTime) * 1000)
				.sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || a.id - b.id);
			const page = ready.slice(0, 1000);
			const endTime = page.length > 0 ? Math.floor(Date.parse(page[page.length - 1].updated_at) / 1000) : Number(startTime);
			const endOfStream = ready.length <= 1000;
			return ok({
				[collection]: page, count: page.length, end_time: endTime, end_of_stream: endOfStream,
				// Always given: where the next scheduled export resumes (end_of_stream says whether to read on now).
				next_page: `${baseUrl()}/api/v2/incremental/${collection}.json?start_time=${endTime}`,
			});
		};
		router.get(`/api/v2/incremental/${collection}.json`, timeBased);
		router.get(`/api/v2/incremental/${collection}`, timeBased);
	}
	// The ticket events export (time-based): every ticket audit at or after start_time, up to 1,000 a page, a page ending
	// on a whole second; comments among the child events only with include=comment_events.
	const ticketEvents = (request: SandboxRequest): SandboxResponse => {
		const startTime = request.query.get('start_time');
		if (startTime === null || !/^\d+$/.test(startTime)) throw error(400, 'InvalidPaginationParameter', 'start_time is required (a UNIX time in seconds)');
		const withComments = (request.query.get('include') ?? '').split(',').includes('comment_events');
		const cutoff = Math.floor((Date.now() - account.settings.incrementalDelayMs) / 1000);
		const ready = account.audits.filter((audit) => audit.timestamp >= Number(startTime) && audit.timestamp <= cutoff).sort((a, b) => a.timestamp - b.timestamp || a.id - b.id);
		let end = Math.min(1000, ready.length);
		while (end < ready.length && ready[end].timestamp === ready[end - 1].timestamp) end++;
		const page = ready.slice(0, end);
		const last = page[page.length - 1]?.timestamp;
		// A second wholly past the export's horizon is done: the next page starts after it.
		const endTime = last === undefined ? Number(startTime) : last < cutoff ? last + 1 : last;
		return ok({
			ticket_events: page.map((audit) => ({ ...audit, child_events: withComments ? audit.child_events : audit.child_events.filter((event) => event.event_type !== 'Comment') })),
			count: page.length, end_time: endTime, end_of_stream: end >= ready.length,
			next_page: `${baseUrl()}/api/v2/incremental/ticket_events.json?start_time=${endTime}`,
		});
	};
	router.get('/api/v2/incremental/ticket_events.json', ticketEvents);
	router.get('/api/v2/incremental/ticket_events', ticketEvents);
	// Side-loads (`include=users` on tickets): the users the records name (requester, submitter, assignee), once each.
	const sideLoads = (request: SandboxRequest, collection: Collection, records: Array<Record<string, unknown>>): Record<string, unknown> => {
		const wanted = (request.query.get('include') ?? '').split(',');
		if (collection !== 'tickets' || !wanted.includes('users')) return {};
		const ids = new Set(records.flatMap((record) => [record.requester_id, record.submitter_id, record.assignee_id]).filter((id): id is number => typeof id === 'number'));
		return { users: [...ids].flatMap((id) => account.tables.users.get(id) ?? []) };
	};
	router.get('/api/v2/incremental/:collection/cursor.json', (request) => {
		const collection = collectionOf(request);
		if (collection === 'organizations') throw error(404, 'InvalidEndpoint', 'Not found');
		// The cursor is the change sequence handed out last (opaque base64 to the client, as Zendesk's is).
		const cursor = request.query.get('cursor');
		const startTime = request.query.get('start_time');
		if (!cursor && startTime === null) throw error(400, 'InvalidPaginationParameter', 'start_time or cursor is required');
		const after = cursor ? Number(Buffer.from(cursor, 'base64url').toString()) : 0;
		const since = cursor ? 0 : Number(startTime) * 1000;
		const cutoff = Date.now() - account.settings.incrementalDelayMs;
		const ready = [...account.tables[collection].values()]
			.map((record) => ({ record, at: Date.parse(record.updated_at), sequence: account.sequence.get(`${collection}:${record.id}`) ?? 0 }))
			.filter(({ at, sequence }) => at <= cutoff && at >= since && sequence > after)
			.sort((a, b) => a.sequence - b.sequence);
		const perPage = Math.min(1000, Number(request.query.get('per_page') ?? 1000));
		const page = ready.slice(0, perPage);
		const last = page[page.length - 1];
		const afterCursor = Buffer.from(String(last ? last.sequence : after)).toString('base64url');
		const records = page.map(({ record }) => record);
		return ok({ [collection]: records, ...sideLoads(request, collection, records), after_cursor: afterCursor, after_url: `${baseUrl()}/api/v2/incremental/${collection}/cursor.json?cursor=${afterCursor}`, before_cursor: null, end_of_stream: ready.length <= perPage });
	});
	// Last: `/{collection}/:id` would otherwise take every literal path below a collection (me, show_many, …).
	recordRoutes(router, account, baseUrl);
}

const singular: Record<Collection, string> = { users: 'user', organizations: 'organization', tickets: 'ticket' };

function live(record: ZRecord): boolean {
	return record.active !== false && record.status !== 'deleted' && !record.deleted_at;
}

/**
 * One record at a time: list (offset paging with absolute next_page, or cursor paging with `page[size]`, meta and
 * links), create (201), show and update, each with or without `.json`, the body keyed by the singular name.
 */
function recordRoutes(router: Router, account: Account, baseUrl: () => string): void {
	const ok = (body: unknown, status = 200): SandboxResponse => ({ status, body });
	for (const collection of ['users', 'organizations', 'tickets'] as const) {
		const name = singular[collection];
		const found = (raw: string): ZRecord => {
			const record = account.tables[collection].get(Number(raw.replace(/\.json$/, '')));
			if (!record || !live(record)) throw error(404, 'RecordNotFound', 'Not found');
			return record;
		};
		const fields = (request: SandboxRequest): Record<string, unknown> => {
			const body = ((request.body ?? {}) as Record<string, unknown>)[name];
			if (!body || typeof body !== 'object' || Array.isArray(body)) throw error(400, 'InvalidValue', `${name} is required`);
			return body as Record<string, unknown>;
		};
		const list = (request: SandboxRequest): SandboxResponse => {
			const all = [...account.tables[collection].values()].filter(live).sort((a, b) => a.id - b.id);
			const url = `${baseUrl()}/api/v2/${collection}.json`;
			const size = request.query.get('page[size]');
			if (size !== null) {
				const perPage = Math.min(100, Number(size) || 100);
				const after = Number(request.query.get('page[after]') ? Buffer.from(request.query.get('page[after]')!, 'base64url').toString() : 0);
				const page = all.filter((record) => record.id > after).slice(0, perPage);
				const hasMore = page.length > 0 && all.some((record) => record.id > page[page.length - 1].id);
				const afterCursor = page.length > 0 ? Buffer.from(String(page[page.length - 1].id)).toString('base64url') : null;
				return ok({ [collection]: page, meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: null }, links: { next: hasMore ? `${url}?page[size]=${perPage}&page[after]=${afterCursor}` : null, prev: null } });
			}
			const perPage = Math.min(100, Number(request.query.get('per_page') ?? 100) || 100);
			const pageNumber = Math.max(1, Number(request.query.get('page') ?? 1) || 1);
			const page = all.slice((pageNumber - 1) * perPage, pageNumber * perPage);
			const more = pageNumber * perPage < all.length;
			return ok({
				[collection]: page, count: all.length,
				next_page: more ? `${url}?page=${pageNumber + 1}&per_page=${perPage}` : null,
				previous_page: pageNumber > 1 ? `${url}?page=${pageNumber - 1}&per_page=${perPage}` : null,
			});
		};
		const create = (request: SandboxRequest) => ok({ [name]: account.create(collection, fields(request)) }, 201);
		router.get(`/api/v2/${collection}.json`, list).get(`/api/v2/${collection}`, list);
		router.post(`/api/v2/${collection}.json`, create).post(`/api/v2/${collection}`, create);
		router.get(`/api/v2/${collection}/:id`, (request) => ok({ [name]: found(request.params.id) }));
		router.put(`/api/v2/${collection}/:id`, (request) => {
			const id = found(request.params.id).id;
			const before = account.comments.get(id)?.length ?? 0;
			const updated = account.update(collection, id, fields(request));
			if (collection !== 'tickets') return ok({ [name]: updated });
			// Zendesk answers a ticket update with its audit: the events it made, a comment among them.
			const added = (account.comments.get(id) ?? []).slice(before);
			return ok({ [name]: updated, audit: { id: account.nextAuditId(), ticket_id: id, created_at: updated.updated_at, author_id: 1, events: added.map((comment) => ({ ...comment, type: 'Comment', attachments: [] })) } });
		});
	}
}

export const signZendeskWebhook = ({ body, secret, timestamp }: { body: string; secret: string; timestamp: number }) => {
	const stamp = new Date(timestamp).toISOString();
	return { 'X-Zendesk-Webhook-Signature': createHmac('sha256', secret).update(`${stamp}${body}`).digest('base64'), 'X-Zendesk-Webhook-Signature-Timestamp': stamp };
};

export const createZendeskSandbox: VendorSandboxFactory = (services) => {
	const account = new Account(() => services.baseUrl());
	const webhooks = new ZendeskWebhooks(services, signZendeskWebhook);
	return {
		credentials: { email: zendeskEmail, apiToken: zendeskApiToken },
		authenticate: basicAuth(`${zendeskEmail}/token`, zendeskApiToken, () => ({ status: 401, body: { error: "Couldn't authenticate you" } })),
		rateLimits: {
			defaults: zendeskRateWindows,
			headers(usage: WindowUsage[]): Record<string, string> {
				const minute = usage.find((entry) => entry.window.name === 'account');
				return minute ? { 'X-Rate-Limit': String(minute.window.limit), 'X-Rate-Limit-Remaining': String(minute.remaining) } : {};
			},
			rejection: (_blocked, retryAfterMs) => ({ status: 429, headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) }, body: { error: 'TooManyRequests', description: 'Rate limit exceeded' } }),
		},
		errors: {
			serverError: (status) => ({ status, body: { error: 'InternalError', description: 'Something went wrong' } }),
			notFound: () => ({ status: 404, body: { error: 'InvalidEndpoint', description: 'Not found' } }),
			badRequest: (message) => ({ status: 400, body: { error: 'InvalidValue', description: message } }),
		},
		routes: (router) => {
			webhooks.routes(router);
			routes(router, account, () => services.baseUrl());
		},
		data: {
			reset: () => {
				account.reset();
				webhooks.reset();
			},
			seed: (data) => Object.fromEntries(Object.entries(data).map(([name, records]) => {
				// Comments are added to existing tickets ({ ticket_id, body, public }), as an agent's reply would be.
				if (name === 'comments') return [name, (records as Array<{ ticket_id: number; body: string; public?: boolean }>).map((entry) => account.update('tickets', entry.ticket_id, { comment: { body: entry.body, public: entry.public !== false } }))];
				if (!collections.includes(name as Collection)) throw controlError(400, `unknown collection ${name}; use ${collections.join(', ')} or comments`);
				return [name, (records as Array<Record<string, unknown>>).map((record) => account.create(name as Collection, record))];
			})),
			state: (collection) => (collection === 'webhooks' ? webhooks.list() : collection === undefined ? Object.fromEntries(collections.map((name) => [name, [...account.tables[name].values()]])) : collections.includes(collection as Collection) ? [...account.tables[collection as Collection].values()] : undefined),
		},
		settings: {
			get: () => ({ ...account.settings }),
			update: (patch) => {
				for (const [key, value] of Object.entries(patch)) {
					if (key !== 'incrementalDelayMs' || typeof value !== 'number' || value < 0) throw controlError(400, 'only incrementalDelayMs (a number >= 0) can be set');
					account.settings.incrementalDelayMs = value;
				}
				return { ...account.settings };
			},
		},
		signWebhook: ({ body, secret, timestamp }) => signZendeskWebhook({ body, secret, timestamp }),
		emitEvent: (event) => webhooks.emit(event),
	};
};
