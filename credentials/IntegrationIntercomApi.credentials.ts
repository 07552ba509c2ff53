import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** An Intercom access token (Bearer, Intercom-Version 2.14), plus the app's client secret for webhook signatures. */
export class IntegrationIntercomApi implements ICredentialType {
	name = 'integrationIntercomApi';

	displayName = 'Intercom (Integration Automation) API';

	icon: Icon = { light: 'file:icons/intercom.svg', dark: 'file:icons/intercom.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/intercom.md';

	properties: INodeProperties[] = [
		{ displayName: 'Access Token', name: 'accessToken', type: 'string', typeOptions: { password: true }, default: '', required: true },
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The app\'s client secret, to verify webhook signatures (X-Hub-Signature)',
		},
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'https://api.intercom.io', description: 'Change only to reach a regional host, a sandbox or a proxy' },
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}', 'Intercom-Version': '2.14' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/me' },
	};
}
