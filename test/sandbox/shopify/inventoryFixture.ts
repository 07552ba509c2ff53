import type { InventoryFixture } from '../framework/fixtures';
import type { RunningSandbox } from '../registry';
import { shopifyApiVersion } from './index';

export const shopifyInventory: InventoryFixture = {
	apiBase: (sandbox) => `${sandbox.baseUrl}/admin/api/${shopifyApiVersion}`,
	seed: async (control, skus, quantity) => void (await control.seed({ inventory: skus.map((sku) => ({ sku, available: quantity })) })),
	quantity: async (control, sku) => (await control.state<Array<{ sku: string; available: number }>>('inventory')).find((entry) => entry.sku === sku)?.available,
	// An order through the Admin API, as the store's checkout takes the units off.
	sell: async ({ sandbox, apiBase }, sku, quantity) => {
		const response = await fetch(`${apiBase}/orders.json`, {
			method: 'POST',
			headers: { 'X-Shopify-Access-Token': sandbox.credentials.accessToken, 'content-type': 'application/json' },
			body: JSON.stringify({ order: { line_items: [{ sku, quantity }] } }),
		});
		if (response.status !== 201) throw new Error(`shopify refused the sale: ${response.status} ${await response.text()}`);
	},
};

/** One Shopify sandbox as an entry of a Shopify Stores list credential, under its label. */
export function shopifyStoreEntry(label: string, sandbox: RunningSandbox, overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		label,
		accessToken: sandbox.credentials.accessToken,
		baseUrl: shopifyInventory.apiBase(sandbox),
		locationId: sandbox.credentials.locationId,
		webhookSecret: sandbox.credentials.webhookSecret,
		...overrides,
	};
}
