import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** An ActiveCampaign API token (Settings → Developer) and the account's API URL. */
export class IntegrationActiveCampaignApi implements ICredentialType {
	name = 'integrationActiveCampaignApi';

	displayName = 'ActiveCampaign (Integration Automation) API';

	icon: Icon = { light: 'file:icons/activecampaign.svg', dark: 'file:icons/activecampaign.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/activecampaign.md';

	properties: INodeProperties[] = [
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://youraccount.api-us1.com/api/3',
			description: 'Your account\'s API URL (Settings → Developer) followed by /api/3; or a sandbox or proxy',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'Api-Token': '={{$credentials.apiToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/users/me' },
	};
}
