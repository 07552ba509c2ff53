import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * A Facebook Page through the Graph API with its Page access token: the token the Pages API requires to post as the
 * Page (one derived from a long-lived user token does not expire).
 */
export class IntegrationFacebookPageApi implements ICredentialType {
	name = 'integrationFacebookPageApi';

	displayName = 'Facebook Page (Integration Automation) API';

	icon: Icon = { light: 'file:icons/facebook.svg', dark: 'file:icons/facebook.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/facebook.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Page Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'A Page access token with pages_manage_posts and pages_read_engagement (GET /{page-id}?fields=access_token with your user token)',
		},
		{ displayName: 'Page ID', name: 'pageId', type: 'string', default: '', required: true, placeholder: '109876543210123', description: "The Page's numeric ID" },
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			description: 'Leave empty for https://graph.facebook.com/v24.0; set only to reach a local sandbox or a proxy (with the version)',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl || "https://graph.facebook.com/v24.0"}}', url: '={{"/" + $credentials.pageId}}', qs: { fields: 'id,name' } },
	};
}
