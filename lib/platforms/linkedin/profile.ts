import type { HttpResponse, PlatformProfile, VendorError } from '../../transport/types';

export const linkedInProductionUrl = 'https://api.linkedin.com';

/** The monthly version every request pins (`LinkedIn-Version: YYYYMM`); LinkedIn supports a version for a year. */
export const LINKEDIN_VERSION = '202611';

/** `{"status", "serviceErrorCode", "code", "message"}`. */
export function linkedInError(response: HttpResponse): VendorError | undefined {
	if (response.status < 400) return undefined;
	const body = (response.body && typeof response.body === 'object' ? response.body : {}) as { message?: string; code?: string; serviceErrorCode?: number };
	return {
		message: body.message ?? `LinkedIn answered HTTP ${response.status}`,
		code: body.code ?? (body.serviceErrorCode === undefined ? undefined : String(body.serviceErrorCode)),
		rateLimited: response.status === 429,
	};
}

/**
 * LinkedIn's limits as data: daily per member and per application, shown to each app in its developer portal and not
 * published as fixed numbers; a member's posting through "Share on LinkedIn" is held here to 150 a day (LinkedIn's
 * long-standing member limit for shares). A 429 names no wait: the day window is waited out.
 */
export function linkedInProfile(): PlatformProfile {
	return {
		platform: 'linkedin',
		endpointClasses: [{ name: 'create_post', method: 'POST', path: /^\/rest\/posts$/ }],
		rateWindows: [{ name: 'member_posts_day', capacity: 150, windowMs: 86_400_000, endpointClasses: ['create_post'] }],
		parseError: linkedInError,
	};
}
