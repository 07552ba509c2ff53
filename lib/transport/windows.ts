import type { BucketSpec } from '../store/rateBuckets';
import { parseRetryAfter } from './retry';
import type { HttpRequest, HttpResponse, PlatformProfile, RateWindow, ResetHeader, VendorError } from './types';

/** A declared window and the shared bucket that counts it for one account. */
export interface WindowBucket {
	window: RateWindow;
	bucket: BucketSpec;
}

/** Every window of a profile, each with the bucket key shared by every process that uses the same account. */
export function windowBuckets(profile: PlatformProfile, accountKey: string): WindowBucket[] {
	return profile.rateWindows.map((window) => ({
		window,
		bucket: { key: `${profile.platform}:${accountKey}:${window.name}`, capacity: window.capacity, windowMs: window.windowMs },
	}));
}

/** The request's endpoint class: named on the request, else the first of the profile's classes it matches. */
export function endpointClassOf(profile: PlatformProfile, request: HttpRequest, baseUrl: string): string | undefined {
	if (request.endpointClass) return request.endpointClass;
	const path = pathBelowBase(request.url, baseUrl);
	return profile.endpointClasses?.find((candidate) => (!candidate.method || candidate.method === request.method) && candidate.path.test(path))?.name;
}

/** The windows that count a request of this class: the account-wide ones plus those of its class. */
export function windowsFor(all: WindowBucket[], endpointClass: string | undefined): WindowBucket[] {
	return all.filter(({ window }) => !window.endpointClasses || (endpointClass !== undefined && window.endpointClasses.includes(endpointClass)));
}

/**
 * How long a refused request must wait before the vendor can admit it: what the vendor said (its own reading,
 * `Retry-After`, a reset header), else the whole of the declared window that refused (a rolling window has let
 * everything counted now go by then), else the shortest window that counts the request. Undefined when the
 * profile declares no window for it: the caller's backoff is all there is.
 */
export function refusalWaitMs(
	profile: PlatformProfile,
	response: HttpResponse,
	vendorError: VendorError | undefined,
	covering: WindowBucket[],
	now: number,
): number | undefined {
	const told = vendorError?.retryAfterMs ?? parseRetryAfter(response.headers['retry-after'], now) ?? resetWait(profile.resetHeaders, response, now);
	if (told !== undefined) return told;
	const refusing = refusingWindows(covering, vendorError);
	return refusing.length === 0 ? undefined : Math.min(...refusing.map(({ window }) => window.windowMs));
}

/** The windows a refusal blocks: the one the vendor named, else every window that counts the request. */
export function refusingWindows(covering: WindowBucket[], vendorError: VendorError | undefined): WindowBucket[] {
	const named = covering.filter(({ window }) => window.name === vendorError?.window);
	return named.length > 0 ? named : covering;
}

function resetWait(headers: ResetHeader[] | undefined, response: HttpResponse, now: number): number | undefined {
	for (const { header, unit } of headers ?? []) {
		const value = Number(response.headers[header.toLowerCase()]);
		if (response.headers[header.toLowerCase()] === undefined || !Number.isFinite(value)) continue;
		const ms = unit === 'ms' ? value : unit === 'seconds' ? value * 1000 : value * 1000 - now;
		return Math.max(0, Math.ceil(ms));
	}
	return undefined;
}

function pathBelowBase(url: string, baseUrl: string): string {
	const base = baseUrl.replace(/\/+$/, '');
	const below = url.startsWith(base) ? url.slice(base.length) : url;
	try {
		return /^https?:\/\//i.test(below) ? new URL(below).pathname : below.split('?')[0];
	} catch {
		return below;
	}
}
