import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** Xero through its OAuth2 (authorization code, 30-minute access tokens, refresh tokens), for one organisation (tenant). */
export class IntegrationXeroOAuth2Api implements ICredentialType {
	name = 'integrationXeroOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Xero OAuth2 (Integration Automation) API';

	icon: Icon = { light: 'file:icons/xero.svg', dark: 'file:icons/xero.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/xero.md';

	properties: INodeProperties[] = [
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
		{
			displayName: 'Tenant ID',
			name: 'tenantId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '6b3d4a8e-7f1c-4e0a-9d2b-5c1e8f3a7b90',
			description: 'The organisation the entries go to: its tenantId from GET https://api.xero.com/connections after you connect',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			description: 'Leave empty for https://api.xero.com; set only to reach a local sandbox or a proxy',
		},
		{ displayName: 'Authorization URL', name: 'authUrl', type: 'hidden', default: 'https://login.xero.com/identity/connect/authorize' },
		{ displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'hidden', default: 'https://identity.xero.com/connect/token' },
		{ displayName: 'Scope', name: 'scope', type: 'hidden', default: 'offline_access accounting.transactions accounting.contacts accounting.settings.read' },
		{ displayName: 'Auth URI Query Parameters', name: 'authQueryParameters', type: 'hidden', default: '' },
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'header' },
	];

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl || "https://api.xero.com"}}', url: '/api.xro/2.0/Organisation', headers: { 'xero-tenant-id': '={{$credentials.tenantId}}' } },
	};
}
