import type { HttpResponse, PlatformProfile, VendorError } from '../../transport/types';

export const xeroProductionUrl = 'https://api.xero.com';

interface XeroErrorBody {
	Message?: string;
	Type?: string;
	Detail?: string;
	Title?: string;
	Elements?: Array<{ ValidationErrors?: Array<{ Message?: string }> }>;
}

/** The messages of a Xero error: a ValidationException's element errors, a gateway problem's Detail, or its text. */
export function xeroErrorMessage(body: unknown): { message: string; code?: string } | undefined {
	if (typeof body === 'string') return body.trim() === '' ? undefined : { message: body.trim() };
	if (!body || typeof body !== 'object') return undefined;
	const error = body as XeroErrorBody;
	const elements = (error.Elements ?? []).flatMap((element) => (element.ValidationErrors ?? []).map((entry) => entry.Message)).filter(Boolean);
	if (elements.length > 0) return { message: elements.join('; '), code: error.Type };
	if (error.Message || error.Detail) return { message: String(error.Message ?? `${error.Title}: ${error.Detail}`), code: error.Type ?? error.Detail };
	return undefined;
}

/**
 * Xero's limits per tenant as data: 60 calls a minute and 5,000 a day (read back from X-MinLimit-Remaining and
 * X-DayLimit-Remaining on every answer), 5 at once; a 429 names the window in X-Rate-Limit-Problem and the wait in
 * Retry-After. The app-wide 10,000 a minute is far above one tenant's 60 and is not declared.
 */
export function xeroProfile(): PlatformProfile {
	return {
		platform: 'xero',
		rateWindows: [
			{ name: 'minute', capacity: 60, windowMs: 60_000 },
			{ name: 'day', capacity: 5_000, windowMs: 86_400_000 },
		],
		rateHeaders: [
			{ window: 'minute', remaining: 'X-MinLimit-Remaining' },
			{ window: 'day', remaining: 'X-DayLimit-Remaining' },
		],
		concurrencyLimit: 5,
		parseError(response: HttpResponse): VendorError | undefined {
			if (response.status < 400) return undefined;
			const parsed = xeroErrorMessage(response.body);
			const problem = response.headers['x-rate-limit-problem']?.toLowerCase();
			return {
				message: parsed?.message ?? `Xero answered HTTP ${response.status}`,
				code: parsed?.code,
				rateLimited: response.status === 429,
				window: problem === 'minute' || problem === 'day' ? problem : undefined,
			};
		},
	};
}
