/**
 * The Marketo REST sandbox (PLATFORMS.md): OAuth client credentials at `/identity/oauth/token` (tokens expire),
 * leads pushed by email in batches of 300 (`createOrUpdate`), static lists (found by name, filled 300 leads a call),
 * smart campaigns requested for 100 leads a call. Limits as Marketo runs them: 100 calls per 20 s (606), a daily
 * quota (607), 10 concurrent calls (615); like Marketo, these errors and token refusals (601/602) come in an
 * HTTP 200 body `{requestId, success:false, errors:[{code, message}]}`.
 */
import { randomBytes } from 'node:crypto';

import { controlError } from '../framework/control';
import type { Router } from '../framework/router';
import type { Handler, SandboxRequest, SandboxResponse, VendorSandboxFactory, VendorSettings } from '../framework/types';

export const marketoClientId = 'sandbox-marketo-client';
export const marketoClientSecret = 'sandbox-marketo-secret-7f3a';

const LEAD_BATCH = 300;
const CAMPAIGN_BATCH = 100;
const MAX_CONCURRENT = 10;

interface Lead {
	id: number;
	email: string;
	firstName?: string;
	lastName?: string;
	phone?: string;
	company?: string;
	country?: string;
	unsubscribed: boolean;
	createdAt: string;
	updatedAt: string;
}

const LEAD_FIELDS = ['id', 'email', 'firstName', 'lastName', 'phone', 'company', 'country', 'unsubscribed', 'createdAt', 'updatedAt'];
const WRITABLE = new Set(['email', 'firstName', 'lastName', 'phone', 'company', 'country', 'unsubscribed']);

let requestCounter = 0;
const requestId = () => `${(++requestCounter).toString(16)}#${Date.now().toString(16)}`;

export const marketoOk = (result: unknown[], extra: Record<string, unknown> = {}): SandboxResponse => ({ status: 200, body: { requestId: requestId(), result, success: true, ...extra } });
export const marketoError = (code: string, message: string): SandboxResponse => ({ status: 200, body: { requestId: requestId(), success: false, errors: [{ code, message }] } });

class MarketoState {
	leads = new Map<number, Lead>();
	lists = new Map<number, { id: number; name: string; leads: Set<number> }>();
	campaigns = new Map<number, { id: number; name: string }>();
	campaignRuns: Array<{ campaignId: number; leadId: number; email: string; at: string }> = [];
	tokens = new Map<string, number>();
	tokensIssued = 0;
	settings = { tokenTtlMs: 3_600_000, responseDelayMs: 0 };
	inFlight = 0;
	peakInFlight = 0;
	/** Requests refused for arriving while the limit was in flight. */
	refusedInFlight = 0;
	private nextId = 1001;

	reset(): void {
		this.leads.clear();
		this.lists.clear();
		this.campaigns.clear();
		this.campaignRuns = [];
		this.tokens.clear();
		this.tokensIssued = 0;
		this.settings = { tokenTtlMs: 3_600_000, responseDelayMs: 0 };
		this.peakInFlight = 0;
		this.refusedInFlight = 0;
		this.nextId = 1001;
	}

	id(): number {
		return this.nextId++;
	}

	byEmail(email: string): Lead | undefined {
		const wanted = email.trim().toLowerCase();
		return [...this.leads.values()].find((lead) => lead.email === wanted);
	}
}

