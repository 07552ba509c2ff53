import { ClientCredentialsClient, type AccessTokenResponse } from '../../transport/clientCredentials';
import type { HttpClient } from '../../transport/types';
import { isMarketoTokenRefusal } from './profile';

export interface MarketoClientCredentials {
	/** `https://{munchkin-id}.mktorest.com` */
	baseUrl: string;
	clientId: string;
	clientSecret: string;
}

/** `GET /identity/oauth/token?grant_type=client_credentials`: Marketo's token for a LaunchPoint API-only user. */
export async function fetchMarketoToken(credentials: MarketoClientCredentials, client: HttpClient): Promise<AccessTokenResponse> {
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
export class MarketoOAuthClient extends ClientCredentialsClient {
	constructor(credentials: MarketoClientCredentials, inner: HttpClient, now: () => number = Date.now) {
		super(() => fetchMarketoToken(credentials, inner), isMarketoTokenRefusal, inner, now);
	}
}
