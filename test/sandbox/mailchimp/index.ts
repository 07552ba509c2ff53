/**
 * The Mailchimp Marketing 3.0 sandbox (PLATFORMS.md): Basic auth with any user and the API key (its `-us21` suffix is
 * the datacenter), members addressed by MD5 of the lower-cased email with `status_if_new`, batch subscribe of up to
 * 500 answering 200 with per-member `errors`, static segments (tags) filled 500 emails a call, `since_last_changed`,
 * customer-journey API triggers, RFC 7807 problem details, and the limit of 10 simultaneous connections (a request
 * arriving while 10 are in flight gets Mailchimp's 429). `responseDelayMs` holds each request open, so concurrency
 * can be exercised; Mailchimp sends no rate headers.
 */
import { createHash, randomUUID } from 'node:crypto';

import { controlError } from '../framework/control';
import type { Router } from '../framework/router';
import { batchResultsPath, invalidOperations, newBatchId, tarGz, type Batch, type BatchOperation, type BatchResult } from './batches';
import { SandboxError, type Handler, type SandboxRequest, type SandboxResponse, type VendorSandboxFactory, type VendorSettings, type SandboxServices } from '../framework/types';

export const mailchimpApiKey = 'f3e1c0ffee0123456789abcdef012345-us21';

const API = '/3.0';
const MAX_CONNECTIONS = 10;
const BATCH_LIMIT = 500;

/** `archived` is Mailchimp's status for a member removed with DELETE; it cannot be set directly. */
type Status = 'subscribed' | 'unsubscribed' | 'cleaned' | 'pending' | 'transactional' | 'archived';
const STATUSES: Status[] = ['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional'];

interface Member {
	id: string;
	email_address: string;
	unique_email_id: string;
	status: Status;
	merge_fields: Record<string, unknown>;
	list_id: string;
	timestamp_signup: string;
	last_changed: string;
}

interface Segment {
	id: number;
	name: string;
	type: 'static';
	members: Set<string>;
	created_at: string;
}

interface JourneyTrigger {
	journey_id: string;
	step_id: string;
	email_address: string;
	at: string;
}

export const problem = (status: number, title: string, detail: string): SandboxResponse => ({
	status,
	headers: { 'content-type': 'application/problem+json; charset=utf-8' },
	body: { type: 'https://mailchimp.com/developer/marketing/docs/errors/', title, status, detail, instance: randomUUID() },
});

const fail = (status: number, title: string, detail: string) => new SandboxError(problem(status, title, detail));

/** Mailchimp stamps to the second with an explicit offset. */
const stamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');

export const memberHash = (email: string) => createHash('md5').update(email.trim().toLowerCase()).digest('hex');

const EMAIL = /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i;

class MailchimpState {
	lists = new Map<string, { id: string; name: string; members: Map<string, Member>; segments: Map<number, Segment> }>();
	/** Batch operations by id, with each operation's result. */
	readonly batches = new Map<string, { batch: Batch; results: BatchResult[] }>();
	journeys = new Map<string, Set<string>>();
	/** A journey's exit condition "tag is added": the tag that takes a contact out of it. */
	journeyExitTags = new Map<string, string>();
	triggers: JourneyTrigger[] = [];
	/** Contacts a journey's exit condition took out: `{journey_id, email_address, tag, at}`. */
	exits: Array<{ journey_id: string; email_address: string; tag: string; at: string }> = [];
	settings = { responseDelayMs: 0 };
	inFlight = 0;
	peakInFlight = 0;
	/** Requests refused for arriving while the limit was in flight. */
	refusedInFlight = 0;
	private nextSegmentId = 1000;

	reset(): void {
		this.batches.clear();
		this.lists.clear();
		this.journeys.clear();
		this.journeyExitTags.clear();
		this.triggers = [];
		this.exits = [];
		this.settings = { responseDelayMs: 0 };
		this.peakInFlight = 0;
		this.refusedInFlight = 0;
		this.nextSegmentId = 1000;
	}

	list(id: string) {
		const list = this.lists.get(id);
		if (!list) throw fail(404, 'Resource Not Found', 'The requested resource could not be found.');
		return list;
	}

