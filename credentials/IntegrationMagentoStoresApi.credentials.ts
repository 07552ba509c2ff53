import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

import { IntegrationMagentoApi } from './IntegrationMagentoApi.credentials';
import { storeListProperties } from './storeList';

const store = new IntegrationMagentoApi();

/** Several Magento 2 stores in one credential, each with a label and the fields of the Magento 2 credential. */
// Tested store by store by the nodes that take it (testedBy on each slot, built from the catalog, which this rule cannot
// read): a declarative `test` makes one request, and n8n would prefer it to theirs.
// eslint-disable-next-line @n8n/community-nodes/credential-test-required
export class IntegrationMagentoStoresApi implements ICredentialType {
	name = 'integrationMagentoStoresApi';

	displayName = 'Magento 2 Stores (Integration Automation) API';

	icon: Icon = { light: 'file:icons/magento.svg', dark: 'file:icons/magento.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/magento.md#several-stores-in-one-credential';

	properties: INodeProperties[] = storeListProperties('Magento 2', 'magento', store.properties);
}