export const createMarketoSandbox: VendorSandboxFactory = () => {
	const state = new MarketoState();
	return {
		credentials: { clientId: marketoClientId, clientSecret: marketoClientSecret },
		authenticate: (request) => authenticate(state, request),
		rateLimits: {
			defaults: [
				{ name: 'twenty_seconds', kind: 'sliding', limit: 100, intervalMs: 20_000, match: { path: '/rest/' } },
				{ name: 'daily', kind: 'fixed', limit: 50_000, intervalMs: 86_400_000, match: { path: '/rest/' } },
			],
			headers: () => ({}),
			rejection: (blocked) =>
				blocked.window.name === 'daily'
					? marketoError('607', 'Daily quota reached')
					: marketoError('606', `Max rate limit '${blocked.window.limit}' exceeded with in '${blocked.window.intervalMs / 1000}' secs`),
		},
		errors: {
			serverError: (status) => ({ status, body: { requestId: requestId(), success: false, errors: [{ code: '611', message: 'System error' }] } }),
			notFound: () => ({ status: 404, body: 'Not Found' }),
			badRequest: () => marketoError('609', 'Invalid JSON'),
		},
		routes: (router) => registerRoutes(router, state),
		data: { reset: () => state.reset(), seed: (data) => seed(state, data), state: (collection) => view(state, collection) },
		signWebhook: () => ({}),
		settings: settings(state),
	};
};

function authenticate(state: MarketoState, request: SandboxRequest): SandboxResponse | undefined {
	if (request.path.startsWith('/identity/')) return undefined;
	const header = request.headers.authorization;
	const token = typeof header === 'string' && /^bearer\s+/i.test(header) ? header.replace(/^bearer\s+/i, '') : request.query.get('access_token');
	if (!token) return marketoError('600', 'Access token not specified');
	const expires = state.tokens.get(token);
	if (expires === undefined) return marketoError('601', 'Access token invalid');
	if (expires <= Date.now()) return marketoError('602', 'Access token expired');
	return undefined;
}