	segmentId(): number {
		return this.nextSegmentId++;
	}
}

export const createMailchimpSandbox: VendorSandboxFactory = (services) => {
	const state = new MailchimpState();
	return {
		credentials: { apiKey: mailchimpApiKey },
		authenticate: (request) => {
			// Batch results live at a pre-signed URL (S3 at Mailchimp), fetched without the API key.
			if (request.method === 'GET' && request.path.startsWith(batchResultsPath)) return undefined;
			const header = request.headers.authorization;
			const [scheme, value] = typeof header === 'string' ? header.trim().split(/\s+/, 2) : [];
			if (!scheme || !value) return problem(401, 'API Key Missing', 'Your request did not include an API key.');
			const key = scheme.toLowerCase() === 'basic' ? Buffer.from(value, 'base64').toString('utf8').split(':').slice(1).join(':') : scheme.toLowerCase() === 'apikey' ? value : '';
			return key === mailchimpApiKey ? undefined : problem(401, 'API Key Invalid', 'Your API key may be invalid, or you\'ve attempted to access the wrong datacenter.');
		},
		rateLimits: { defaults: [], headers: () => ({}), rejection: () => tooManyConnections() },
		errors: {
			serverError: (status) => problem(status, 'Internal Server Error', 'An unexpected internal error has occurred. Please contact Support for more information.'),
			notFound: () => problem(404, 'Resource Not Found', 'The requested resource could not be found.'),
			badRequest: () => problem(400, 'JSON Parse Exception', 'We encountered an unspecified JSON parsing error.'),
		},
		routes: (router) => {
			registerRoutes(router, state);
			registerBatchRoutes(router, state, services);
		},
		data: {
			reset: () => state.reset(),
			seed: (data) => seed(state, data),
			state: (collection) => view(state, collection),
		},
		signWebhook: () => ({}),
		settings: settings(state),
	};
};

function tooManyConnections(): SandboxResponse {
	return problem(429, 'Too Many Requests', `You have exceeded the limit of ${MAX_CONNECTIONS} simultaneous connections.`);
}

/** Every API route counts as one open connection while it runs; the 11th at once is refused. */
function limited(state: MailchimpState, handler: Handler): Handler {
	return async (request) => {
		if (state.inFlight >= MAX_CONNECTIONS) {
			state.refusedInFlight++;
			return tooManyConnections();
		}
		state.inFlight++;
		state.peakInFlight = Math.max(state.peakInFlight, state.inFlight);
		try {
			if (state.settings.responseDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.settings.responseDelayMs));
			return await handler(request);
		} finally {
			state.inFlight--;
		}
	};
}

