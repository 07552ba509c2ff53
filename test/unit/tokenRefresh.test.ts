/**
 * The one token-refresh wrapper around a node's n8n client, driven by each vendor's declared `tokenRefresh`:
 * PayPal (a 401; n8n refreshes once it sees one) and Marketo (601/602 in an HTTP 200; the execution fetches its own).
 */
import { platformDefinition } from '../../lib/platforms/catalog';
import type { HttpClient, HttpRequest, HttpResponse } from '../../lib/transport';
import { refreshTokenOnRefusal } from '../../nodes/shared/tokenRefresh';

interface N8nOptions {
	method: string;
	url: string;
	qs?: Record<string, string>;
	headers?: Record<string, string>;
}

/** An n8n client stand-in: answers in turn, and records what was sent. */
function scripted(...answers: HttpResponse[]): HttpClient & { sent: HttpRequest[] } {
	const sent: HttpRequest[] = [];
	return { sent, send: async (request) => (sent.push(request), answers.shift() ?? { status: 200, headers: {}, body: {} }) };
}

function n8nContext(handlers: { plain?: (options: N8nOptions) => unknown; authenticated?: (type: string, options: N8nOptions) => unknown }) {
	const plain = jest.fn(async (options: N8nOptions) => handlers.plain?.(options));
	const authenticated = jest.fn(async function (this: unknown, type: string, options: N8nOptions) {
		return handlers.authenticated?.(type, options);
	});
	return { context: { helpers: { httpRequest: plain, httpRequestWithAuthentication: authenticated } } as never, plain, authenticated };
}

const ok = (body: unknown = { success: true }): HttpResponse => ({ status: 200, headers: {}, body });
const request: HttpRequest = { method: 'POST', url: 'https://123-abc-456.mktorest.com/rest/v1/leads.json', body: { input: [] } };

describe('Marketo: refused in an HTTP 200, the execution goes on with its own token', () => {
	const marketo = platformDefinition('marketo');
	const values = { clientId: 'id', clientSecret: 'secret', baseUrl: 'https://123-abc-456.mktorest.com' };

	test('601 → one token fetched by client credentials, the request sent again with it, later requests too', async () => {
		const inner = scripted({ status: 200, headers: {}, body: { success: false, errors: [{ code: '601', message: 'Access token invalid' }] } });
		const tokens: string[] = [];
		const { context, plain } = n8nContext({
			plain: (options) => {
				if (options.url.endsWith('/identity/oauth/token')) return { statusCode: 200, headers: {}, body: { access_token: 'fresh', expires_in: 3600 } };
				tokens.push(String(options.headers?.authorization));
				return { statusCode: 200, headers: {}, body: { success: true, result: [{ id: 1 }] } };
			},
		});
		const client = refreshTokenOnRefusal(context, marketo, 'integrationMarketoApi', values)(inner, values.baseUrl);
		expect((await client.send(request)).body).toEqual({ success: true, result: [{ id: 1 }] });
		await client.send(request);
		expect(inner.sent).toHaveLength(1);
		expect(tokens).toEqual(['Bearer fresh', 'Bearer fresh']);
		expect(plain.mock.calls.filter(([options]) => options.url.endsWith('/identity/oauth/token'))).toHaveLength(1);
	});

	test('any other answer, an error included, passes through untouched', async () => {
		const inner = scripted(ok(), { status: 200, headers: {}, body: { success: false, errors: [{ code: '1003', message: 'Invalid' }] } });
		const { context, plain } = n8nContext({});
		const client = refreshTokenOnRefusal(context, marketo, 'integrationMarketoApi', values)(inner, values.baseUrl);
		expect((await client.send(request)).body).toEqual({ success: true });
		expect((await client.send(request)).body).toEqual({ success: false, errors: [{ code: '1003', message: 'Invalid' }] });
		expect(plain).not.toHaveBeenCalled();
	});
});

describe('PayPal: a 401 the transport read, made visible to n8n by a probe', () => {
	const paypal = platformDefinition('paypal');
	const baseUrl = 'https://api-m.paypal.com/';

	test('401 → one authenticated probe (n8n refreshes), then the request again through the credential', async () => {
		const inner = scripted({ status: 401, headers: {}, body: { name: 'AUTHENTICATION_FAILURE' } }, ok({ id: 'order' }));
		const { context, authenticated } = n8nContext({ authenticated: () => ({}) });
		const client = refreshTokenOnRefusal(context, paypal, 'integrationPayPalApi', {})(inner, baseUrl);
		expect((await client.send(request)).body).toEqual({ id: 'order' });
		expect(inner.sent).toEqual([request, request]);
		expect(authenticated.mock.calls.map(([type, options]) => [type, options.method, options.url])).toEqual([['integrationPayPalApi', 'GET', 'https://api-m.paypal.com/v1/notifications/webhooks-event-types']]);
	});

	test('a probe that fails leaves the 401 as the answer, sent once', async () => {
		const refused: HttpResponse = { status: 401, headers: {}, body: { name: 'AUTHENTICATION_FAILURE' } };
		const inner = scripted(refused);
		const { context } = n8nContext({ authenticated: () => Promise.reject(new Error('invalid_client')) });
		const client = refreshTokenOnRefusal(context, paypal, 'integrationPayPalApi', {})(inner, baseUrl);
		expect(await client.send(request)).toBe(refused);
		expect(inner.sent).toHaveLength(1);
	});
});

test('a vendor that declares no token refresh gets the n8n client itself', () => {
	const inner = scripted();
	const { context } = n8nContext({});
	expect(refreshTokenOnRefusal(context, platformDefinition('stripe'), 'integrationStripeApi', {})(inner, 'https://api.stripe.com')).toBe(inner);
});
