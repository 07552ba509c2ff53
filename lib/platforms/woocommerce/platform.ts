import { withSecondStore, type PlatformDefinition } from '../definition';
import { WooCommerceCustomers } from './customers';
import { WooCommerceInventory } from './inventory';
import { wooCommerceOrderWebhooks } from './orderWebhooks';
import { wooCommerceProfile } from './profile';
import { WooCommerceProducts } from './products';

export const woocommerce: PlatformDefinition = {
	id: 'woocommerce',
	displayName: 'WooCommerce',
	profile: () => wooCommerceProfile(),
	credentials: withSecondStore({ type: 'integrationWooCommerceApi', baseUrlField: 'baseUrl', secretFields: ['consumerKey', 'consumerSecret', 'webhookSecret'] }, 'integrationWooCommerceSecondStoreApi'),
	standaloneAuth: { kind: 'basic', user: '{consumerKey}', password: '{consumerSecret}' },
	inventory: { connector: (transport) => new WooCommerceInventory(transport), pullsOrders: true },
	customers: { connector: (transport) => new WooCommerceCustomers(transport) },
	products: { connector: (transport) => new WooCommerceProducts(transport) },
	orderWebhooks: wooCommerceOrderWebhooks,
};
