import type { HttpResponse, PlatformProfile, VendorError } from '../../transport/types';

interface ProblemDetails {
	type?: string;
	title?: string;
	status?: number;
	detail?: string;
}

/** Mailchimp allows 10 simultaneous connections per API key and reports no rate headers. */
export const MAILCHIMP_MAX_CONNECTIONS = 10;

/** Mailchimp Marketing 3.0: no request windows (the limit is concurrency), RFC 7807 problem details for every error. */
export function mailchimpProfile(): PlatformProfile {
	return {
		platform: 'mailchimp',
		rateWindows: [],
		concurrencyLimit: MAILCHIMP_MAX_CONNECTIONS,
		parseError(response: HttpResponse): VendorError | undefined {
			if (response.status < 400) return undefined;
			const problem = (response.body ?? {}) as ProblemDetails;
			const title = problem.title ?? `HTTP ${response.status}`;
			return {
				message: problem.detail ? `${title}: ${problem.detail}` : title,
				code: title.replace(/\s+/g, '_').toUpperCase(),
				rateLimited: response.status === 429,
			};
		},
	};
}

/** The datacenter is the API key's suffix (`…-us21`), and the base URL follows from it. */
export function mailchimpBaseUrl(apiKey: string): string {
	const datacenter = apiKey.includes('-') ? apiKey.slice(apiKey.lastIndexOf('-') + 1) : '';
	if (!/^[a-z]+\d+$/.test(datacenter)) throw new Error('A Mailchimp API key ends in its datacenter, e.g. "…-us21"');
	return `https://${datacenter}.api.mailchimp.com/3.0`;
}
