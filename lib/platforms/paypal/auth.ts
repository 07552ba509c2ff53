import { ClientCredentialsClient, type AccessTokenResponse } from '../../transport/clientCredentials';
import { basicAuth } from '../../transport/fetchClient';
import type { HttpClient } from '../../transport/types';

export interface PayPalClientCredentials {
	baseUrl: string;
	clientId: string;
	clientSecret: string;
}

/** Fetches an OAuth2 client-credentials token (`POST /v1/oauth2/token`, Basic client id:secret). */
export async function fetchPayPalToken(credentials: PayPalClientCredentials, client: HttpClient): Promise<AccessTokenResponse> {
	const response = await client.send(
		basicAuth(credentials.clientId, credentials.clientSecret)({
			method: 'POST',
			url: `${credentials.baseUrl.replace(/\/+$/, '')}/v1/oauth2/token`,
			bodyType: 'form',
			body: { grant_type: 'client_credentials' },
		}),
	);
	const body = response.body as Partial<AccessTokenResponse> & { error_description?: string };
	if (response.status !== 200 || !body.access_token) {
		throw new Error(`PayPal token request failed with HTTP ${response.status}: ${body.error_description ?? 'no token'}`);
	}
	return { access_token: body.access_token, expires_in: Number(body.expires_in ?? 0) };
}

/**
 * The PayPal client outside n8n (inside n8n the credential's preAuthentication does this): adds a Bearer token,
 * fetched once and cached until shortly before it expires, and fetched anew once when PayPal answers 401.
 */
export class PayPalOAuthClient extends ClientCredentialsClient {
	constructor(credentials: PayPalClientCredentials, inner: HttpClient, now: () => number = Date.now) {
		super(() => fetchPayPalToken(credentials, inner), (response) => response.status === 401, inner, now);
	}
}
