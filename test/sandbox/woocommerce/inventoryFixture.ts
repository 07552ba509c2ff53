import type { InventoryFixture } from '../framework/fixtures';

export const woocommerceInventory: InventoryFixture = {
	apiBase: (sandbox) => `${sandbox.baseUrl}/wp-json/wc/v3`,
	seed: async (control, skus, quantity) => void (await control.seed({ products: skus.map((sku) => ({ sku, stock_quantity: quantity })) })),
	quantity: async (control, sku) => (await control.state<Array<{ sku: string; stock_quantity: number }>>('products')).find((entry) => entry.sku === sku)?.stock_quantity,
	// An order through the REST API, as the store's checkout takes the units off.
	sell: async ({ sandbox, apiBase }, sku, quantity) => {
		const { consumerKey, consumerSecret } = sandbox.credentials;
		const response = await fetch(`${apiBase}/orders`, {
			method: 'POST',
			headers: { authorization: `Basic ${Buffer.from(`${consumerKey}:${consumerSecret}`).toString('base64')}`, 'content-type': 'application/json' },
			body: JSON.stringify({ line_items: [{ sku, quantity }] }),
		});
		if (response.status !== 201) throw new Error(`woocommerce refused the sale: ${response.status} ${await response.text()}`);
	},
};
