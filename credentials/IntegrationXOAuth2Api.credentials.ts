import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** X (API v2) through OAuth 2.0 with PKCE, for the user who connects: posts, media and deletes on their behalf. */
export class IntegrationXOAuth2Api implements ICredentialType {
	name = 'integrationXOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'X OAuth2 (Integration Automation) API';

	icon: Icon = { light: 'file:icons/x.svg', dark: 'file:icons/x.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/x.md';

	properties: INodeProperties[] = [
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'pkce' },
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			description: 'Leave empty for https://api.x.com; set only to reach a local sandbox or a proxy',
		},
		{ displayName: 'Authorization URL', name: 'authUrl', type: 'hidden', default: 'https://x.com/i/oauth2/authorize' },
		{ displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'hidden', default: 'https://api.x.com/2/oauth2/token' },
		{ displayName: 'Scope', name: 'scope', type: 'hidden', default: 'tweet.read tweet.write users.read media.write offline.access' },
		{ displayName: 'Auth URI Query Parameters', name: 'authQueryParameters', type: 'hidden', default: '' },
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'header' },
	];

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl || "https://api.x.com"}}', url: '/2/users/me' },
	};
}
