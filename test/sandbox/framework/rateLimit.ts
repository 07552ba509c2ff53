/**
 * Rate windows as vendors run them, several at once: a sliding log (HubSpot's ten-second rolling window), a fixed
 * window aligned to the clock (a daily quota), or a token bucket (Shopify's leaky bucket). A request is admitted only
 * when every window that covers it has room, and then counts in all of them.
 */
import { invalidMatch, matchesRequest } from './match';
import type { RequestMatch } from './types';

export type RateWindowKind = 'sliding' | 'fixed' | 'token_bucket';

export interface RateWindow {
	/** The vendor's name for the window (HubSpot's policy name), used by its headers and its 429 body. */
	name: string;
	kind: RateWindowKind;
	/** Requests per interval; for a token bucket, the capacity, refilled at `limit` per `intervalMs`. */
	limit: number;
	intervalMs: number;
	/** Only requests that fit count against this window; all do when absent. */
	match?: RequestMatch;
}

export interface WindowUsage {
	window: RateWindow;
	remaining: number;
	/** Milliseconds until the window has room again (for a full window) or is fully replenished. */
	resetMs: number;
}

/** Body of `PUT /__control/rate-limits` and the `rateLimits` start option. */
export interface RateLimitSpec {
	/** false lifts every limit: nothing is counted or refused, headers report full windows. */
	enabled?: boolean;
	/** Windows merged by name onto the current ones (a new name needs every field), or replacing them all. */
	windows?: Array<Partial<RateWindow> & { name: string }>;
	replace?: boolean;
}

export interface RateLimitState {
	enabled: boolean;
	windows: Array<RateWindow & { remaining: number; resetMs: number }>;
}

export type RateDecision =
	| { allowed: true; usage: WindowUsage[] }
	| { allowed: false; usage: WindowUsage[]; blocked: WindowUsage; retryAfterMs: number };

interface Counter {
	/** Remaining room and ms until room frees up (when full) or the window is whole again. */
	usage(now: number): { remaining: number; resetMs: number };
	take(now: number): void;
}

class SlidingLog implements Counter {
	private readonly stamps: number[] = [];

	constructor(private readonly window: RateWindow) {}

	usage(now: number): { remaining: number; resetMs: number } {
		const { limit, intervalMs } = this.window;
		while (this.stamps.length > 0 && this.stamps[0] <= now - intervalMs) this.stamps.shift();
		const remaining = Math.max(0, limit - this.stamps.length);
		if (this.stamps.length === 0) return { remaining, resetMs: 0 };
		// When full, room frees when the oldest stamp that keeps the log at its limit leaves the window.
		const pivot = remaining > 0 ? this.stamps.length - 1 : Math.max(0, this.stamps.length - Math.max(1, limit));
		return { remaining, resetMs: Math.max(0, this.stamps[pivot] + intervalMs - now) };
	}

	take(now: number): void {
		this.stamps.push(now);
	}
}

class FixedWindow implements Counter {
	private start = 0;
	private count = 0;

	constructor(private readonly window: RateWindow) {}

	usage(now: number): { remaining: number; resetMs: number } {
		this.roll(now);
		return { remaining: Math.max(0, this.window.limit - this.count), resetMs: this.start + this.window.intervalMs - now };
	}

	take(now: number): void {
		this.roll(now);
		this.count++;
	}

	private roll(now: number): void {
		const start = Math.floor(now / this.window.intervalMs) * this.window.intervalMs;
		if (start !== this.start) {
			this.start = start;
			this.count = 0;
		}
	}
}

class TokenBucket implements Counter {
	private tokens: number;
	private last: number;

	constructor(private readonly window: RateWindow) {
		this.tokens = window.limit;
		this.last = Date.now();
	}

	usage(now: number): { remaining: number; resetMs: number } {
		this.refill(now);
		const msPerToken = this.window.intervalMs / this.window.limit;
		const missing = this.tokens >= 1 ? this.window.limit - this.tokens : 1 - this.tokens;
		return { remaining: Math.floor(this.tokens), resetMs: Math.ceil(missing * msPerToken) };
	}

	take(now: number): void {
		this.refill(now);
		this.tokens -= 1;
	}

	private refill(now: number): void {
		const earned = ((now - this.last) * this.window.limit) / this.window.intervalMs;
		this.tokens = Math.min(this.window.limit, this.tokens + earned);
		this.last = now;
	}
}

