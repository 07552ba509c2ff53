import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** A Salesforce session (access token) and the org's instance URL: for sandboxes, scripts and connected apps that hand out tokens. */
export class IntegrationSalesforceApi implements ICredentialType {
	name = 'integrationSalesforceApi';

	displayName = 'Salesforce Access Token (Integration Automation) API';

	icon: Icon = { light: 'file:icons/salesforce.svg', dark: 'file:icons/salesforce.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/salesforce.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Instance URL',
			name: 'instanceUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://yourdomain.my.salesforce.com',
			description: 'Your org\'s My Domain URL (or a sandbox\'s URL)',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'A session id / OAuth access token with the api scope',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.instanceUrl}}', url: '/services/data/v60.0/sobjects/Contact/describe' },
	};
}
