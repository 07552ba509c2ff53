import type { IAllExecuteFunctions } from 'n8n-workflow';

import { isTokenRefusal, type CredentialValues, type PlatformDefinition } from '../../lib/platforms/definition';
import { standaloneConnection } from '../../lib/platforms/standalone';
import type { HttpClient, HttpRequest, HttpResponse } from '../../lib/transport';
import { N8nHttpClient } from './httpClient';

type Context = Pick<IAllExecuteFunctions, 'helpers'>;

/**
 * Makes n8n see the refusal: one cheap authenticated call, whose 401 runs the credential's preAuthentication and
 * stores the new token; then the request goes again (the vendor's idempotency key keeps a repeat safe).
 */
function refreshByProbe(context: Context, credentialType: string, inner: HttpClient, probeUrl: string) {
	return async (request: HttpRequest, refused: HttpResponse): Promise<HttpResponse> => {
		try {
			await context.helpers.httpRequestWithAuthentication.call(context as never, credentialType, { method: 'GET', url: probeUrl, json: true });
		} catch {
			return refused;
		}
		return inner.send(request);
	};
}

/**
 * n8n refreshes a credential's expirable token only when an authenticated request fails with a 401 it sees itself,
 * but the transport reads every status itself, and some vendors refuse an expired token with an HTTP 200 (Marketo's
 * 601/602). For a platform that declares `tokenRefresh`, this wraps the n8n client: when the vendor refuses the
 * token as declared, a fresh one is had the declared way and the request is sent again.
 */
export function refreshTokenOnRefusal(context: Context, definition: PlatformDefinition, credentialType: string, values: CredentialValues) {
	return (inner: HttpClient, baseUrl: string): HttpClient => {
		const refresh = definition.tokenRefresh;
		if (!refresh) return inner;
		// With `ownToken`, once refused this execution goes on with a token of its own, over n8n's plain HTTP helper.
		let own: HttpClient | undefined;
		const recover =
			refresh.inN8n === 'ownToken'
				? (request: HttpRequest) => (own = standaloneConnection(definition, values, new N8nHttpClient(context)).client).send(request)
				: refreshByProbe(context, credentialType, inner, `${baseUrl.replace(/\/+$/, '')}${refresh.inN8n.probe}`);
		return {
			async send(request) {
				if (own) return own.send(request);
				const response = await inner.send(request);
				return isTokenRefusal(definition, response) ? recover(request, response) : response;
			},
		};
	};
}
