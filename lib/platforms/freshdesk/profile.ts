import type { HttpResponse, PlatformProfile, VendorError } from '../../transport/types';

interface FreshdeskError {
	description?: string;
	message?: string;
	code?: string;
	errors?: Array<{ field?: string; message?: string; code?: string }>;
}

/** Freshdesk's plans, as its credential names them. */
export const FRESHDESK_PLANS = ['trial', 'growth', 'pro', 'enterprise'] as const;
export type FreshdeskPlan = (typeof FRESHDESK_PLANS)[number];

/**
 * Per-minute limits by plan (Freshdesk: "What are the rate limits for the API calls to Freshdesk?"): the account's
 * calls, and the endpoints limited on their own inside them (ticket create, ticket update, the ticket and contact
 * lists). A trial account has 50 calls a minute and no separate endpoint limits published.
 */
const planLimits: Record<FreshdeskPlan, { minute: number; ticketCreate: number; ticketUpdate: number; ticketsList: number; contactsList: number }> = {
	trial: { minute: 50, ticketCreate: 50, ticketUpdate: 50, ticketsList: 50, contactsList: 50 },
	growth: { minute: 200, ticketCreate: 80, ticketUpdate: 80, ticketsList: 20, contactsList: 20 },
	pro: { minute: 400, ticketCreate: 160, ticketUpdate: 160, ticketsList: 100, contactsList: 100 },
	enterprise: { minute: 700, ticketCreate: 280, ticketUpdate: 280, ticketsList: 200, contactsList: 200 },
};

/** The plan a credential names; anything else is an error naming the field, never a guess. */
export function freshdeskPlan(value: unknown): FreshdeskPlan {
	if (value === undefined || value === null || value === '') return 'growth';
	if (typeof value === 'string' && (FRESHDESK_PLANS as readonly string[]).includes(value.trim())) return value.trim() as FreshdeskPlan;
	throw new Error(`Freshdesk credential: Plan (plan) must be one of ${FRESHDESK_PLANS.join(', ')}, got ${JSON.stringify(value)}`);
}

/**
 * Freshdesk API v2: per-minute windows for the account and for the endpoints it limits on their own, by plan (Growth
 * when none is set). X-RateLimit-Remaining lowers the account budget when Freshdesk knows better (other apps share
 * it); a 429 carries Retry-After in seconds, which the transport honours.
 */
export function freshdeskProfile(plan: FreshdeskPlan = 'growth'): PlatformProfile {
	const limits = planLimits[plan];
	return {
		platform: 'freshdesk',
		endpointClasses: [
			{ name: 'ticket_create', method: 'POST', path: /^\/api\/v2\/tickets\/?$/ },
			{ name: 'ticket_update', method: 'PUT', path: /^\/api\/v2\/tickets\/\d+\/?$/ },
			{ name: 'tickets_list', method: 'GET', path: /^\/api\/v2\/tickets\/?$/ },
			{ name: 'contacts_list', method: 'GET', path: /^\/api\/v2\/contacts\/?$/ },
		],
		rateWindows: [
			{ name: 'minute', capacity: limits.minute, windowMs: 60_000 },
			{ name: 'ticket_create', capacity: limits.ticketCreate, windowMs: 60_000, endpointClasses: ['ticket_create'] },
			{ name: 'ticket_update', capacity: limits.ticketUpdate, windowMs: 60_000, endpointClasses: ['ticket_update'] },
			{ name: 'tickets_list', capacity: limits.ticketsList, windowMs: 60_000, endpointClasses: ['tickets_list'] },
			{ name: 'contacts_list', capacity: limits.contactsList, windowMs: 60_000, endpointClasses: ['contacts_list'] },
		],
		rateHeaders: [{ window: 'minute', remaining: 'x-ratelimit-remaining' }],
		parseError(response: HttpResponse): VendorError | undefined {
			if (response.status < 400) return undefined;
			const body = (response.body ?? {}) as FreshdeskError;
			const detail = (body.errors ?? []).map((error) => `${error.field ? `${error.field}: ` : ''}${error.message ?? error.code ?? ''}`).join('; ');
			return {
				message: [body.description ?? body.message ?? `Freshdesk answered HTTP ${response.status}`, detail].filter(Boolean).join(' — '),
				code: body.errors?.[0]?.code ?? body.code,
				rateLimited: response.status === 429,
				// A 409 names the record that already holds the value: linking it, not retrying, is the answer.
				retryable: response.status === 409 ? false : undefined,
			};
		},
	};
}
