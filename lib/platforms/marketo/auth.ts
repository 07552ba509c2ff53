import type { HttpClient, HttpRequest, HttpResponse } from '../../transport/types';
import { isMarketoTokenRefusal } from './profile';

export interface MarketoClientCredentials {
	/** `https://{munchkin-id}.mktorest.com` */
	baseUrl: string;
	clientId: string;
	clientSecret: string;
}

/** `GET /identity/oauth/token?grant_type=client_credentials`: Marketo's token for a LaunchPoint API-only user. */
export async function fetchMarketoToken(credentials: MarketoClientCredentials, client: HttpClient): Promise<{ access_token: string; expires_in: number }> {
	const response = await client.send({
		method: 'GET',
		url: `${credentials.baseUrl.replace(/\/+$/, '')}/identity/oauth/token`,
		qs: { grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret },
	});
	const body = (response.body ?? {}) as { access_token?: string; expires_in?: number; error_description?: string };
	if (response.status !== 200 || !body.access_token) {
		throw new Error(`Marketo token request failed with HTTP ${response.status}: ${body.error_description ?? 'no token'}`);
	}
	return { access_token: body.access_token, expires_in: Number(body.expires_in ?? 0) };
}

/**
 * The Marketo client outside n8n (inside n8n the credential's preAuthentication does this): a Bearer token cached
 * until shortly before it expires, fetched anew once when Marketo refuses it (601/602, which come in an HTTP 200).
 */
export class MarketoOAuthClient implements HttpClient {
	private token?: { value: string; expiresAt: number };
	private pending?: Promise<string>;

	constructor(
		private readonly credentials: MarketoClientCredentials,
		private readonly inner: HttpClient,
		private readonly now: () => number = Date.now,
	) {}

	async send(request: HttpRequest): Promise<HttpResponse> {
		const response = await this.inner.send(signed(request, await this.accessToken()));
		if (!isMarketoTokenRefusal(response)) return response;
		this.token = undefined;
		return this.inner.send(signed(request, await this.accessToken()));
	}

	private async accessToken(): Promise<string> {
		if (this.token && this.token.expiresAt > this.now()) return this.token.value;
		this.pending ??= fetchMarketoToken(this.credentials, this.inner)
			.then((token) => {
				this.token = { value: token.access_token, expiresAt: this.now() + Math.max(0, token.expires_in - 60) * 1000 };
				return token.access_token;
			})
			.finally(() => (this.pending = undefined));
		return this.pending;
	}
}

function signed(request: HttpRequest, token: string): HttpRequest {
	return { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } };
}
