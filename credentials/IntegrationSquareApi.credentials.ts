import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** A Square access token; the base URL is overridable (Square's own sandbox is https://connect.squareupsandbox.com). */
export class IntegrationSquareApi implements ICredentialType {
	name = 'integrationSquareApi';

	displayName = 'Square (Integration Automation) API';

	icon: Icon = { light: 'file:icons/square.svg', dark: 'file:icons/square.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/square.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Personal or OAuth access token with PAYMENTS_WRITE and PAYMENTS_READ',
		},
		{
			displayName: 'Webhook Signature Key',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: "The subscription's signature key for x-square-hmacsha256-signature; needed only to receive events",
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://connect.squareup.com',
			description: 'Change only to reach a sandbox or a proxy',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/v2/payments', qs: { limit: 1 } },
	};
}
