import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** LinkedIn through its OAuth 2.0 (authorization code), posting as one organization or member (the Author URN). */
export class IntegrationLinkedInOAuth2Api implements ICredentialType {
	name = 'integrationLinkedInOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'LinkedIn OAuth2 (Integration Automation) API';

	icon: Icon = { light: 'file:icons/linkedin.svg', dark: 'file:icons/linkedin.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/linkedin.md';

	properties: INodeProperties[] = [
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
		{
			displayName: 'Author URN',
			name: 'authorUrn',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'urn:li:organization:2414183',
			description: 'Who the posts are by: urn:li:organization:<id> for a Page you administer (scope w_organization_social), or urn:li:person:<id> for yourself (w_member_social)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			description: 'Leave empty for https://api.linkedin.com; set only to reach a local sandbox or a proxy',
		},
		{ displayName: 'Authorization URL', name: 'authUrl', type: 'hidden', default: 'https://www.linkedin.com/oauth/v2/authorization' },
		{ displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'hidden', default: 'https://www.linkedin.com/oauth/v2/accessToken' },
		{ displayName: 'Scope', name: 'scope', type: 'hidden', default: 'w_member_social w_organization_social r_organization_social' },
		{ displayName: 'Auth URI Query Parameters', name: 'authQueryParameters', type: 'hidden', default: '' },
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'body' },
	];

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl || "https://api.linkedin.com"}}',
			url: '/rest/posts',
			qs: { q: 'author', author: '={{$credentials.authorUrn}}', count: 1 },
			headers: { 'LinkedIn-Version': '202611', 'X-Restli-Protocol-Version': '2.0.0', 'X-RestLi-Method': 'FINDER' },
		},
	};
}
