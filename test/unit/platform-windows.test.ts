/** Each vendor's endpoint classes, read off the requests its connector really sends: which windows count each one. */
import { hubSpotProfile } from '../../lib/platforms/hubspot';
import { stripeProfile } from '../../lib/platforms/stripe/profile';
import { zendeskProfile } from '../../lib/platforms/zendesk/profile';
import type { HttpMethod, PlatformProfile } from '../../lib/transport';
import { endpointClassOf, windowBuckets, windowsFor } from '../../lib/transport/windows';

function windowsCounting(profile: PlatformProfile, method: HttpMethod, url: string, baseUrl = 'https://vendor.example'): string[] {
	const endpointClass = endpointClassOf(profile, { method, url: `${baseUrl}${url}` }, baseUrl);
	return windowsFor(windowBuckets(profile, 'account'), endpointClass).map(({ window }) => window.name);
}

test.each([
	['HubSpot search', hubSpotProfile(), 'POST', '/crm/v3/objects/contacts/search', ['ten_secondly', 'daily', 'search_secondly']],
	['HubSpot batch upsert', hubSpotProfile(), 'POST', '/crm/v3/objects/contacts/batch/upsert', ['ten_secondly', 'daily']],
	['HubSpot properties', hubSpotProfile(), 'GET', '/crm/v3/properties/contacts', ['ten_secondly', 'daily']],
	['Zendesk incremental export', zendeskProfile(), 'GET', '/api/v2/incremental/users/cursor.json', ['minute', 'incremental_export']],
	['Zendesk bulk job', zendeskProfile(), 'POST', '/api/v2/users/create_or_update_many.json', ['minute']],
	['Stripe create', stripeProfile(), 'POST', '/v1/payment_intents', ['per_second', 'payment_intent_create']],
	['Stripe capture', stripeProfile(), 'POST', '/v1/payment_intents/pi_1/capture', ['per_second', 'payment_intent_capture']],
	['Stripe search', stripeProfile(), 'GET', '/v1/payment_intents/search', ['per_second', 'search']],
] as const)('%s counts in %#', (_name, profile, method, url, windows) => {
	expect(windowsCounting(profile, method, url)).toEqual(windows);
});

test('a base URL with a path (a sandbox, a proxy) is not part of the path the classes read', () => {
	expect(windowsCounting(hubSpotProfile(), 'POST', '/crm/v3/objects/deals/search', 'http://127.0.0.1:4010/hubspot')).toContain('search_secondly');
});

test("HubSpot's refusal names its window: the search window for SECONDLY, and a daily refusal is final", () => {
	const refusal = (policyName: string) => hubSpotProfile().parseError({ status: 429, headers: {}, body: { status: 'error', errorType: 'RATE_LIMIT', policyName } });
	expect(refusal('SECONDLY')).toMatchObject({ rateLimited: true, window: 'search_secondly' });
	expect(refusal('TEN_SECONDLY_ROLLING')).toMatchObject({ rateLimited: true, window: 'ten_secondly' });
	expect(refusal('DAILY')).toMatchObject({ window: 'daily', retryable: false });
});
