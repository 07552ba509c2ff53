import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** Instagram content publishing through Facebook Login (OAuth 2.0), for one Instagram professional account. */
export class IntegrationInstagramOAuth2Api implements ICredentialType {
	name = 'integrationInstagramOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Instagram OAuth2 (Integration Automation) API';

	icon: Icon = { light: 'file:icons/instagram.svg', dark: 'file:icons/instagram.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/instagram.md';

	properties: INodeProperties[] = [
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
		{
			displayName: 'Instagram Account ID',
			name: 'igUserId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '17841405822304914',
			description: "The professional account's id: GET /{page-id}?fields=instagram_business_account for the Page it is linked to",
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			description: 'Leave empty for https://graph.facebook.com/v24.0; set only to reach a local sandbox or a proxy (with the version)',
		},
		{ displayName: 'Authorization URL', name: 'authUrl', type: 'hidden', default: 'https://www.facebook.com/v24.0/dialog/oauth' },
		{ displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'hidden', default: 'https://graph.facebook.com/v24.0/oauth/access_token' },
		{ displayName: 'Scope', name: 'scope', type: 'hidden', default: 'instagram_basic,instagram_content_publish,pages_read_engagement,pages_show_list' },
		{ displayName: 'Auth URI Query Parameters', name: 'authQueryParameters', type: 'hidden', default: '' },
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'header' },
	];

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl || "https://graph.facebook.com/v24.0"}}', url: '={{"/" + $credentials.igUserId + "/content_publishing_limit"}}', qs: { fields: 'quota_usage,config' } },
	};
}