function registerRoutes(router: Router, state: MailchimpState): void {
	const route = (method: 'get' | 'post' | 'put' | 'patch' | 'delete', pattern: string, handler: Handler) => router[method](`${API}${pattern}`, limited(state, handler));
	route('get', '/ping', () => ({ status: 200, body: { health_status: "Everything's Chimpy!" } }));
	route('get', '/lists', (request) => {
		const lists = [...state.lists.values()];
		const count = Number(request.query.get('count') ?? 10);
		const offset = Number(request.query.get('offset') ?? 0);
		return { status: 200, body: { lists: lists.slice(offset, offset + count).map((list) => presentList(list)), total_items: lists.length } };
	});
	route('get', '/lists/:listId', (request) => {
		return { status: 200, body: presentList(state.list(request.params.listId)) };
	});
	route('post', '/lists/:listId', (request) => batchSubscribe(state, request));
	route('get', '/lists/:listId/members', (request) => listMembers(state, request));
	route('post', '/lists/:listId/members', (request) => {
		const list = state.list(request.params.listId);
		const body = objectBody(request.body);
		const email = String(body.email_address ?? '').toLowerCase();
		if (list.members.has(memberHash(email))) throw fail(400, 'Member Exists', `${email} is already a list member. Use PUT to insert or update list members.`);
		return { status: 200, body: writeMember(list, body, { create: true, statusField: 'status' }) };
	});
	route('get', '/lists/:listId/members/:hash', (request) => ({ status: 200, body: presentMember(state, request.params.listId, findMember(state, request)) }));
	route('put', '/lists/:listId/members/:hash', (request) => {
		const list = state.list(request.params.listId);
		const body = objectBody(request.body);
		if (memberHash(String(body.email_address ?? '')) !== request.params.hash) {
			throw fail(400, 'Invalid Resource', 'The email address does not match the subscriber hash in the URL.');
		}
		return { status: 200, body: presentMember(state, list.id, writeMember(list, body, { create: true, statusField: 'status_if_new' })) };
	});
	route('patch', '/lists/:listId/members/:hash', (request) => {
		const list = state.list(request.params.listId);
		findMember(state, request);
		const existing = list.members.get(request.params.hash) as Member;
		return { status: 200, body: presentMember(state, list.id, writeMember(list, { ...objectBody(request.body), email_address: existing.email_address }, { create: false, statusField: 'status' })) };
	});
	// DELETE archives: the member stays, as `archived`, and a later PUT brings it back.
	route('delete', '/lists/:listId/members/:hash', (request) => {
		const member = findMember(state, request);
		if (member.status === 'archived') throw fail(404, 'Resource Not Found', 'The requested resource could not be found.');
		member.status = 'archived';
		member.last_changed = stamp();
		return { status: 204 };
	});
	route('post', '/lists/:listId/members/:hash/tags', (request) => {
		const list = state.list(request.params.listId);
		const member = findMember(state, request);
		for (const tag of (objectBody(request.body).tags as Array<{ name: string; status: string }>) ?? []) {
			const segment = segmentByName(list, tag.name) ?? createSegment(state, list, tag.name);
			if (tag.status === 'inactive') segment.members.delete(member.id);
			else if (!segment.members.has(member.id)) {
				segment.members.add(member.id);
				exitJourneys(state, member.email_address, tag.name);
			}
		}
		return { status: 204 };
	});
	route('get', '/lists/:listId/segments', (request) => {
		const list = state.list(request.params.listId);
		const segments = [...list.segments.values()];
		const count = Number(request.query.get('count') ?? 10);
		const offset = Number(request.query.get('offset') ?? 0);
		return { status: 200, body: { segments: segments.slice(offset, offset + count).map(presentSegment), total_items: segments.length, list_id: list.id } };
	});
	route('post', '/lists/:listId/segments', (request) => {
		const list = state.list(request.params.listId);
		const body = objectBody(request.body);
		if (typeof body.name !== 'string' || body.name === '') throw fail(400, 'Invalid Resource', 'The resource submitted could not be validated. name is required.');
		if (segmentByName(list, body.name)) throw fail(400, 'Invalid Resource', `A segment named "${body.name}" already exists.`);
		const segment = createSegment(state, list, body.name);
		for (const email of (body.static_segment as string[] | undefined) ?? []) {
			const member = list.members.get(memberHash(email));
			if (member) segment.members.add(member.id);
		}
		return { status: 200, body: presentSegment(segment) };
	});
	route('post', '/lists/:listId/segments/:segmentId', (request) => segmentMembers(state, request));
	route('post', '/customer-journeys/journeys/:journeyId/steps/:stepId/actions/trigger', (request) => {
		const steps = state.journeys.get(request.params.journeyId);
		if (!steps || !steps.has(request.params.stepId)) throw fail(404, 'Resource Not Found', 'The requested resource could not be found.');
		const email = String(objectBody(request.body).email_address ?? '').toLowerCase();
		const member = [...state.lists.values()].map((list) => list.members.get(memberHash(email))).find((found) => found);
		if (!member || member.status !== 'subscribed') throw fail(400, 'Bad Request', `${email} is not a subscribed contact of this journey's audience.`);
		state.triggers.push({ journey_id: request.params.journeyId, step_id: request.params.stepId, email_address: email, at: stamp() });
		return { status: 204 };
	});
}

