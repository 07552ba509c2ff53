import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

import { IntegrationShopifyApi } from './IntegrationShopifyApi.credentials';
import { storeListProperties } from './storeList';

const store = new IntegrationShopifyApi();

/** Several Shopify stores in one credential, each with a label and the fields of the Shopify credential. */
// Tested store by store by the nodes that take it (testedBy on each slot, built from the catalog, which this rule cannot
// read): a declarative `test` makes one request, and n8n would prefer it to theirs.
// eslint-disable-next-line @n8n/community-nodes/credential-test-required
export class IntegrationShopifyStoresApi implements ICredentialType {
	name = 'integrationShopifyStoresApi';

	displayName = 'Shopify Stores (Integration Automation) API';

	icon: Icon = { light: 'file:icons/shopify.svg', dark: 'file:icons/shopify.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/shopify.md#several-stores-in-one-credential';

	properties: INodeProperties[] = storeListProperties('Shopify', 'shopify', store.properties);
}
