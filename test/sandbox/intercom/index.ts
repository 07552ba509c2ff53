/**
 * The Intercom sandbox (PLATFORMS.md, specs/intercom): Bearer token, `Intercom-Version` (2.14 by default),
 * contacts (create, update, delete, find by external id, search with pages and starting_after), search on dates at
 * calendar-day precision, 409 for a taken email, `error.list` bodies, 10-second windows reported in
 * X-RateLimit-Limit|Remaining|Reset, webhooks signed `X-Hub-Signature: sha1=…`.
 */
import { createHmac, randomBytes } from 'node:crypto';

import { bearerAuth } from '../framework/auth';
import { controlError } from '../framework/control';
import type { RateWindow, WindowUsage } from '../framework/rateLimit';
import type { Router } from '../framework/router';
import { SandboxError, type SandboxRequest, type SandboxResponse, type VendorSandboxFactory } from '../framework/types';

export const intercomAccessToken = 'sandbox-intercom-token';
const versions = ['2.10', '2.11', '2.12', '2.13', '2.14', '2.15', '2.16', 'Unstable'];
const writable = ['role', 'external_id', 'email', 'phone', 'name', 'avatar', 'signed_up_at', 'last_seen_at', 'owner_id', 'unsubscribed_from_emails', 'custom_attributes'];

export const intercomRateWindows: RateWindow[] = [{ name: 'ten_seconds', kind: 'fixed', limit: 1666, intervalMs: 10_000 }];

type Contact = Record<string, unknown> & { id: string; updated_at: number; created_at: number };

function errorList(status: number, code: string, message: string, field?: string): SandboxResponse {
	return { status, body: { type: 'error.list', request_id: randomBytes(10).toString('hex'), errors: [{ code, message, ...(field ? { field } : {}) }] } };
}

function fail(status: number, code: string, message: string, field?: string): never {
	throw new SandboxError(errorList(status, code, message, field));
}

class Workspace {
	readonly contacts = new Map<string, Contact>();

	reset(): void {
		this.contacts.clear();
	}

	private byEmail(email: unknown, except?: string): Contact | undefined {
		if (!email) return undefined;
		return [...this.contacts.values()].find((contact) => contact.id !== except && String(contact.email ?? '').toLowerCase() === String(email).toLowerCase());
	}

	private clean(fields: Record<string, unknown>): Record<string, unknown> {
		const unknown = Object.keys(fields).find((name) => !writable.includes(name));
		if (unknown) fail(400, 'parameter_invalid', `${unknown} is not a valid parameter`, unknown);
		return fields;
	}

	create(fields: Record<string, unknown>, at = Math.floor(Date.now() / 1000)): Contact {
		const clean = this.clean(fields);
		if (!clean.email && !clean.external_id && clean.role !== 'lead') fail(400, 'parameter_not_found', 'Requires email or external_id');
		const existing = this.byEmail(clean.email);
		if (existing) fail(409, 'conflict', `A contact matching those details already exists with id=${existing.id}`);
		const contact: Contact = {
			type: 'contact', id: randomBytes(12).toString('hex'), workspace_id: 'sandbox', role: 'user', name: null, email: null, phone: null, external_id: null,
			...clean, created_at: at, updated_at: at,
		};
		this.contacts.set(contact.id, contact);
		return contact;
	}

	update(id: string, fields: Record<string, unknown>): Contact {
		const contact = this.contacts.get(id) ?? fail(404, 'not_found', 'User Not Found');
		const clean = this.clean(fields);
		if (this.byEmail(clean.email, id)) fail(409, 'conflict', `A contact matching those details already exists with id=${this.byEmail(clean.email, id)!.id}`);
		Object.assign(contact, clean, { updated_at: Math.floor(Date.now() / 1000) });
		return contact;
	}

	/** Search on updated_at or email; dates compare by calendar day (the start of the value's day). */
	search(query: { field?: string; operator?: string; value?: unknown }): Contact[] {
		const { field, operator, value } = query;
		if (field === 'updated_at' || field === 'created_at') {
			if (!['>', '<', '='].includes(String(operator))) fail(400, 'query_invalid', `Operator ${String(operator)} is not supported for date fields`);
			const day = Math.floor(Number(value) / 86_400) * 86_400;
			return [...this.contacts.values()].filter((contact) => {
				const stamp = Number(contact[field]);
				if (operator === '>') return stamp > day;
				if (operator === '<') return stamp < day + 86_400;
				return stamp >= day && stamp < day + 86_400;
			});
		}
		if (field === 'email' && operator === '=') return [...this.contacts.values()].filter((contact) => String(contact.email ?? '').toLowerCase() === String(value).toLowerCase());
		return fail(400, 'query_invalid', `Unsupported query on ${String(field)}`);
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
	router.post('/contacts/search', (request) => {
		versionCheck(request);
		const body = (request.body ?? {}) as { query?: { field?: string; operator?: string; value?: unknown }; pagination?: { per_page?: number; starting_after?: string }; sort?: { field?: string; order?: string } };
		const perPage = Math.min(150, body.pagination?.per_page ?? 50);
		const sortField = body.sort?.field ?? 'updated_at';
		const descending = body.sort?.order === 'descending';
		const matched = workspace.search(body.query ?? {}).sort((a, b) => (Number(a[sortField]) - Number(b[sortField]) || (a.id < b.id ? -1 : 1)) * (descending ? -1 : 1));
		const offset = body.pagination?.starting_after ? Number(Buffer.from(body.pagination.starting_after, 'base64url').toString()) : 0;
		const data = matched.slice(offset, offset + perPage);
		const page = Math.floor(offset / perPage) + 1;
		const totalPages = Math.max(1, Math.ceil(matched.length / perPage));
		const next = offset + perPage < matched.length ? { page: page + 1, starting_after: Buffer.from(String(offset + perPage)).toString('base64url') } : undefined;
		return ok({ type: 'list', data, total_count: matched.length, pages: { type: 'pages', page, per_page: perPage, total_pages: totalPages, ...(next ? { next } : {}) } });
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
	router.delete('/contacts/:id', (request) => {
		if (!workspace.contacts.delete(request.params.id)) fail(404, 'not_found', 'User Not Found');
		return ok({ id: request.params.id, object: 'contact', deleted: true });
	});
}

export const createIntercomSandbox: VendorSandboxFactory = () => {
	const workspace = new Workspace();
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
				if (name !== 'contacts') throw controlError(400, 'only contacts can be seeded');
				return [name, (records as Array<Record<string, unknown>>).map(({ updated_at: at, ...fields }) => workspace.create(fields, typeof at === 'number' ? at : undefined))];
			})),
			state: (collection) => (collection === undefined || collection === 'contacts' ? [...workspace.contacts.values()] : undefined),
		},
		signWebhook: ({ body, secret }) => ({ 'X-Hub-Signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}` }),
	};
};
