import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** A Shopify custom-app Admin API token for one shop and location, plus the app secret that signs its webhooks. */
export class IntegrationShopifyApi implements ICredentialType {
	name = 'integrationShopifyApi';

	displayName = 'Shopify (Integration Automation) API';

	icon: Icon = { light: 'file:icons/shopify.svg', dark: 'file:icons/shopify.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/shopify.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Admin API Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Custom app token with the read_inventory and write_inventory scopes',
		},
		{
			displayName: 'Admin API URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://your-shop.myshopify.com/admin/api/2025-01',
			description: 'The shop\'s Admin API root including the API version; point it at a sandbox or proxy if needed',
		},
		{
			displayName: 'Location ID',
			name: 'locationId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'gid://shopify/Location/1',
			description: 'The location whose available quantity this store publishes',
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The app\'s client secret, which signs X-Shopify-Hmac-Sha256 on order webhooks',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'X-Shopify-Access-Token': '={{$credentials.accessToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/graphql.json',
			method: 'POST',
			body: { query: '{ inventoryItems(first: 1) { nodes { id } } }' },
		},
	};
}