/** A tag added to a contact in a journey whose exit condition waits for that tag takes the contact out of it. */
function exitJourneys(state: MailchimpState, email: string, tag: string): void {
	for (const [journey, exitTag] of state.journeyExitTags) {
		if (exitTag !== tag) continue;
		const entered = state.triggers.some((trigger) => trigger.journey_id === journey && trigger.email_address === email);
		const exited = state.exits.some((exit) => exit.journey_id === journey && exit.email_address === email);
		if (entered && !exited) state.exits.push({ journey_id: journey, email_address: email, tag, at: stamp() });
	}
}

function registerBatchRoutes(router: Router, state: MailchimpState, services: SandboxServices): void {
	const found = (id: string): Batch => {
		const entry = state.batches.get(id);
		if (!entry) throw fail(404, 'Resource Not Found', 'The requested resource could not be found.');
		return entry.batch;
	};
	router.post(`${API}/batches`, limited(state, async (request) => {
		const operations = objectBody(request.body).operations;
		const problem = invalidOperations(operations);
		if (problem) throw fail(400, 'Invalid Resource', `The resource submitted could not be validated. ${problem}`);
		const results: BatchResult[] = [];
		for (const operation of operations as BatchOperation[]) results.push(await runOperation(router, request, operation));
		const id = newBatchId();
		const submitted = stamp();
		const batch: Batch = {
			id, status: 'finished', total_operations: results.length, finished_operations: results.length,
			errored_operations: results.filter((result) => result.status_code >= 400).length, submitted_at: submitted, completed_at: stamp(),
			response_body_url: `${services.baseUrl()}${batchResultsPath}${id}.tar.gz`,
		};
		state.batches.set(id, { batch, results });
		// Mailchimp answers the submission before running it: pending, nothing finished, no results yet.
		return { status: 200, body: { ...batch, status: 'pending', finished_operations: 0, errored_operations: 0, completed_at: '', response_body_url: '' } };
	}));
	router.get(`${API}/batches`, limited(state, (request) => {
		const batches = [...state.batches.values()].map((entry) => entry.batch);
		const count = Number(request.query.get('count') ?? 10);
		const offset = Number(request.query.get('offset') ?? 0);
		return { status: 200, body: { batches: batches.slice(offset, offset + count), total_items: batches.length } };
	}));
	router.get(`${API}/batches/:id`, limited(state, (request) => ({ status: 200, body: found(request.params.id) })));
	router.delete(`${API}/batches/:id`, limited(state, (request) => {
		found(request.params.id);
		state.batches.delete(request.params.id);
		return { status: 204 };
	}));
	router.get(`${batchResultsPath}:file`, (request) => {
		const entry = state.batches.get(request.params.file.replace(/\.tar\.gz$/, ''));
		if (!entry) return { status: 404, body: 'NoSuchKey', headers: { 'content-type': 'application/xml' } };
		return { status: 200, body: tarGz([{ name: `${entry.batch.id}.json`, content: JSON.stringify(entry.results) }]), headers: { 'content-type': 'application/x-gzip' } };
	});
}

/** One batch operation through the sandbox's own route for it; its answer as Mailchimp records it. */
async function runOperation(router: Router, request: SandboxRequest, operation: BatchOperation): Promise<BatchResult> {
	const method = operation.method.toUpperCase();
	const path = `${API}${operation.path}`;
	const query = new URLSearchParams(Object.entries(operation.params ?? {}).map(([key, value]): [string, string] => [key, String(value)]));
	const route = router.match(method, path);
	let response: SandboxResponse;
	try {
		if (!route) throw fail(404, 'Resource Not Found', 'The requested resource could not be found.');
		const body = operation.body === undefined || operation.body === '' ? undefined : JSON.parse(operation.body);
		response = await route.handler({ ...request, method, path, query, body, rawBody: operation.body ?? '', params: route.params });
	} catch (error) {
		if (error instanceof SyntaxError) response = problem(400, 'JSON Parse Exception', 'We encountered an unspecified JSON parsing error.');
		else if (error instanceof SandboxError) response = error.response;
		else throw error;
	}
	return { status_code: response.status, operation_id: operation.operation_id ?? null, response: response.body === undefined ? '' : JSON.stringify(response.body) };
}

function objectBody(body: unknown): Record<string, unknown> {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) throw fail(400, 'Invalid Resource', 'The resource submitted could not be validated.');
	return body as Record<string, unknown>;
}

