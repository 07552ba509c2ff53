import type { Transport } from '../../transport/transport';
import { nonIdempotentWrite, UnknownSkuError, type InventoryConnector, type StockChange, type StockContext } from '../inventory';

interface LocationItem {
	identity: { sku: string; variant_id?: number; product_id?: number };
	available_to_sell: number;
	total_inventory_onhand: number;
}

/** BigCommerce v3 inventory at one location: relative adjustments for deltas, absolute adjustments for sets. */
export class BigCommerceInventory implements InventoryConnector {
	readonly platform = 'bigcommerce';
	readonly adjustPrimitive = 'relative' as const;
	readonly compareAndSet = false;

	constructor(
		private readonly transport: Transport,
		private readonly locationId: number,
	) {}

	async getQuantity(sku: string): Promise<number> {
		const body = await this.transport.request<{ data: LocationItem[] }>({
			method: 'GET',
			url: `/inventory/locations/${this.locationId}/items`,
			qs: { 'sku:in': sku },
		});
		const item = body.data.find((candidate) => candidate.identity.sku === sku);
		if (!item) throw new UnknownSkuError(this.platform, sku);
		return item.total_inventory_onhand;
	}

	/** The adjustment answers only a transaction id, so the quantity is read first (the engine serialises our writers). */
	async adjust(sku: string, delta: number, context: StockContext): Promise<StockChange> {
		const previous = await this.getQuantity(sku);
		// A relative adjustment is not idempotent: a lost response must not be blindly sent again.
		await nonIdempotentWrite(() =>
			this.transport.request(
				{ method: 'POST', url: '/inventory/adjustments/relative', body: this.adjustment(sku, delta, context) },
				{ replaySafe: false },
			),
		);
		return { previous, next: previous + delta };
	}

	async set(sku: string, quantity: number, context: StockContext & { compareQuantity?: number }): Promise<StockChange> {
		const previous = context.compareQuantity ?? (await this.getQuantity(sku));
		await this.transport.request({ method: 'PUT', url: '/inventory/adjustments/absolute', body: this.adjustment(sku, quantity, context) });
		return { previous, next: quantity };
	}

	private adjustment(sku: string, quantity: number, context: StockContext) {
		return { reason: `${context.reason} ${context.reference}`, items: [{ location_id: this.locationId, sku, quantity }] };
	}
}
