import { withSecondStore, type PlatformDefinition } from '../definition';
import { BigCommerceCustomers } from './customers';
import { integerSetting } from '../settings';
import { BigCommerceInventory } from './inventory';
import { bigCommerceOrderWebhooks } from './orderWebhooks';
import { bigCommerceProfile } from './profile';
import { BigCommerceProducts } from './products';
import { bigCommerceResources } from './resources';

export const bigcommerce: PlatformDefinition = {
	id: 'bigcommerce',
	displayName: 'BigCommerce',
	profile: () => bigCommerceProfile(),
	credentials: withSecondStore({ type: 'integrationBigCommerceApi', baseUrlField: 'baseUrl', secretFields: ['accessToken'] }, 'integrationBigCommerceSecondStoreApi'),
	standaloneAuth: { kind: 'headers', headers: { 'X-Auth-Token': '{accessToken}' } },
	settings: [{ name: 'locationId', displayName: 'Location ID', type: 'integer', default: 1 }],
	inventory: {
		connector: (transport, settings) => new BigCommerceInventory(transport, integerSetting(settings, 'locationId'), settings.baseUrl),
		location: { setting: 'locationId', resource: 'locations', label: 'Location', placeholder: 'e.g. 1' },
		pullsOrders: true,
	},
	customers: { connector: (transport) => new BigCommerceCustomers(transport) },
	products: { connector: (transport) => new BigCommerceProducts(transport) },
	resources: bigCommerceResources,
	orderWebhooks: bigCommerceOrderWebhooks,
};