function findMember(state: MailchimpState, request: SandboxRequest): Member {
	const member = state.list(request.params.listId).members.get(request.params.hash.toLowerCase());
	if (!member) throw fail(404, 'Resource Not Found', 'The requested resource could not be found.');
	return member;
}

/**
 * One member write. `statusField` says which field decides a new member's status (`status_if_new` for PUT, `status`
 * for POST); an existing member changes status only through `status`.
 */
function writeMember(list: { id: string; members: Map<string, Member> }, body: Record<string, unknown>, options: { create: boolean; statusField: 'status' | 'status_if_new' }): Member {
	const email = String(body.email_address ?? '').trim();
	if (!EMAIL.test(email)) throw fail(400, 'Invalid Resource', `${email} looks fake or invalid, please enter a real email address.`);
	const id = memberHash(email);
	const existing = list.members.get(id);
	const requested = (existing ? body.status : (body[options.statusField] ?? body.status)) as Status | undefined;
	if (requested !== undefined && !STATUSES.includes(requested)) throw fail(400, 'Invalid Resource', `The resource submitted could not be validated. status: "${String(requested)}" is not an allowed value.`);
	if (!existing && requested === undefined) throw fail(400, 'Invalid Resource', 'The resource submitted could not be validated. field path: status, message: Schema describes enum, NULL found instead.');
	const now = stamp();
	const member: Member = existing ?? {
		id,
		email_address: email.toLowerCase(),
		unique_email_id: id.slice(0, 10),
		status: requested as Status,
		merge_fields: {},
		list_id: list.id,
		timestamp_signup: now,
		last_changed: now,
	};
	if (existing && requested !== undefined && requested !== existing.status) existing.status = requested;
	// An archived member written again comes back with the status asked for a new one.
	else if (existing?.status === 'archived') existing.status = ((body[options.statusField] ?? body.status) as Status | undefined) ?? 'subscribed';
	Object.assign(member.merge_fields, (body.merge_fields as Record<string, unknown>) ?? {});
	member.last_changed = now;
	list.members.set(id, member);
	return member;
}

/** A member with the fields Mailchimp answers beside the ones the sandbox keeps. */
function presentMember(state: MailchimpState, listId: string, member: Member) {
	const list = state.list(listId);
	const tags = [...list.segments.values()].filter((segment) => segment.members.has(member.id)).map((segment) => ({ id: segment.id, name: segment.name }));
	const fullName = [member.merge_fields.FNAME, member.merge_fields.LNAME].filter((part) => typeof part === 'string' && part !== '').join(' ');
	return {
		...member,
		contact_id: createHash('md5').update(`contact:${member.email_address}`).digest('hex'),
		full_name: fullName,
		web_id: Number.parseInt(member.id.slice(0, 7), 16),
		email_type: 'html',
		interests: {},
		stats: { avg_open_rate: 0, avg_click_rate: 0 },
		ip_signup: '',
		ip_opt: '',
		timestamp_opt: member.status === 'subscribed' ? member.timestamp_signup : '',
		member_rating: 2,
		language: '',
		vip: false,
		email_client: '',
		location: { latitude: 0, longitude: 0, gmtoff: 0, dstoff: 0, country_code: '', timezone: '', region: '' },
		marketing_permissions: [],
		source: 'API - Generic',
		tags,
		tags_count: tags.length,
		_links: [{ rel: 'self', href: `https://us21.api.mailchimp.com/3.0/lists/${listId}/members/${member.id}`, method: 'GET' }],
	};
}

function presentList(list: { id: string; name: string; members: Map<string, Member> }) {
	const members = [...list.members.values()];
	const count = (status: Status) => members.filter((member) => member.status === status).length;
	return { id: list.id, web_id: Number.parseInt(createHash('md5').update(list.id).digest('hex').slice(0, 6), 16), name: list.name, stats: { member_count: count('subscribed'), unsubscribe_count: count('unsubscribed'), cleaned_count: count('cleaned') } };
}

function presentSegment(segment: Segment) {
	return { id: segment.id, name: segment.name, member_count: segment.members.size, type: segment.type, created_at: segment.created_at };
}

