import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { IntegrationMagentoApi } from './IntegrationMagentoApi.credentials';
import { firstStoreAuthentication, firstStoreTest, storeListProperties } from './storeList';

const store = new IntegrationMagentoApi();

/** Several Magento 2 stores in one credential, each with a label and the fields of the Magento 2 credential. */
export class IntegrationMagentoStoresApi implements ICredentialType {
	name = 'integrationMagentoStoresApi';

	displayName = 'Magento 2 Stores (Integration Automation) API';

	icon: Icon = { light: 'file:icons/magento.svg', dark: 'file:icons/magento.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/magento.md#several-stores-in-one-credential';

	properties: INodeProperties[] = storeListProperties('Magento 2', 'magento', store.properties);

	authenticate: IAuthenticateGeneric = firstStoreAuthentication(store.authenticate as IAuthenticateGeneric);

	test: ICredentialTestRequest = firstStoreTest(store.test as ICredentialTestRequest);
}
