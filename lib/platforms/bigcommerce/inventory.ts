import type { Transport } from '../../transport/transport';
import { nonIdempotentWrite, UnknownSkuError, type AdjustContext, type InventoryConnector, type StockChange, type StockContext, type StoreOrder } from '../inventory';

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

	/** Orders live in the v2 API beside the v3 root (`…/stores/{hash}/v2`). */
	private readonly ordersUrl: string | undefined;

	constructor(
		private readonly transport: Transport,
		private readonly locationId: number,
		v3BaseUrl?: string,
	) {
		this.ordersUrl = v3BaseUrl ? `${v3BaseUrl.replace(/\/v3\/?$/, '')}/v2/orders` : undefined;
	}

	/** v2 orders modified at or after `since` (`min_date_modified`, 250 a page; 204 when none), then each order's products. */
	async pullOrders(since: string | undefined): Promise<StoreOrder[]> {
		const ordersUrl = this.ordersUrl;
		if (!ordersUrl) throw new Error('BigCommerce order polling needs the API URL');
		const orders: StoreOrder[] = [];
		for (let page = 1; ; page++) {
			const response = await this.transport.send({ method: 'GET', url: ordersUrl, qs: { min_date_modified: since, page, limit: 250 } });
			const list = response.status === 204 || !Array.isArray(response.body) ? [] : (response.body as Array<{ id: number; date_modified: string }>);
			for (const order of list) {
				const products = await this.transport.request<Array<{ id: number; sku: string; quantity: number }>>({ method: 'GET', url: `${ordersUrl}/${order.id}/products` });
				orders.push({
					orderId: String(order.id),
					modifiedAt: new Date(order.date_modified).toISOString(),
					lines: products.filter((line) => line.sku).map((line) => ({ lineId: String(line.id), sku: line.sku, quantity: line.quantity })),
				});
			}
			if (list.length < 250) break;
		}
		return orders.sort((a, b) => a.modifiedAt.localeCompare(b.modifiedAt));
	}

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

	/**
	 * The adjustment answers only a transaction id, so the quantity is read first unless the engine just read it (it
	 * serialises our writers). BigCommerce keeps the reason but offers no way to read an adjustment back.
	 */
	async adjust(sku: string, delta: number, context: AdjustContext): Promise<StockChange> {
		const previous = context.previous ?? (await this.getQuantity(sku));
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