function segmentByName(list: { segments: Map<number, Segment> }, name: string): Segment | undefined {
	return [...list.segments.values()].find((segment) => segment.name === name);
}

function createSegment(state: MailchimpState, list: { segments: Map<number, Segment> }, name: string): Segment {
	const segment: Segment = { id: state.segmentId(), name, type: 'static', members: new Set(), created_at: stamp() };
	list.segments.set(segment.id, segment);
	return segment;
}

/** `POST /lists/{id}`: 200 even when some members fail, each failure in `errors`. */
function batchSubscribe(state: MailchimpState, request: SandboxRequest): SandboxResponse {
	const list = state.list(request.params.listId);
	const body = objectBody(request.body);
	const members = body.members;
	if (!Array.isArray(members)) throw fail(400, 'Invalid Resource', 'The resource submitted could not be validated. members is required.');
	if (members.length > BATCH_LIMIT) throw fail(400, 'Invalid Resource', `The resource submitted could not be validated. members: The array may contain at most ${BATCH_LIMIT} items.`);
	const result = { new_members: [] as unknown[], updated_members: [] as unknown[], errors: [] as unknown[], total_created: 0, total_updated: 0, error_count: 0 };
	const seen = new Set<string>();
	for (const entry of members as Array<Record<string, unknown>>) {
		const email = String(entry.email_address ?? '').trim().toLowerCase();
		const exists = list.members.has(memberHash(email));
		try {
			if (seen.has(email)) throw fail(400, 'Invalid Resource', `${email} was given more than once in this batch.`);
			if (exists && body.update_existing !== true) throw fail(400, 'Member Exists', `${email} is already a list member.`);
			seen.add(email);
			const member = writeMember(list, entry, { create: true, statusField: 'status_if_new' });
			(exists ? result.updated_members : result.new_members).push(presentMember(state, list.id, member));
		} catch (error) {
			if (!(error instanceof SandboxError)) throw error;
			const detail = (error.response.body as { detail: string }).detail;
			result.errors.push({ email_address: email, error: detail, error_code: exists ? 'ERROR_CONTACT_EXISTS' : 'ERROR_GENERIC', field: 'email_address', field_message: '' });
		}
	}
	result.total_created = result.new_members.length;
	result.total_updated = result.updated_members.length;
	result.error_count = result.errors.length;
	return { status: 200, body: result };
}

function segmentMembers(state: MailchimpState, request: SandboxRequest): SandboxResponse {
	const list = state.list(request.params.listId);
	const segment = list.segments.get(Number(request.params.segmentId));
	if (!segment) throw fail(404, 'Resource Not Found', 'The requested resource could not be found.');
	const body = objectBody(request.body);
	const toAdd = (body.members_to_add as string[] | undefined) ?? [];
	const toRemove = (body.members_to_remove as string[] | undefined) ?? [];
	if (toAdd.length > BATCH_LIMIT || toRemove.length > BATCH_LIMIT) throw fail(400, 'Invalid Resource', `members_to_add and members_to_remove take at most ${BATCH_LIMIT} emails.`);
	const added: unknown[] = [];
	const removed: unknown[] = [];
	const missing: string[] = [];
	for (const email of toAdd) {
		const member = list.members.get(memberHash(email));
		if (!member) missing.push(email);
		else {
			segment.members.add(member.id);
			added.push(presentMember(state, list.id, member));
		}
	}
	for (const email of toRemove) {
		const member = list.members.get(memberHash(email));
		if (member && segment.members.delete(member.id)) removed.push(presentMember(state, list.id, member));
	}
	const errors = missing.length > 0 ? [{ email_addresses: missing, error: 'Email addresses are not subscribed to the list' }] : [];
	return { status: 200, body: { members_added: added, members_removed: removed, errors, total_added: added.length, total_removed: removed.length, error_count: missing.length } };
}

