import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** FreshBooks through its OAuth2 (authorization code, refresh tokens), for one business account. */
export class IntegrationFreshBooksOAuth2Api implements ICredentialType {
	name = 'integrationFreshBooksOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'FreshBooks OAuth2 (Integration Automation) API';

	icon: Icon = { light: 'file:icons/freshbooks.svg', dark: 'file:icons/freshbooks.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/freshbooks.md';

	properties: INodeProperties[] = [
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
		{
			displayName: 'Account ID',
			name: 'accountId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'xZNQ1X',
			description: 'The business\'s account_id, listed by GET https://api.freshbooks.com/auth/api/v1/users/me under business_memberships',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			description: 'Leave empty for https://api.freshbooks.com; set only to reach a local sandbox or a proxy',
		},
		{ displayName: 'Authorization URL', name: 'authUrl', type: 'hidden', default: 'https://auth.freshbooks.com/oauth/authorize' },
		{ displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'hidden', default: 'https://api.freshbooks.com/auth/oauth/token' },
		{ displayName: 'Scope', name: 'scope', type: 'hidden', default: 'user:clients:read user:clients:write user:invoices:read user:invoices:write user:payments:read user:payments:write user:credit_notes:read user:credit_notes:write' },
		{ displayName: 'Auth URI Query Parameters', name: 'authQueryParameters', type: 'hidden', default: '' },
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'body' },
	];

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl || "https://api.freshbooks.com"}}', url: '=/accounting/account/{{$credentials.accountId}}/users/clients', qs: { per_page: 1 } },
	};
}
