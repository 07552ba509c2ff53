/**
 * API calls are counted by the transport, not reported by flows: every request a transport sends (a retry too, since
 * the vendor counts it) adds to the state store's count for its platform, account and hour; Record API Calls turns
 * finished hours into `api_calls` usage, each hour once however often it runs, in the period the hour belongs to, and
 * a plan's API call quota sees them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { presetPlan, UsageMeter } from '../../lib/metering';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { Transport, type HttpClient, type HttpRequest, type HttpResponse, type PlatformProfile } from '../../lib/transport';

const HOUR = 3_600_000;
const start = Date.parse('2026-11-30T22:10:00Z');

let store: StateStore;
beforeEach(async () => {
	store = await openStore({ kind: 'sqlite', file: join(mkdtempSync(join(tmpdir(), 'api-calls-')), 'state.sqlite') }, allMigrations);
});
afterEach(async () => await closeAllStores());

const profile = (platform: string): PlatformProfile => ({ platform, rateWindows: [], parseError: () => undefined });

/** A vendor answering each request with the next status of `statuses` (then 200). */
function vendor(statuses: number[] = []): HttpClient & { sent: number } {
	return {
		sent: 0,
		async send(request: HttpRequest): Promise<HttpResponse> {
			this.sent++;
			return { status: statuses.shift() ?? 200, headers: {}, body: { url: request.url } };
		},
	};
}

function transport(platform: string, client: HttpClient, clock: { now: number }, accountKey = 'account-1') {
	return new Transport({ profile: profile(platform), client, baseUrl: 'https://vendor.example', accountKey, requestCounter: store.apiCalls, now: () => clock.now, sleep: async (ms) => void (clock.now += ms), random: () => 0 });
}

test('every request sent is counted per hour, retries included, on every platform and account', async () => {
	const clock = { now: start };
	const hubspot = vendor([503]);
	await transport('hubspot', hubspot, clock).request({ method: 'GET', url: '/crm/v3/objects/contacts' });
	await transport('hubspot', vendor(), clock, 'account-2').request({ method: 'GET', url: '/crm/v3/objects/contacts' });
	clock.now = start + HOUR;
	await transport('stripe', vendor(), clock).request({ method: 'POST', url: '/v1/payment_intents' });
	expect(hubspot.sent).toBe(2);
	expect(await store.apiCalls.finishedHours(start - HOUR, start + 3 * HOUR)).toEqual([
		{ hourStartMs: Date.parse('2026-11-30T22:00:00Z'), requests: 3 },
		{ hourStartMs: Date.parse('2026-11-30T23:00:00Z'), requests: 1 },
	]);
	// An hour still under way is not finished.
	expect(await store.apiCalls.finishedHours(start - HOUR, start + HOUR)).toEqual([{ hourStartMs: Date.parse('2026-11-30T22:00:00Z'), requests: 3 }]);
});

test('Record API Calls counts each finished hour once, in its own period, and the plan sees the quota', async () => {
	const clock = { now: start };
	for (let call = 0; call < 4; call++) await transport('shopify', vendor(), clock).request({ method: 'GET', url: '/orders.json' });
	clock.now = start + HOUR; // 23:10 on Nov 30: the 22:00 hour is over
	for (let call = 0; call < 2; call++) await transport('shopify', vendor(), clock).request({ method: 'GET', url: '/orders.json' });
	const meter = new UsageMeter({ db: store.db, namespace: 'demo', now: () => clock.now });
	const first = await meter.recordApiCalls('acme', store.apiCalls);
	expect(first.outcomes.map((outcome) => [outcome.eventId, outcome.status, outcome.period])).toEqual([['api_calls:acme:2026-11-30T22:00:00.000Z', 'recorded', '2026-11-01']]);
	clock.now = start + 2 * HOUR; // 00:10 on Dec 1: the 23:00 hour is over; the 22:00 hour was counted already
	const second = await meter.recordApiCalls('acme', store.apiCalls);
	expect(second.outcomes.map((outcome) => [outcome.eventId, outcome.status, outcome.period])).toEqual([
		['api_calls:acme:2026-11-30T22:00:00.000Z', 'duplicate', '2026-11-01'],
		['api_calls:acme:2026-11-30T23:00:00.000Z', 'recorded', '2026-11-01'],
	]);
	const november = meter.period(start);
	expect((await meter.usage('acme', november)).meters.api_calls).toMatchObject({ quantity: 6, events: 2 });
	// Integration Hub Starter includes 50,000 API calls: 6 are well inside it.
	expect((await meter.preview('acme', presetPlan('integration_starter'), november)).overPlan).toEqual([]);
});
