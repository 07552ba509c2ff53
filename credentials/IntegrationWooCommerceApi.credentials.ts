import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** A WooCommerce REST API key pair (read/write) for one site, plus the secret that signs its webhooks. */
export class IntegrationWooCommerceApi implements ICredentialType {
	name = 'integrationWooCommerceApi';

	displayName = 'WooCommerce (Integration Automation) API';

	icon: Icon = { light: 'file:icons/woocommerce.svg', dark: 'file:icons/woocommerce.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/woocommerce.md';

	properties: INodeProperties[] = [
		// Half of the key pair sent with every request (the basic-auth user), masked as n8n's own WooCommerce credential does.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{ displayName: 'Consumer Key', name: 'consumerKey', type: 'string', typeOptions: { password: true }, default: '', required: true, placeholder: 'ck_…' },
		{
			displayName: 'Consumer Secret',
			name: 'consumerSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'cs_…',
		},
		{
			displayName: 'REST API URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://shop.example.com/wp-json/wc/v3',
			description: 'The site\'s WooCommerce REST v3 root (HTTPS); point it at a sandbox or proxy if needed',
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The secret set on the order webhook, which signs X-WC-Webhook-Signature',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { auth: { username: '={{$credentials.consumerKey}}', password: '={{$credentials.consumerSecret}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/products', qs: { per_page: 1 } },
	};
}
