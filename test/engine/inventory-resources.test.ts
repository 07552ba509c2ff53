/**
 * What Inventory Fan-out's location pickers list, read from the commerce sandboxes through each store's transport:
 * Shopify's locations (Admin GraphQL, the gid the inventory calls take), BigCommerce's inventory locations and
 * Magento's MSI sources, by name and searchable; and a picked location is the one the connector changes stock at.
 */
import { connectStandalone, platformDefinition } from '../../lib/platforms/catalog';
import type { ResourceOption } from '../../lib/platforms/resources';
import { parseSettings } from '../../lib/platforms/settings';
import { Transport } from '../../lib/transport';
import { startCommerceSandboxes, type CommerceSandboxes } from '../support/inventoryStores';

let commerce: CommerceSandboxes;

beforeAll(async () => {
	commerce = await startCommerceSandboxes({ rateLimits: false });
});
afterAll(() => commerce.close());

function transportFor(platform: string): Transport {
	const store = commerce.stores.find((entry) => entry.platform === platform)!;
	const { client, baseUrl } = connectStandalone(platform, { ...store.settings, baseUrl: store.baseUrl });
	return new Transport({ profile: platformDefinition(platform).profile(), client, baseUrl, accountKey: store.id });
}

async function list(platform: string, filter?: string): Promise<ResourceOption[]> {
	const location = platformDefinition(platform).inventory!.location!;
	const page = await platformDefinition(platform).resources![location.resource](transportFor(platform), { filter });
	expect(page.next).toBeUndefined();
	return page.options;
}

test('each store lists its locations with the id its inventory calls take', async () => {
	expect(await list('shopify')).toEqual([{ id: 'gid://shopify/Location/1', name: 'Sandbox warehouse' }]);
	expect(await list('bigcommerce')).toEqual([{ id: '1', name: 'Default location' }]);
	expect(await list('magento')).toEqual([{ id: 'default', name: 'Default Source' }]);
	expect(platformDefinition('woocommerce').inventory!.location).toBeUndefined();
});

test('the search box is the vendor search (Shopify, Magento) or a name filter (BigCommerce)', async () => {
	expect(await list('shopify', 'ware')).toHaveLength(1);
	expect(await list('shopify', 'nowhere')).toEqual([]);
	expect(await list('magento', 'Default')).toHaveLength(1);
	expect(await list('magento', 'nowhere')).toEqual([]);
	expect(await list('bigcommerce', 'nowhere')).toEqual([]);
});

test('a picked location is where the connector changes stock, and a location the store lacks is refused', async () => {
	await commerce.seed(['SKU-LOC'], 10);
	const connector = (settings: Record<string, unknown>) => {
		const store = commerce.stores.find((entry) => entry.platform === 'bigcommerce')!;
		return platformDefinition('bigcommerce').inventory!.connector(transportFor('bigcommerce'), parseSettings(platformDefinition('bigcommerce'), { ...store.settings, baseUrl: store.baseUrl, ...settings }));
	};
	const [picked] = await list('bigcommerce');
	await connector({ locationId: picked.id }).adjust('SKU-LOC', -2, { reason: 'correction', reference: 'test://loc' });
	expect((await commerce.quantities('SKU-LOC')).bigcommerce).toBe(8);
	await expect(connector({ locationId: '999' }).adjust('SKU-LOC', -1, { reason: 'correction', reference: 'test://loc2' })).rejects.toThrow();
	expect((await commerce.quantities('SKU-LOC')).bigcommerce).toBe(8);
});