/** Marketo counts concurrent calls per instance; the 11th at once gets 615. */
function limited(state: MarketoState, handler: Handler): Handler {
	return async (request) => {
		if (state.inFlight >= MAX_CONCURRENT) {
			state.refusedInFlight++;
			return marketoError('615', 'Concurrent access limit reached');
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

function registerRoutes(router: Router, state: MarketoState): void {
	router.get('/identity/oauth/token', (request) => token(state, request));
	const route = (method: 'get' | 'post' | 'delete', pattern: string, handler: Handler) => router[method](pattern, limited(state, handler));
	route('get', '/rest/v1/leads/describe.json', () =>
		marketoOk(LEAD_FIELDS.map((name, index) => ({ id: index + 1, displayName: name, dataType: name === 'unsubscribed' ? 'boolean' : 'string', rest: { name, readOnly: !WRITABLE.has(name) } }))),
	);
	route('post', '/rest/v1/leads.json', (request) => pushLeads(state, request));
	route('get', '/rest/v1/leads.json', (request) => {
		if (request.query.get('filterType') !== 'email') return marketoError('1003', 'Invalid filterType, use email');
		const emails = (request.query.get('filterValues') ?? '').split(',').filter(Boolean);
		if (emails.length > LEAD_BATCH) return marketoError('1003', `Too many filterValues, max ${LEAD_BATCH}`);
		return marketoOk(emails.map((email) => state.byEmail(email)).filter((lead) => lead !== undefined));
	});
	route('get', '/rest/asset/v1/staticList/byName.json', (request) => {
		const name = request.query.get('name');
		const list = [...state.lists.values()].find((entry) => entry.name === name);
		return list ? marketoOk([presentList(list)]) : marketoOk([], { warnings: ['No assets found for the given search criteria.'] });
	});
	route('post', '/rest/v1/lists/:listId/leads.json', (request) => addToList(state, request));
	route('delete', '/rest/v1/lists/:listId/leads.json', (request) => removeFromList(state, request));
	route('post', '/rest/v1/campaigns/:campaignId/trigger.json', (request) => triggerCampaign(state, request));
	// Lead activities, as far as a requested campaign leaves one ("Request Campaign", primary attribute: the campaign).
	route('get', '/rest/v1/activities/types.json', () => marketoOk(ACTIVITY_TYPES));
	route('get', '/rest/v1/activities/pagingtoken.json', (request) => {
		const since = Date.parse(request.query.get('sinceDatetime') ?? '');
		if (Number.isNaN(since)) return marketoError('1003', 'sinceDatetime is required (ISO 8601)');
		return { status: 200, body: { requestId: requestId(), success: true, nextPageToken: Buffer.from(`${since}:0`).toString('base64url') } };
	});
	route('get', '/rest/v1/activities.json', (request) => requestedActivities(state, request));
	// Smart campaigns, `batchSize` (≤ 300, default 300) a page; `nextPageToken` carries on (here: the next index).
	route('get', '/rest/v1/campaigns.json', (request) => {
		const batchSize = Number(request.query.get('batchSize') ?? 300);
		if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 300) return marketoError('1003', 'Invalid batchSize, max 300');
		const start = Number(request.query.get('nextPageToken') ?? 0) || 0;
		const all = [...state.campaigns.values()].map((campaign) => ({ ...campaign, type: 'trigger', isTriggerable: true, active: true }));
		const page = all.slice(start, start + batchSize);
		return marketoOk(page, start + batchSize < all.length ? { nextPageToken: String(start + batchSize) } : {});
	});
}

function token(state: MarketoState, request: SandboxRequest): SandboxResponse {
	if (request.query.get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'invalid_request', error_description: 'Missing grant type' } };
	if (request.query.get('client_id') !== marketoClientId || request.query.get('client_secret') !== marketoClientSecret) {
		return { status: 401, body: { error: 'unauthorized', error_description: 'Bad client credentials' } };
	}
	const value = `${randomBytes(12).toString('hex')}:ab`;
	state.tokens.set(value, Date.now() + state.settings.tokenTtlMs);
	state.tokensIssued++;
	return { status: 200, body: { access_token: value, token_type: 'bearer', expires_in: Math.floor(state.settings.tokenTtlMs / 1000), scope: 'apiuser@sandbox.example' } };
}

function inputOf(request: SandboxRequest): unknown[] | undefined {
	const body = request.body as { input?: unknown } | undefined;
	return Array.isArray(body?.input) ? body.input : undefined;
}

function pushLeads(state: MarketoState, request: SandboxRequest): SandboxResponse {
	const body = (request.body ?? {}) as { action?: string; lookupField?: string };
	const input = inputOf(request);
	if (!input) return marketoError('609', 'Invalid JSON: input is required');
	if (input.length > LEAD_BATCH) return marketoError('1003', `Too many records in input, max ${LEAD_BATCH}`);
	const action = body.action ?? 'createOrUpdate';
	if ((body.lookupField ?? 'email') !== 'email') return marketoError('1003', 'Only email is supported as lookupField here');
	const result = (input as Array<Record<string, unknown>>).map((record) => {
		const email = String(record.email ?? '').trim().toLowerCase();
		if (!/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(email)) return { status: 'skipped', reasons: [{ code: '1003', message: 'Invalid email address' }] };
		const unknown = Object.keys(record).find((field) => !WRITABLE.has(field));
		if (unknown) return { status: 'skipped', reasons: [{ code: '1006', message: `Field '${unknown}' not found` }] };
		const existing = state.byEmail(email);
		if (existing && action === 'createOnly') return { id: existing.id, status: 'skipped', reasons: [{ code: '1005', message: 'Lead already exists' }] };
		if (!existing && action === 'updateOnly') return { status: 'skipped', reasons: [{ code: '1004', message: 'Lead not found' }] };
		const now = new Date().toISOString();
		const lead: Lead = existing ?? { id: state.id(), email, unsubscribed: false, createdAt: now, updatedAt: now };
		for (const [field, value] of Object.entries(record)) if (field !== 'email') (lead as unknown as Record<string, unknown>)[field] = field === 'unsubscribed' ? value === true || value === 'true' : value;
		lead.updatedAt = now;
		state.leads.set(lead.id, lead);
		return { id: lead.id, status: existing ? 'updated' : 'created' };
	});
	return marketoOk(result);
}

function addToList(state: MarketoState, request: SandboxRequest): SandboxResponse {
	const list = state.lists.get(Number(request.params.listId));
	if (!list) return marketoError('1013', 'Object not found: static list');
	const input = inputOf(request) as Array<{ id?: unknown }> | undefined;
	if (!input) return marketoError('609', 'Invalid JSON: input is required');
	if (input.length > LEAD_BATCH) return marketoError('1003', `Too many records in input, max ${LEAD_BATCH}`);
	return marketoOk(
		input.map(({ id }) => {
			if (!state.leads.has(Number(id))) return { id, status: 'skipped', reasons: [{ code: '1004', message: 'Lead not found' }] };
			list.leads.add(Number(id));
			return { id: Number(id), status: 'added' };
		}),
	);
}

/** Remove from List: `{input: [{id}]}`, 300 a call; a lead not in the list is "notmemberof" (skipped), as Marketo answers. */
function removeFromList(state: MarketoState, request: SandboxRequest): SandboxResponse {
	const list = state.lists.get(Number(request.params.listId));
	if (!list) return marketoError('1013', 'Object not found: static list');
	const input = inputOf(request) as Array<{ id?: unknown }> | undefined;
	if (!input) return marketoError('609', 'Invalid JSON: input is required');
	if (input.length > LEAD_BATCH) return marketoError('1003', `Too many records in input, max ${LEAD_BATCH}`);
	return marketoOk(
		input.map(({ id }) =>
			list.leads.delete(Number(id)) ? { id: Number(id), status: 'removed' } : { id: Number(id), status: 'skipped', reasons: [{ code: '1015', message: 'Lead not in list' }] },
		),
	);
}

function triggerCampaign(state: MarketoState, request: SandboxRequest): SandboxResponse {
	const campaign = state.campaigns.get(Number(request.params.campaignId));
	if (!campaign) return marketoError('1013', 'Object not found: campaign');
	const leads = ((request.body as { input?: { leads?: Array<{ id?: unknown }> } } | undefined)?.input?.leads ?? []) as Array<{ id?: unknown }>;
	if (leads.length === 0) return marketoError('1003', 'input.leads is required');
	if (leads.length > CAMPAIGN_BATCH) return marketoError('1003', `Too many leads, max ${CAMPAIGN_BATCH}`);
	const missing = leads.find(({ id }) => !state.leads.has(Number(id)));
	if (missing) return marketoError('1004', `Lead [${String(missing.id)}] not found`);
	const at = new Date().toISOString();
	for (const { id } of leads) state.campaignRuns.push({ campaignId: campaign.id, leadId: Number(id), email: (state.leads.get(Number(id)) as Lead).email, at });
	return marketoOk([{ id: campaign.id }]);
}

const ACTIVITY_TYPES = [
	{ id: 24, name: 'Add to List', primaryAttribute: { name: 'List ID', dataType: 'integer' } },
	{ id: 47, name: 'Request Campaign', primaryAttribute: { name: 'Campaign ID', dataType: 'integer' } },
];
const ACTIVITY_PAGE = 300;

/** The "Request Campaign" activities of the leads (`leadIds`, at most 30) since the paging token's time, 300 a page. */
function requestedActivities(state: MarketoState, request: SandboxRequest): SandboxResponse {
	const token = Buffer.from(request.query.get('nextPageToken') ?? '', 'base64url').toString();
	const [since, offset] = token.split(':').map(Number);
	if (!Number.isFinite(since) || !Number.isFinite(offset)) return marketoError('1003', 'Invalid nextPageToken');
	const types = (request.query.get('activityTypeIds') ?? '').split(',').filter(Boolean).map(Number);
	if (types.length === 0) return marketoError('1003', 'activityTypeIds is required');
	const leads = (request.query.get('leadIds') ?? '').split(',').filter(Boolean).map(Number);
	if (leads.length > 30) return marketoError('1003', 'Too many leadIds, max 30');
	const all = types.includes(47)
		? state.campaignRuns.map((run, index) => ({ run, index })).filter(({ run }) => Date.parse(run.at) >= since && (leads.length === 0 || leads.includes(run.leadId)))
		: [];
	const page = all.slice(offset, offset + ACTIVITY_PAGE);
	const more = offset + ACTIVITY_PAGE < all.length;
	return {
		status: 200,
		body: {
			requestId: requestId(), success: true, moreResult: more, nextPageToken: Buffer.from(`${since}:${more ? offset + ACTIVITY_PAGE : offset + page.length}`).toString('base64url'),
			...(page.length > 0 ? { result: page.map(({ run, index }) => ({ id: index + 1, marketoGUID: `act-${index + 1}`, leadId: run.leadId, activityDate: run.at, activityTypeId: 47, primaryAttributeValueId: run.campaignId, primaryAttributeValue: state.campaigns.get(run.campaignId)?.name, attributes: [{ name: 'Source', value: 'Web Service API' }] })) } : {}),
		},
	};
}

function presentList(list: { id: number; name: string; leads: Set<number> }) {
	return { id: list.id, name: list.name, computedUrl: `https://app-sj01.marketo.com/#ST${list.id}A1`, folder: { id: 1, type: 'Folder' } };
}

/** `{ lists: [{ name, id? }], campaigns: [{ id, name }], leads: [{ email, unsubscribed?, ... }] }` */
function seed(state: MarketoState, data: Record<string, unknown[]>): Record<string, unknown[]> {
	const unknown = Object.keys(data).filter((key) => !['lists', 'campaigns', 'leads'].includes(key));
	if (unknown.length > 0) throw controlError(400, `unknown collection ${unknown.join(', ')}; use lists, campaigns, leads`);
	for (const list of (data.lists ?? []) as Array<{ id?: number; name: string }>) {
		if (typeof list.name !== 'string') throw controlError(400, 'each list needs a name');
		const id = list.id ?? state.id();
		state.lists.set(id, { id, name: list.name, leads: new Set() });
	}
	for (const campaign of (data.campaigns ?? []) as Array<{ id: number; name?: string }>) {
		state.campaigns.set(Number(campaign.id), { id: Number(campaign.id), name: campaign.name ?? `Campaign ${campaign.id}` });
	}
	for (const record of (data.leads ?? []) as Array<Partial<Lead>>) {
		const email = String(record.email ?? '').toLowerCase();
		const now = new Date().toISOString();
		const lead: Lead = { ...(state.byEmail(email) ?? { id: state.id(), createdAt: now }), ...record, email, unsubscribed: record.unsubscribed === true, updatedAt: now } as Lead;
		state.leads.set(lead.id, lead);
	}
	return { lists: [...state.lists.values()].map(presentList), campaigns: [...state.campaigns.values()], leads: [...state.leads.values()] };
}

function view(state: MarketoState, collection?: string): unknown {
	const views: Record<string, () => unknown> = {
		leads: () => [...state.leads.values()],
		lists: () => [...state.lists.values()].map((list) => ({ ...presentList(list), emails: [...list.leads].map((id) => state.leads.get(id)?.email) })),
		campaignRuns: () => state.campaignRuns,
		tokens: () => ({ issued: state.tokensIssued }),
		connections: () => ({ inFlight: state.inFlight, peak: state.peakInFlight, refused: state.refusedInFlight }),
	};
	if (collection === undefined) return Object.fromEntries(Object.entries(views).map(([name, build]) => [name, build()]));
	return views[collection]?.();
}

/** `tokenTtlMs`: lifetime of new access tokens; `responseDelayMs`: how long each REST call stays open. */
function settings(state: MarketoState): VendorSettings {
	return {
		get: () => ({ ...state.settings }),
		update: (patch) => {
			for (const [key, value] of Object.entries(patch)) {
				if (!(key in state.settings) || typeof value !== 'number' || value < 0) throw controlError(400, `unknown or invalid setting ${key}`);
				state.settings[key as keyof typeof state.settings] = value;
			}
			return { ...state.settings };
		},
	};
}