const counterFor: Record<RateWindowKind, (window: RateWindow) => Counter> = {
	sliding: (window) => new SlidingLog(window),
	fixed: (window) => new FixedWindow(window),
	token_bucket: (window) => new TokenBucket(window),
};

interface LiveWindow {
	window: RateWindow;
	counter: Counter;
}

export class RateLimiter {
	private readonly baseline: { enabled: boolean; windows: RateWindow[] };
	private enabled = true;
	private live: LiveWindow[] = [];

	/** `defaults` are the vendor's; `overrides` (the start option) adjust them, and reset restores the result. */
	constructor(defaults: RateWindow[], overrides?: RateLimitSpec) {
		const merged = applySpec({ enabled: true, windows: defaults }, overrides ?? {});
		this.baseline = merged;
		this.reset();
	}

	reset(): void {
		this.enabled = this.baseline.enabled;
		this.live = this.baseline.windows.map(liveWindow);
	}

	/** Throws an Error with a readable message for an invalid spec. */
	configure(spec: RateLimitSpec): RateLimitState {
		const next = applySpec({ enabled: this.enabled, windows: this.live.map((entry) => entry.window) }, spec);
		const previous = new Map(this.live.map((entry) => [entry.window.name, entry]));
		this.enabled = next.enabled;
		this.live = next.windows.map((window) => {
			const old = previous.get(window.name);
			// Keep what was counted unless the window changed shape.
			if (old && old.window.kind === window.kind && old.window.intervalMs === window.intervalMs) {
				Object.assign(old.window, window);
				return old;
			}
			return liveWindow(window);
		});
		return this.state();
	}

	state(now = Date.now()): RateLimitState {
		return {
			enabled: this.enabled,
			windows: this.live.map(({ window, counter }) => ({ ...window, ...counter.usage(now) })),
		};
	}

	/** Admits the request (counting it in every window that covers it) or names the window that refuses it. */
	decide(method: string, path: string, now = Date.now()): RateDecision {
		const covering = this.live.filter((entry) => matchesRequest(entry.window.match, method, path));
		if (!this.enabled) {
			return { allowed: true, usage: covering.map(({ window }) => ({ window, remaining: window.limit, resetMs: 0 })) };
		}
		const before = covering.map(({ window, counter }) => ({ window, ...counter.usage(now) }));
		const blocked = before.find((usage) => usage.remaining < 1);
		if (blocked) return { allowed: false, usage: before, blocked, retryAfterMs: blocked.resetMs };
		for (const { counter } of covering) counter.take(now);
		return { allowed: true, usage: covering.map(({ window, counter }) => ({ window, ...counter.usage(now) })) };
	}

	/** What the windows covering a request look like right now, without counting it. */
	peek(method: string, path: string, now = Date.now()): WindowUsage[] {
		return this.live
			.filter((entry) => matchesRequest(entry.window.match, method, path))
			.map(({ window, counter }) => ({ window, ...counter.usage(now) }));
	}
}

function liveWindow(window: RateWindow): LiveWindow {
	const copy = { ...window };
	return { window: copy, counter: counterFor[copy.kind](copy) };
}

function applySpec(
	current: { enabled: boolean; windows: RateWindow[] },
	spec: RateLimitSpec,
): { enabled: boolean; windows: RateWindow[] } {
	if (spec.enabled !== undefined && typeof spec.enabled !== 'boolean') throw new Error('enabled must be a boolean');
	const windows = spec.replace ? [] : current.windows.map((window) => ({ ...window }));
	for (const change of spec.windows ?? []) {
		const existing = windows.find((window) => window.name === change.name);
		const merged = { ...existing, ...change } as RateWindow;
		validateWindow(merged);
		if (existing) Object.assign(existing, merged);
		else windows.push(merged);
	}
	return { enabled: spec.enabled ?? current.enabled, windows };
}

function validateWindow(window: RateWindow): void {
	if (typeof window.name !== 'string' || window.name === '') throw new Error('every window needs a name');
	if (!(window.kind in counterFor)) throw new Error(`window ${window.name}: kind must be sliding, fixed or token_bucket`);
	if (!Number.isInteger(window.limit) || window.limit < 0) throw new Error(`window ${window.name}: limit must be an integer >= 0`);
	if (!(typeof window.intervalMs === 'number' && window.intervalMs > 0)) {
		throw new Error(`window ${window.name}: intervalMs must be > 0`);
	}
	const matchProblem = invalidMatch(window.match);
	if (matchProblem) throw new Error(`window ${window.name}: ${matchProblem}`);
}
