import type { InventoryFixture } from '../framework/fixtures';
import { inventoryConnector, sandboxAccount } from '../../support/standalone';
import { bigCommerceStoreHash } from './index';

export const bigcommerceInventory: InventoryFixture = {
	apiBase: (sandbox) => `${sandbox.baseUrl}/stores/${bigCommerceStoreHash}/v3`,
	seed: async (control, skus, quantity) => void (await control.seed({ items: skus.map((sku) => ({ sku, quantity })) })),
	quantity: async (control, sku) => (await control.state<Array<{ sku: string; quantity: number }>>('items')).find((entry) => entry.sku === sku)?.quantity,
	// A relative adjustment through the connector, as BigCommerce records a sale against the location.
	sell: async ({ sandbox, apiBase }, sku, quantity) => {
		const connector = await inventoryConnector({ ...sandboxAccount('bigcommerce', apiBase, sandbox.credentials), id: 'bigcommerce' });
		await connector.adjust(sku, -quantity, { reason: 'sale', reference: `test://sale/${sku}` });
	},
};
