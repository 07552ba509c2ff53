import { withSecondStore, type PlatformDefinition } from '../definition';
import { textSetting } from '../settings';
import { ShopifyCustomers } from './customers';
import { ShopifyInventory } from './inventory';
import { shopifyOrderWebhooks } from './orderWebhooks';
import { shopifyProfile } from './profile';
import { ShopifyProducts } from './products';
import { shopifyResources } from './resources';

export const shopify: PlatformDefinition = {
	id: 'shopify',
	displayName: 'Shopify',
	profile: () => shopifyProfile(),
	credentials: withSecondStore({ type: 'integrationShopifyApi', baseUrlField: 'baseUrl', secretFields: ['accessToken', 'webhookSecret'] }, 'integrationShopifySecondStoreApi'),
	standaloneAuth: { kind: 'headers', headers: { 'X-Shopify-Access-Token': '{accessToken}' } },
	settings: [{ name: 'locationId', displayName: 'Location ID', type: 'string' }],
	inventory: {
		connector: (transport, settings) => new ShopifyInventory(transport, textSetting(settings, 'locationId')),
		location: { setting: 'locationId', resource: 'locations', label: 'Location', placeholder: 'e.g. gid://shopify/Location/1' },
		pullsOrders: true,
	},
	products: { connector: (transport) => new ShopifyProducts(transport) },
	customers: { connector: (transport) => new ShopifyCustomers(transport) },
	resources: shopifyResources,
	orderWebhooks: shopifyOrderWebhooks,
};
