import { IntegrationBigCommerceApi } from './IntegrationBigCommerceApi.credentials';

/**
 * A second BigCommerce store on the same node: the same fields and authentication as the first store's credential, under a
 * type of its own, because n8n gives a node one credential of each type.
 */
export class IntegrationBigCommerceSecondStoreApi extends IntegrationBigCommerceApi {
	name = 'integrationBigCommerceSecondStoreApi';

	displayName = 'BigCommerce Second Store (Integration Automation) API';
}
