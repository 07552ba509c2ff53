/** The QuickBooks Online OAuth2 credential pointing at the QuickBooks sandbox (its token granted, as after the consent screen). */
import type { RunningSandbox } from '../sandbox/registry';

export function quickBooksCredential(quickbooks: RunningSandbox): Record<string, unknown> {
	return {
		environment: 'sandbox',
		realmId: quickbooks.credentials.realmId,
		baseUrl: quickbooks.baseUrl,
		clientId: 'sandbox-client',
		clientSecret: 'sandbox-client-secret',
		oauthTokenData: { access_token: quickbooks.credentials.accessToken, token_type: 'Bearer', refresh_token: 'sandbox-refresh-token' },
	};
}
