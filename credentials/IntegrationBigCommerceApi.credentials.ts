import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** A BigCommerce store API account token (Store Inventory: modify) and the location this store publishes. */
export class IntegrationBigCommerceApi implements ICredentialType {
	name = 'integrationBigCommerceApi';

	displayName = 'BigCommerce (Integration Automation) API';

	icon: Icon = { light: 'file:icons/bigcommerce.svg', dark: 'file:icons/bigcommerce.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/bigcommerce.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Store-level API account token with the Store Inventory modify scope',
		},
		{
			displayName: 'API URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://api.bigcommerce.com/stores/abc123/v3',
			description: 'The v3 API root with the store hash; point it at a sandbox or proxy if needed',
		},
		{ displayName: 'Location ID', name: 'locationId', type: 'number', default: 1, description: 'The inventory location this store publishes' },
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'X-Auth-Token': '={{$credentials.accessToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '=/inventory/locations/{{$credentials.locationId}}/items', qs: { limit: 1 } },
	};
}
