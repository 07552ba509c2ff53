import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** A Zendesk agent's email and API token (Basic `{email}/token:{token}`), plus the webhook signing secret. */
export class IntegrationZendeskApi implements ICredentialType {
	name = 'integrationZendeskApi';

	displayName = 'Zendesk (Integration Automation) API';

	icon: Icon = { light: 'file:icons/zendesk.svg', dark: 'file:icons/zendesk.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/zendesk.md';

	properties: INodeProperties[] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '', required: true, placeholder: 'https://yoursubdomain.zendesk.com', description: 'Your Zendesk URL (or a sandbox\'s)' },
		{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '', required: true },
		{ displayName: 'API Token', name: 'apiToken', type: 'string', typeOptions: { password: true }, default: '', required: true },
		{
			displayName: 'Webhook Signing Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The signing secret of your Zendesk webhook, to verify X-Zendesk-Webhook-Signature',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { auth: { username: '={{$credentials.email}}/token', password: '={{$credentials.apiToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/api/v2/users/me.json' },
	};
}
