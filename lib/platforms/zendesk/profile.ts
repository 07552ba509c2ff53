import type { HttpResponse, PlatformProfile, VendorError } from '../../transport/types';

interface ZendeskError {
	error?: string | { title?: string; message?: string };
	description?: string;
	details?: Record<string, Array<{ description?: string; error?: string }>>;
}

/**
 * Zendesk's per-minute account limit (200/400/700/2500 by plan; 400 by default here), and the incremental export
 * endpoints' own 10 a minute (30 with the High Volume add-on), which count in the account limit too. Zendesk's
 * "Update Ticket" limits (per account, per ticket) are not declared: the connector writes tickets through bulk jobs.
 * A 429 carries Retry-After in seconds, which the transport honours. X-Rate-Limit-Remaining is not observed: on a
 * 429 it reads 0, and the transport would then hold the whole minute even when Retry-After asks for a second.
 */
export function zendeskProfile(options: { requestsPerMinute?: number; incrementalExportsPerMinute?: number } = {}): PlatformProfile {
	return {
		platform: 'zendesk',
		endpointClasses: [{ name: 'incremental_export', method: 'GET', path: /^\/api\/v2\/incremental\// }],
		rateWindows: [
			{ name: 'minute', capacity: options.requestsPerMinute ?? 400, windowMs: 60_000 },
			{ name: 'incremental_export', capacity: options.incrementalExportsPerMinute ?? 10, windowMs: 60_000, endpointClasses: ['incremental_export'] },
		],
		parseError(response: HttpResponse): VendorError | undefined {
			if (response.status < 400) return undefined;
			const body = (response.body ?? {}) as ZendeskError;
			const code = typeof body.error === 'string' ? body.error : body.error?.title;
			const detail = Object.entries(body.details ?? {}).map(([field, problems]) => `${field}: ${problems.map((p) => p.description ?? p.error).join(', ')}`).join('; ');
			return {
				message: [body.description ?? (typeof body.error === 'object' ? body.error.message : undefined) ?? `Zendesk answered HTTP ${response.status}`, detail].filter(Boolean).join(' — '),
				code,
				rateLimited: response.status === 429,
			};
		},
	};
}
