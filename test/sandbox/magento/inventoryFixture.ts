import type { InventoryFixture } from '../framework/fixtures';

export const magentoInventory: InventoryFixture = {
	apiBase: (sandbox) => `${sandbox.baseUrl}/rest/default`,
	seed: async (control, skus, quantity) => void (await control.seed({ sourceItems: skus.map((sku) => ({ sku, quantity })) })),
	quantity: async (control, sku) => (await control.state<Array<{ sku: string; quantity: number }>>('sourceItems')).find((entry) => entry.sku === sku)?.quantity,
	// A Magento order takes the units off its source.
	sell: async ({ control }, sku, quantity) => void (await control.seed({ orders: [{ items: [{ sku, qty: quantity }] }] })),
};
