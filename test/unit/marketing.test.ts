/** Marketing pieces without a network: segment rules, Mailchimp addressing, vendor error parsing, calls in parallel lanes, Marketo's token refresh. */
import { segmentsFor, validateSegmentRules, SegmentRuleError } from '../../lib/marketing';
import { activeCampaignProfile } from '../../lib/platforms/activecampaign';
import { mailchimpBaseUrl, mailchimpProfile, subscriberHash } from '../../lib/platforms/mailchimp';
import { mapLimited } from '../../lib/platforms/marketing';
import { MarketoOAuthClient, marketoProfile } from '../../lib/platforms/marketo';
import type { HttpRequest, HttpResponse } from '../../lib/transport';
import { mailchimp } from '../../lib/platforms/mailchimp';
import { resolveBaseUrl } from '../../lib/platforms/settings';

describe('segments', () => {
	const rules = [
		{ segment: 'enterprise', conditions: [{ field: 'plan', operator: 'equals' as const, value: 'Enterprise' }] },
		{ segment: 'europe', conditions: [{ field: 'address.country', operator: 'in' as const, value: 'DE, fr' }] },
		{ segment: 'big-europe', conditions: [{ field: 'address.country', operator: 'in' as const, value: ['DE', 'FR'] }, { field: 'seats', operator: 'greaterThan' as const, value: 100 }] },
		{ segment: 'has-phone', conditions: [{ field: 'phone', operator: 'exists' as const }] },
		{ segment: 'not-churned', conditions: [{ field: 'stage', operator: 'notEquals' as const, value: 'churned' }] },
	];

	test('every condition of a rule must hold; values compare without case or surrounding spaces', () => {
		expect(segmentsFor({ plan: ' enterprise', address: { country: 'fr' }, seats: 250, phone: '' }, rules)).toEqual(['big-europe', 'enterprise', 'europe', 'not-churned']);
		expect(segmentsFor({ plan: 'starter', address: { country: 'DE' }, seats: 5, phone: '+4930', stage: 'churned' }, rules)).toEqual(['europe', 'has-phone']);
		expect(segmentsFor({}, rules)).toEqual(['not-churned']);
	});

	test('a rule without a segment name or with an unknown operator is refused before anything runs', () => {
		expect(() => validateSegmentRules([{ segment: '', conditions: [] }])).toThrow(SegmentRuleError);
		expect(() => validateSegmentRules([{ segment: 'x', conditions: [{ field: 'plan', operator: 'like' as never }] }])).toThrow(/unknown operator "like"/);
	});
});

describe('Mailchimp addressing', () => {
	test('the datacenter comes from the API key suffix', () => {
		expect(mailchimpBaseUrl('0123456789abcdef-us21')).toBe('https://us21.api.mailchimp.com/3.0');
		expect(() => mailchimpBaseUrl('no-datacenter-here!')).toThrow(/datacenter/);
		expect(() => mailchimpBaseUrl('plainkey')).toThrow(/datacenter/);
	});

	test('the node’s Mailchimp credential resolves its base URL from the key unless one is set', () => {
		const resolve = (values: Record<string, unknown>) => resolveBaseUrl(mailchimp.credentials, values);
		expect(resolve({ apiKey: 'abc-us21', baseUrl: '' })).toBe('https://us21.api.mailchimp.com/3.0');
		expect(resolve({ apiKey: 'abc-us21', baseUrl: 'http://127.0.0.1:9/3.0' })).toBe('http://127.0.0.1:9/3.0');
	});

	test('a member is addressed by the MD5 of its lower-cased email', () => {
		expect(subscriberHash(' Urist.McVankab@Freddiesjokes.com ')).toBe('62eeb292278cc15f5817cb78f7790b08');
	});
});

