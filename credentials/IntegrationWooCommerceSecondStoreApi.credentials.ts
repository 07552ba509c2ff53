import { IntegrationWooCommerceApi } from './IntegrationWooCommerceApi.credentials';

/**
 * A second WooCommerce store on the same node: the same fields and authentication as the first store's credential, under a
 * type of its own, because n8n gives a node one credential of each type.
 */
export class IntegrationWooCommerceSecondStoreApi extends IntegrationWooCommerceApi {
	name = 'integrationWooCommerceSecondStoreApi';

	displayName = 'WooCommerce Second Store (Integration Automation) API';
}
