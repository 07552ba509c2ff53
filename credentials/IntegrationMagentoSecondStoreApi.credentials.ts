import { IntegrationMagentoApi } from './IntegrationMagentoApi.credentials';

/**
 * A second Magento 2 store on the same node: the same fields and authentication as the first store's credential, under a
 * type of its own, because n8n gives a node one credential of each type.
 */
export class IntegrationMagentoSecondStoreApi extends IntegrationMagentoApi {
	name = 'integrationMagentoSecondStoreApi';

	displayName = 'Magento 2 Second Store (Integration Automation) API';
}
