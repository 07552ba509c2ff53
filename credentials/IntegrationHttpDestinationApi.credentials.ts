import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** An HTTP API the Event Router delivers to: a base URL and a bearer token. */
export class IntegrationHttpDestinationApi implements ICredentialType {
	name = 'integrationHttpDestinationApi';

	displayName = 'HTTP API Destination (Integration Automation)';

	icon: Icon = { light: 'file:icons/httpDestination.svg', dark: 'file:icons/httpDestination.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/event-endpoints.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://api.example.com',
			description: 'Destinations whose URL is a path are sent under this URL',
		},
		{
			displayName: 'Bearer Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Sent as Authorization: Bearer',
		},
		{
			displayName: 'Test Path',
			name: 'testPath',
			type: 'string',
			default: '/',
			description: 'A path under the base URL that answers GET when the token is valid, used to test this credential',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.token}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '={{$credentials.testPath}}', method: 'GET' },
	};
}
