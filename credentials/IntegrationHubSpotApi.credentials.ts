import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** A HubSpot private-app access token; the base URL is overridable for sandboxes and proxies. */
export class IntegrationHubSpotApi implements ICredentialType {
	name = 'integrationHubSpotApi';

	displayName = 'HubSpot (Integration Automation) API';

	icon: Icon = { light: 'file:icons/hubspot.svg', dark: 'file:icons/hubspot.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/hubspot.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Private app access token with the CRM object scopes you sync',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The app\'s client secret, to verify webhook signatures (X-HubSpot-Signature-v3); only needed for webhook flows',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.hubapi.com',
			description: 'Change only to reach a sandbox or a proxy',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/crm/v3/objects/contacts', qs: { limit: 1 } },
	};
}
