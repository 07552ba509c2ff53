import type { HttpClient, HttpRequest, HttpResponse } from '../../transport/types';

export interface PayPalClientCredentials {
	baseUrl: string;
	clientId: string;
	clientSecret: string;
}

interface TokenResponse {
	access_token: string;
	expires_in: number;
}

/** Fetches an OAuth2 client-credentials token (`POST /v1/oauth2/token`, Basic client id:secret). */
export async function fetchPayPalToken(credentials: PayPalClientCredentials, client: HttpClient): Promise<TokenResponse> {
	const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64');
	const response = await client.send({
		method: 'POST',
		url: `${credentials.baseUrl.replace(/\/+$/, '')}/v1/oauth2/token`,
		headers: { authorization: `Basic ${basic}` },
		bodyType: 'form',
		body: { grant_type: 'client_credentials' },
	});
	const body = response.body as Partial<TokenResponse> & { error_description?: string };
	if (response.status !== 200 || !body.access_token) {
		throw new Error(`PayPal token request failed with HTTP ${response.status}: ${body.error_description ?? 'no token'}`);
	}
	return { access_token: body.access_token, expires_in: Number(body.expires_in ?? 0) };
}

/**
 * The PayPal client outside n8n (inside n8n the credential's preAuthentication does this): adds a Bearer token,
 * fetched once and cached until shortly before it expires, and fetched anew once when PayPal answers 401.
 */
export class PayPalOAuthClient implements HttpClient {
	private token?: { value: string; expiresAt: number };
	private pending?: Promise<string>;

	constructor(
		private readonly credentials: PayPalClientCredentials,
		private readonly inner: HttpClient,
		private readonly now: () => number = Date.now,
	) {}

	async send(request: HttpRequest): Promise<HttpResponse> {
		const response = await this.inner.send(this.signed(request, await this.accessToken()));
		if (response.status !== 401) return response;
		this.token = undefined;
		return this.inner.send(this.signed(request, await this.accessToken()));
	}

	private signed(request: HttpRequest, token: string): HttpRequest {
		return { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } };
	}

	private async accessToken(): Promise<string> {
		if (this.token && this.token.expiresAt > this.now()) return this.token.value;
		this.pending ??= fetchPayPalToken(this.credentials, this.inner)
			.then((token) => {
				this.token = { value: token.access_token, expiresAt: this.now() + Math.max(0, token.expires_in - 60) * 1000 };
				return token.access_token;
			})
			.finally(() => (this.pending = undefined));
		return this.pending;
	}
}
