import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * A Mailchimp Marketing API key. The datacenter is the key's suffix (`…-us21` → `https://us21.api.mailchimp.com/3.0`);
 * the base URL is overridable for sandboxes and proxies.
 */
export class IntegrationMailchimpApi implements ICredentialType {
	name = 'integrationMailchimpApi';

	displayName = 'Mailchimp (Integration Automation) API';

	icon: Icon = { light: 'file:icons/mailchimp.svg', dark: 'file:icons/mailchimp.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/mailchimp.md';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: '0123456789abcdef0123456789abcdef-us21',
			description: 'Account → Extras → API keys. Its suffix after the dash is your datacenter.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://us21.api.mailchimp.com/3.0',
			description: 'Leave empty to use the datacenter from the API key; set only to reach a sandbox or a proxy',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { auth: { username: 'anystring', password: '={{$credentials.apiKey}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl || "https://" + $credentials.apiKey.split("-").pop() + ".api.mailchimp.com/3.0"}}',
			url: '/ping',
		},
	};
}
