/** The accounting platforms' OAuth2 credentials pointing at their sandboxes (each token granted, as after the consent screen). */
import type { RunningSandbox } from '../sandbox/registry';

export { quickBooksCredential } from './quickbooks';

const grantedBy = (sandbox: RunningSandbox) => ({
	clientId: 'sandbox-client',
	clientSecret: 'sandbox-client-secret',
	oauthTokenData: { access_token: sandbox.credentials.accessToken, token_type: 'Bearer', refresh_token: 'sandbox-refresh-token' },
});

/** Xero: the organisation the sandbox stands for (its tenant id). */
export function xeroCredential(xero: RunningSandbox): Record<string, unknown> {
	return { tenantId: xero.credentials.tenantId, baseUrl: xero.baseUrl, ...grantedBy(xero) };
}

/** FreshBooks: the business account the sandbox stands for. */
export function freshBooksCredential(freshbooks: RunningSandbox): Record<string, unknown> {
	return { accountId: freshbooks.credentials.accountId, baseUrl: freshbooks.baseUrl, ...grantedBy(freshbooks) };
}
