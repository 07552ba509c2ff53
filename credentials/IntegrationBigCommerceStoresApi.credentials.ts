import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

import { IntegrationBigCommerceApi } from './IntegrationBigCommerceApi.credentials';
import { storeListProperties } from './storeList';

const store = new IntegrationBigCommerceApi();

/** Several BigCommerce stores in one credential, each with a label and the fields of the BigCommerce credential. */
// Tested store by store by the nodes that take it (testedBy on each slot, built from the catalog, which this rule cannot
// read): a declarative `test` makes one request, and n8n would prefer it to theirs.
// eslint-disable-next-line @n8n/community-nodes/credential-test-required
export class IntegrationBigCommerceStoresApi implements ICredentialType {
	name = 'integrationBigCommerceStoresApi';

	displayName = 'BigCommerce Stores (Integration Automation) API';

	icon: Icon = { light: 'file:icons/bigcommerce.svg', dark: 'file:icons/bigcommerce.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/bigcommerce.md#several-stores-in-one-credential';

	properties: INodeProperties[] = storeListProperties('BigCommerce', 'bigcommerce', store.properties);
}
