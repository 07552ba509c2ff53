import { IntegrationShopifyApi } from './IntegrationShopifyApi.credentials';

/**
 * A second Shopify store on the same node: the same fields and authentication as the first store's credential, under a
 * type of its own, because n8n gives a node one credential of each type.
 */
export class IntegrationShopifySecondStoreApi extends IntegrationShopifyApi {
	name = 'integrationShopifySecondStoreApi';

	displayName = 'Shopify Second Store (Integration Automation) API';
}
