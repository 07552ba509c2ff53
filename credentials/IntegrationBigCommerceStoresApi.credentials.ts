import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { IntegrationBigCommerceApi } from './IntegrationBigCommerceApi.credentials';
import { firstStoreAuthentication, firstStoreTest, storeListProperties } from './storeList';

const store = new IntegrationBigCommerceApi();

/** Several BigCommerce stores in one credential, each with a label and the fields of the BigCommerce credential. */
export class IntegrationBigCommerceStoresApi implements ICredentialType {
	name = 'integrationBigCommerceStoresApi';

	displayName = 'BigCommerce Stores (Integration Automation) API';

	icon: Icon = { light: 'file:icons/bigcommerce.svg', dark: 'file:icons/bigcommerce.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/bigcommerce.md#several-stores-in-one-credential';

	properties: INodeProperties[] = storeListProperties('BigCommerce', 'bigcommerce', store.properties);

	authenticate: IAuthenticateGeneric = firstStoreAuthentication(store.authenticate as IAuthenticateGeneric);

	test: ICredentialTestRequest = firstStoreTest(store.test as ICredentialTestRequest);
}
