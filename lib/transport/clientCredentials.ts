import { bearerAuth } from './fetchClient';
import type { HttpClient, HttpRequest, HttpResponse } from './types';

/** What an OAuth2 client-credentials token endpoint answers. */
export interface AccessTokenResponse {
	access_token: string;
	expires_in: number;
}

/** Tokens are renewed this long before the vendor says they expire, so none expires in flight. */
const EXPIRY_MARGIN_SECONDS = 60;

/**
 * A client that adds a Bearer token from a client-credentials grant: cached until shortly before it expires, one
 * fetch shared by concurrent requests, and fetched anew once when the vendor refuses it (`isRefusal`, since not every
 * vendor says so with a 401).
 */
export class ClientCredentialsClient implements HttpClient {
	private token?: { value: string; expiresAt: number };
	private pending?: Promise<string>;

	constructor(
		private readonly fetchToken: () => Promise<AccessTokenResponse>,
		private readonly isRefusal: (response: HttpResponse) => boolean,
		private readonly inner: HttpClient,
		private readonly now: () => number = Date.now,
	) {}

	async send(request: HttpRequest): Promise<HttpResponse> {
		if (request.unauthenticated) return this.inner.send(request);
		const response = await this.inner.send(bearerAuth(await this.accessToken())(request));
		if (!this.isRefusal(response)) return response;
		this.token = undefined;
		return this.inner.send(bearerAuth(await this.accessToken())(request));
	}

	private async accessToken(): Promise<string> {
		if (this.token && this.token.expiresAt > this.now()) return this.token.value;
		this.pending ??= this.fetchToken()
			.then((token) => {
				this.token = { value: token.access_token, expiresAt: this.now() + Math.max(0, token.expires_in - EXPIRY_MARGIN_SECONDS) * 1000 };
				return token.access_token;
			})
			.finally(() => (this.pending = undefined));
		return this.pending;
	}
}
