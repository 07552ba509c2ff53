import { bearer, withSecondStore, type PlatformDefinition } from '../definition';
import { textSetting } from '../settings';
import { MagentoCustomers } from './customers';
import { MagentoInventory } from './inventory';
import { magentoProfile } from './profile';
import { MagentoProducts } from './products';
import { magentoResources } from './resources';

export const magento: PlatformDefinition = {
	id: 'magento',
	displayName: 'Magento 2',
	searchAliases: ['Magento'],
	profile: () => magentoProfile(),
	credentials: withSecondStore({ type: 'integrationMagentoApi', baseUrlField: 'baseUrl', secretFields: ['accessToken'] }, 'integrationMagentoSecondStoreApi'),
	standaloneAuth: bearer('accessToken'),
	settings: [{ name: 'sourceCode', displayName: 'Source Code', type: 'string', default: 'default' }],
	inventory: {
		connector: (transport, settings) => new MagentoInventory(transport, textSetting(settings, 'sourceCode')),
		location: { setting: 'sourceCode', resource: 'sources', label: 'Source', placeholder: 'e.g. default' },
		pullsOrders: true,
	},
	customers: { connector: (transport) => new MagentoCustomers(transport) },
	products: { connector: (transport) => new MagentoProducts(transport) },
	resources: magentoResources,
};
