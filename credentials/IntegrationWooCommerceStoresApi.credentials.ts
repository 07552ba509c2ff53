import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

import { IntegrationWooCommerceApi } from './IntegrationWooCommerceApi.credentials';
import { storeListProperties } from './storeList';

const store = new IntegrationWooCommerceApi();

/** Several WooCommerce stores in one credential, each with a label and the fields of the WooCommerce credential. */
// Tested store by store by the nodes that take it (testedBy on each slot, built from the catalog, which this rule cannot
// read): a declarative `test` makes one request, and n8n would prefer it to theirs.
// eslint-disable-next-line @n8n/community-nodes/credential-test-required
export class IntegrationWooCommerceStoresApi implements ICredentialType {
	name = 'integrationWooCommerceStoresApi';

	displayName = 'WooCommerce Stores (Integration Automation) API';

	icon: Icon = { light: 'file:icons/woocommerce.svg', dark: 'file:icons/woocommerce.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-integration-automation/n8n-nodes-integration-automation/blob/main/docs/platforms/woocommerce.md#several-stores-in-one-credential';

	properties: INodeProperties[] = storeListProperties('WooCommerce', 'woocommerce', store.properties);
}
