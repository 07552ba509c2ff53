import type { RetryPolicy } from './types';

/** Exponential backoff with full jitter: a random delay in [0, min(max, base · 2^attempt)). */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
	return Math.floor(random() * ceiling);
}

/** `Retry-After` is either seconds (possibly fractional, e.g. Shopify's "2.0") or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
	if (!value) return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds * 1000));
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const NETWORK_ERROR_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ENOTFOUND',
	'UND_ERR_SOCKET',
	'UND_ERR_CONNECT_TIMEOUT',
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_BODY_TIMEOUT',
]);

/** True when no response arrived because of the network (worth a retry), false for programming errors. */
export function isNetworkError(error: unknown): boolean {
	const candidate = error as { message?: string; name?: string } | undefined;
	const code = nodeErrorCode(error);
	if (code && NETWORK_ERROR_CODES.has(code)) return true;
	if (candidate?.name === 'TimeoutError' || candidate?.name === 'AbortError') return true;
	return /socket hang up|network|timeout|other side closed/i.test(candidate?.message ?? '');
}

export function networkErrorCode(error: unknown): string {
	return nodeErrorCode(error) ?? (error as { name?: string } | undefined)?.name ?? 'NETWORK_ERROR';
}

/** The Node-style string code of an error or its cause; a DOMException's numeric `code` (23 for a timeout) is not one. */
function nodeErrorCode(error: unknown): string | undefined {
	const candidate = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
	for (const code of [candidate?.code, candidate?.cause?.code]) if (typeof code === 'string') return code;
	return undefined;
}
