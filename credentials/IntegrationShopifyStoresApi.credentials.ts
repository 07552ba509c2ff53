import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { IntegrationShopifyApi } from './IntegrationShopifyApi.credentials';
import { firstStoreAuthentication, firstStoreTest, storeListProperties } from './storeList';

const store = new IntegrationShopifyApi();

/** Several Shopify stores in one credential, each with a label and the fields of the Shopify credential. */
export class IntegrationShopifyStoresApi implements ICredentialType {
	name = 'integrationShopifyStoresApi';

	displayName = 'Shopify Stores (Integration Automation) API';

	icon: Icon = { light: 'file:icons/shopify.svg', dark: 'file:icons/shopify.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/shopify.md#several-stores-in-one-credential';

	properties: INodeProperties[] = storeListProperties('Shopify', 'shopify', store.properties);

	authenticate: IAuthenticateGeneric = firstStoreAuthentication(store.authenticate as IAuthenticateGeneric);

	test: ICredentialTestRequest = firstStoreTest(store.test as ICredentialTestRequest);
}
