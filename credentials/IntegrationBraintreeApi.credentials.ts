import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** Braintree GraphQL API keys (Basic public:private); the base URL is overridable for sandboxes and proxies. */
export class IntegrationBraintreeApi implements ICredentialType {
	name = 'integrationBraintreeApi';

	displayName = 'Braintree (Integration Automation) API';

	icon: Icon = { light: 'file:icons/braintree.svg', dark: 'file:icons/braintree.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/braintree.md';

	properties: INodeProperties[] = [
		{ displayName: 'Public Key', name: 'publicKey', type: 'string', default: '', required: true },
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Merchant ID',
			name: 'merchantId',
			type: 'string',
			default: '',
			description: 'Needed for subscriptions only: Braintree’s recurring billing is in its gateway API, whose paths name the merchant (Control Panel → Settings → Business)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://payments.braintree-api.com',
			description: 'Change only to reach a sandbox (https://payments.sandbox.braintree-api.com) or a proxy',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { auth: { username: '={{$credentials.publicKey}}', password: '={{$credentials.privateKey}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/graphql',
			method: 'POST',
			headers: { 'Braintree-Version': '2019-01-01' },
			body: { query: '{ ping }' },
		},
	};
}