function listMembers(state: MailchimpState, request: SandboxRequest): SandboxResponse {
	const list = state.list(request.params.listId);
	const count = Number(request.query.get('count') ?? 10);
	if (!Number.isInteger(count) || count < 1 || count > 1000) throw fail(400, 'Invalid Resource', 'count must be between 1 and 1000.');
	const offset = Number(request.query.get('offset') ?? 0);
	const status = request.query.get('status');
	const since = request.query.get('since_last_changed');
	let members = [...list.members.values()]
		.filter((member) => status === null || member.status === status)
		.filter((member) => since === null || Date.parse(member.last_changed) > Date.parse(since));
	if (request.query.get('sort_field') === 'last_changed') {
		members = members.sort((a, b) => a.last_changed.localeCompare(b.last_changed) * (request.query.get('sort_dir') === 'DESC' ? -1 : 1));
	}
	return { status: 200, body: { members: members.slice(offset, offset + count).map((member) => presentMember(state, list.id, member)), list_id: list.id, total_items: members.length } };
}

/** `{ lists: [{ id, name }], members: [{ list_id, email_address, status, merge_fields? }], journeys: [{ id, step_id, exit_tag? }] }` */
function seed(state: MailchimpState, data: Record<string, unknown[]>): Record<string, unknown[]> {
	const stored: Record<string, unknown[]> = {};
	for (const list of (data.lists ?? []) as Array<{ id: string; name?: string }>) {
		if (typeof list.id !== 'string') throw controlError(400, 'each list needs an id');
		if (!state.lists.has(list.id)) state.lists.set(list.id, { id: list.id, name: list.name ?? list.id, members: new Map(), segments: new Map() });
	}
	stored.lists = [...state.lists.values()].map((list) => ({ id: list.id, name: list.name }));
	stored.members = ((data.members ?? []) as Array<Record<string, unknown>>).map((entry) => {
		const list = state.lists.get(String(entry.list_id));
		if (!list) throw controlError(400, `members need an existing list_id (${String(entry.list_id)})`);
		try {
			return writeMember(list, { ...entry, status_if_new: entry.status }, { create: true, statusField: 'status_if_new' });
		} catch (error) {
			if (error instanceof SandboxError) throw controlError(400, JSON.stringify(error.response.body));
			throw error;
		}
	});
	for (const journey of (data.journeys ?? []) as Array<{ id: string; step_id: string; exit_tag?: string }>) {
		state.journeys.set(String(journey.id), new Set([...(state.journeys.get(String(journey.id)) ?? []), String(journey.step_id)]));
		if (journey.exit_tag) state.journeyExitTags.set(String(journey.id), journey.exit_tag);
	}
	stored.journeys = [...state.journeys.entries()].map(([id, steps]) => ({ id, steps: [...steps] }));
	const unknown = Object.keys(data).filter((key) => !['lists', 'members', 'journeys'].includes(key));
	if (unknown.length > 0) throw controlError(400, `unknown collection ${unknown.join(', ')}; use lists, members, journeys`);
	return stored;
}

function view(state: MailchimpState, collection?: string): unknown {
	const members = () => [...state.lists.values()].flatMap((list) => [...list.members.values()].map((member) => presentMember(state, list.id, member)));
	const segments = () => [...state.lists.values()].flatMap((list) => [...list.segments.values()].map((segment) => ({ ...presentSegment(segment), list_id: list.id, emails: [...segment.members].map((id) => list.members.get(id)?.email_address) })));
	const connections = () => ({ inFlight: state.inFlight, peak: state.peakInFlight, refused: state.refusedInFlight });
	const views: Record<string, () => unknown> = { members, segments, triggers: () => state.triggers, exits: () => state.exits, connections };
	if (collection === undefined) return Object.fromEntries(Object.entries(views).map(([name, build]) => [name, build()]));
	return views[collection]?.();
}

/** `responseDelayMs`: how long each API request stays open (to exercise the connection limit). */
function settings(state: MailchimpState): VendorSettings {
	return {
		get: () => ({ ...state.settings }),
		update: (patch) => {
			for (const [key, value] of Object.entries(patch)) {
				if (key !== 'responseDelayMs' || typeof value !== 'number' || value < 0) throw controlError(400, `unknown or invalid setting ${key}`);
				state.settings.responseDelayMs = value;
			}
			return { ...state.settings };
		},
	};
}
