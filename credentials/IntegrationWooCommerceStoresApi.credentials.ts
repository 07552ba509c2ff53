import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { IntegrationWooCommerceApi } from './IntegrationWooCommerceApi.credentials';
import { firstStoreAuthentication, firstStoreTest, storeListProperties } from './storeList';

const store = new IntegrationWooCommerceApi();

/** Several WooCommerce stores in one credential, each with a label and the fields of the WooCommerce credential. */
export class IntegrationWooCommerceStoresApi implements ICredentialType {
	name = 'integrationWooCommerceStoresApi';

	displayName = 'WooCommerce Stores (Integration Automation) API';

	icon: Icon = { light: 'file:icons/woocommerce.svg', dark: 'file:icons/woocommerce.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/woocommerce.md#several-stores-in-one-credential';

	properties: INodeProperties[] = storeListProperties('WooCommerce', 'woocommerce', store.properties);

	authenticate: IAuthenticateGeneric = firstStoreAuthentication(store.authenticate as IAuthenticateGeneric);

	test: ICredentialTestRequest = firstStoreTest(store.test as ICredentialTestRequest);
}