describe('vendor errors as data', () => {
	const response = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({ status, body, headers });

	test('Mailchimp problem details name the title and detail; a 429 is a rate limit', () => {
		const parsed = mailchimpProfile().parseError(response(429, { type: 'x', title: 'Too Many Requests', status: 429, detail: 'You have exceeded the limit of 10 simultaneous connections.' }));
		expect(parsed).toMatchObject({ code: 'TOO_MANY_REQUESTS', rateLimited: true, message: 'Too Many Requests: You have exceeded the limit of 10 simultaneous connections.' });
		expect(mailchimpProfile().parseError(response(200, { errors: [{ email_address: 'a@b.c' }] }))).toBeUndefined();
	});

	test('Marketo errors arrive in a 200: 606 waits for the rolling window to move, 607 (daily quota) and 602 (token) are not retried', () => {
		const profile = marketoProfile();
		expect(profile.parseError(response(200, { success: true, result: [] }))).toBeUndefined();
		expect(profile.parseError(response(200, { success: false, errors: [{ code: '606', message: "Max rate limit '100' exceeded with in '20' secs" }] }))).toMatchObject({ code: '606', rateLimited: true, retryAfterMs: 2_000 });
		expect(profile.parseError(response(200, { success: false, errors: [{ code: '607', message: 'Daily quota reached' }] }))).toMatchObject({ code: '607', retryable: false });
		expect(profile.parseError(response(200, { success: false, errors: [{ code: '602', message: 'Access token expired' }] }))).toMatchObject({ code: '602', retryable: false });
		expect(profile.parseError(response(200, { success: false, errors: [{ code: '615', message: 'Concurrent access limit reached' }] }))).toMatchObject({ rateLimited: true });
		expect(profile.rateWindows.map((window) => [window.capacity, window.windowMs])).toEqual([[100, 20_000], [50_000, 86_400_000]]);
	});

	test('ActiveCampaign: 5 per second; 422 errors read from errors[]', () => {
		const profile = activeCampaignProfile();
		expect(profile.rateWindows).toEqual([{ name: 'second', capacity: 5, windowMs: 1000 }]);
		expect(profile.parseError(response(422, { errors: [{ title: 'Contact Email Address is not valid.', code: 'email_invalid' }] }))).toMatchObject({ code: 'email_invalid', message: 'Contact Email Address is not valid.' });
	});
});

describe('parallel lanes', () => {
	test('never more than the lanes at once, results in input order', async () => {
		let active = 0;
		let peak = 0;
		const results = await mapLimited(Array.from({ length: 20 }, (_, index) => index), 3, async (value) => {
			active++;
			peak = Math.max(peak, active);
			await new Promise((resolve) => setTimeout(resolve, 2 + (value % 3)));
			active--;
			return value * 2;
		});
		expect(peak).toBe(3);
		expect(results).toEqual(Array.from({ length: 20 }, (_, index) => index * 2));
	});

	test('a failing call fails the map', async () => {
		await expect(mapLimited([1, 2, 3], 2, async (value) => (value === 2 ? Promise.reject(new Error('boom')) : value))).rejects.toThrow('boom');
	});
});

describe('Marketo token', () => {
	test('fetched once, reused, and fetched anew once when Marketo refuses it with 602 in an HTTP 200', async () => {
		const sent: HttpRequest[] = [];
		let tokens = 0;
		let expired = false;
		const inner = {
			async send(request: HttpRequest): Promise<HttpResponse> {
				sent.push(request);
				if (request.url.endsWith('/identity/oauth/token')) return { status: 200, headers: {}, body: { access_token: `token-${++tokens}`, expires_in: 3600 } };
				if (expired && request.headers?.authorization === 'Bearer token-1') return { status: 200, headers: {}, body: { success: false, errors: [{ code: '602', message: 'Access token expired' }] } };
				return { status: 200, headers: {}, body: { success: true, result: [request.headers?.authorization] } };
			},
		};
		const client = new MarketoOAuthClient({ baseUrl: 'https://123-abc-456.mktorest.com', clientId: 'id', clientSecret: 'secret' }, inner);
		await client.send({ method: 'GET', url: 'https://123-abc-456.mktorest.com/rest/v1/leads.json' });
		await client.send({ method: 'GET', url: 'https://123-abc-456.mktorest.com/rest/v1/leads.json' });
		expect(tokens).toBe(1);
		expired = true;
		const response = await client.send({ method: 'GET', url: 'https://123-abc-456.mktorest.com/rest/v1/leads.json' });
		expect(response.body).toEqual({ success: true, result: ['Bearer token-2'] });
		expect(tokens).toBe(2);
		expect(sent[0].qs).toEqual({ grant_type: 'client_credentials', client_id: 'id', client_secret: 'secret' });
	});
});
