import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** A Freshdesk API key (HTTP Basic with the key as user name and "X" as password), the plan, and the webhook secret. */
export class IntegrationFreshdeskApi implements ICredentialType {
	name = 'integrationFreshdeskApi';

	displayName = 'Freshdesk (Integration Automation) API';

	icon: Icon = { light: 'file:icons/freshdesk.svg', dark: 'file:icons/freshdesk.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/freshdesk.md';

	properties: INodeProperties[] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '', required: true, placeholder: 'https://yourcompany.freshdesk.com', description: 'Your Freshdesk URL (or a sandbox\'s)' },
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '', required: true, description: 'Profile settings → View API Key' },
		{
			displayName: 'Plan',
			name: 'plan',
			type: 'options',
			options: [
				{ name: 'Trial (50 Calls a Minute)', value: 'trial' },
				{ name: 'Growth (200 a Minute)', value: 'growth' },
				{ name: 'Pro (400 a Minute)', value: 'pro' },
				{ name: 'Enterprise (700 a Minute)', value: 'enterprise' },
			],
			default: 'growth',
			description: 'Your Freshdesk plan: it sets the per-minute API limits the package keeps to',
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'A secret of your choosing, sent by your automation rules in the X-Freshdesk-Webhook-Secret header (Freshdesk signs no webhook)',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { auth: { username: '={{$credentials.apiKey}}', password: 'X' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/api/v2/agents/me' },
	};
}
