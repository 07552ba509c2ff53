import type { HttpResponse, PlatformProfile, VendorError } from '../../transport/types';

export const freshBooksProductionUrl = 'https://api.freshbooks.com';

interface FreshBooksErrorBody {
	response?: { errors?: Array<{ errno?: number; field?: string | null; message?: string }> };
	error_description?: string;
	message?: string;
}

/**
 * FreshBooks' errors as data: `{"response":{"errors":[{errno, field, message}]}}` (422 for a refused value), an OAuth
 * error body on 401. FreshBooks publishes no request rate; a 429 is waited out with backoff.
 */
export function freshBooksProfile(): PlatformProfile {
	return {
		platform: 'freshbooks',
		rateWindows: [],
		parseError(response: HttpResponse): VendorError | undefined {
			if (response.status < 400) return undefined;
			const body = response.body as FreshBooksErrorBody | undefined;
			const first = body?.response?.errors?.[0];
			const message = first?.message ? `${first.message}${first.field ? ` (${first.field})` : ''}` : (body?.error_description ?? body?.message);
			return { message: message ?? `FreshBooks answered HTTP ${response.status}`, code: first?.errno === undefined ? undefined : String(first.errno), rateLimited: response.status === 429 };
		},
	};
}
