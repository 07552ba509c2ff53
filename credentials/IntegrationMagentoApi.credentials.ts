import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** A Magento 2 / Adobe Commerce integration access token and the MSI source this store publishes. */
export class IntegrationMagentoApi implements ICredentialType {
	name = 'integrationMagentoApi';

	displayName = 'Magento 2 (Integration Automation) API';

	icon: Icon = { light: 'file:icons/magento.svg', dark: 'file:icons/magento.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/magento.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Integration access token with the Magento_InventoryApi::source_item resource',
		},
		{
			displayName: 'REST URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://shop.example.com/rest/default',
			description: 'The REST root with the store code (without /V1); point it at a sandbox or proxy if needed',
		},
		{ displayName: 'Source Code', name: 'sourceCode', type: 'string', default: 'default', description: 'The MSI source whose quantity this store publishes' },
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/V1/inventory/source-items', qs: { 'searchCriteria[pageSize]': 1 } },
	};
}
