/** Retry arithmetic on its own: full-jitter backoff, Retry-After in both forms, what counts as a network failure. */
import { backoffDelay, isNetworkError, parseRetryAfter } from '../../lib/transport';
import { networkErrorCode } from '../../lib/transport/retry';
import { defaultRetryPolicy, type RetryPolicy } from '../../lib/transport/types';

describe('backoffDelay', () => {
	const policy: RetryPolicy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1_000, maxTotalMs: 60_000 };

	test('the ceiling doubles with each attempt until maxDelayMs', () => {
		const ceilings = [1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(policy, attempt, () => 0.999_999));
		expect(ceilings).toEqual([199, 399, 799, 999, 999, 999]);
	});

	test('full jitter: the delay is random() times the ceiling, anywhere from 0', () => {
		expect(backoffDelay(policy, 3, () => 0)).toBe(0);
		expect(backoffDelay(policy, 3, () => 0.25)).toBe(200);
		expect(backoffDelay(policy, 3, () => 0.5)).toBe(400);
	});

	test('with Math.random the delay stays within [0, ceiling)', () => {
		for (let i = 0; i < 200; i++) {
			const delay = backoffDelay(defaultRetryPolicy, 20);
			expect(delay).toBeGreaterThanOrEqual(0);
			expect(delay).toBeLessThan(defaultRetryPolicy.maxDelayMs);
		}
	});
});

describe('parseRetryAfter', () => {
	const now = Date.UTC(2030, 0, 1, 12, 0, 0);

	test('seconds, whole or fractional (Shopify sends "2.0"), rounded up to whole milliseconds', () => {
		expect(parseRetryAfter('3', now)).toBe(3_000);
		expect(parseRetryAfter('2.0', now)).toBe(2_000);
		expect(parseRetryAfter('0.0015', now)).toBe(2);
		expect(parseRetryAfter('0', now)).toBe(0);
	});

	test('an HTTP date: the time left until it, never negative', () => {
		expect(parseRetryAfter(new Date(now + 90_000).toUTCString(), now)).toBe(90_000);
		expect(parseRetryAfter('Wed, 01 Jan 2030 12:00:05 GMT', now)).toBe(5_000);
		expect(parseRetryAfter(new Date(now - 60_000).toUTCString(), now)).toBe(0);
	});

	test('absent or unreadable: undefined, so the backoff decides; a negative number waits nothing', () => {
		expect(parseRetryAfter(undefined, now)).toBeUndefined();
		expect(parseRetryAfter('', now)).toBeUndefined();
		expect(parseRetryAfter('soon', now)).toBeUndefined();
		expect(parseRetryAfter('-5', now)).toBe(0);
	});
});

describe('isNetworkError', () => {
	const withCode = (code: unknown, message = 'failed') => Object.assign(new Error(message), { code });

	test('Node and undici socket codes, on the error or its cause, are network failures', () => {
		expect(isNetworkError(withCode('ECONNRESET'))).toBe(true);
		expect(isNetworkError(withCode('ECONNREFUSED'))).toBe(true);
		const fetchFailed = new TypeError('fetch failed', { cause: withCode('UND_ERR_SOCKET') });
		expect(isNetworkError(fetchFailed)).toBe(true);
		expect(networkErrorCode(fetchFailed)).toBe('UND_ERR_SOCKET');
	});

	test("timeouts and aborts are network failures, named by name (a DOMException's code is a number)", () => {
		const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
		expect(isNetworkError(timeout)).toBe(true);
		expect(networkErrorCode(timeout)).toBe('TimeoutError');
		expect(isNetworkError(new DOMException('aborted', 'AbortError'))).toBe(true);
		expect(networkErrorCode(withCode(23, 'x'))).toBe('Error');
	});

	test('programming errors are not network failures', () => {
		expect(isNetworkError(new TypeError('Failed to parse URL from not a url/x'))).toBe(false);
		expect(isNetworkError(new RangeError('Invalid array length'))).toBe(false);
		expect(isNetworkError(withCode('ERR_INVALID_ARG_TYPE'))).toBe(false);
		expect(isNetworkError(undefined)).toBe(false);
	});
});
