/**
 * HubSpot's limits: a ten-second rolling window (190 for a Pro/Enterprise private app; 100 on Free/Starter), a daily
 * quota, and the search endpoints' own per-second limit. The 10-second and daily windows are reported in headers.
 */
import type { RateWindow, WindowUsage } from '../framework/rateLimit';
import type { SandboxResponse, VendorRateLimits } from '../framework/types';
import { errorResponse } from './errors';

export const hubspotRateWindows: RateWindow[] = [
	{ name: 'TEN_SECONDLY_ROLLING', kind: 'sliding', limit: 190, intervalMs: 10_000 },
	{ name: 'DAILY', kind: 'fixed', limit: 1_000_000, intervalMs: 86_400_000 },
	{
		name: 'SECONDLY',
		kind: 'sliding',
		limit: 5,
		intervalMs: 1000,
		match: { method: 'POST', path: '^/crm/v3/objects/[^/]+/search$' },
	},
];

export const hubspotRateLimits: VendorRateLimits = {
	defaults: hubspotRateWindows,
	headers(usage: WindowUsage[]): Record<string, string> {
		const headers: Record<string, string> = {};
		const rolling = usage.find((entry) => entry.window.name === 'TEN_SECONDLY_ROLLING');
		if (rolling) {
			headers['X-HubSpot-RateLimit-Max'] = String(rolling.window.limit);
			headers['X-HubSpot-RateLimit-Remaining'] = String(rolling.remaining);
			headers['X-HubSpot-RateLimit-Interval-Milliseconds'] = String(rolling.window.intervalMs);
		}
		const daily = usage.find((entry) => entry.window.name === 'DAILY');
		if (daily) {
			headers['X-HubSpot-RateLimit-Daily'] = String(daily.window.limit);
			headers['X-HubSpot-RateLimit-Daily-Remaining'] = String(daily.remaining);
		}
		return headers;
	},
	/** HubSpot sends no Retry-After: clients wait out the window named by policyName. */
	rejection(blocked: WindowUsage): SandboxResponse {
		const { body, status } = errorResponse(429, 'RATE_LIMITS', `You have reached your ${blocked.window.name.toLowerCase()} limit.`);
		const { category, ...rest } = body as Record<string, unknown>;
		// Field order as HubSpot sends it; category kept so the body also satisfies the spec's Error schema.
		return { status, body: { ...rest, errorType: 'RATE_LIMIT', policyName: blocked.window.name, category } };
	},
};
