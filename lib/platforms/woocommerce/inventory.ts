import type { Transport } from '../../transport/transport';
import {
	plainSet,
	readModifyWrite,
	UnknownSkuError,
	type AdjustContext,
	type InventoryConnector,
	type StockChange,
	type StockContext,
	type StockReading,
	type StoreOrder,
} from '../inventory';

interface WooProduct {
	id: number;
	sku: string;
	type?: string;
	parent_id?: number;
	manage_stock: boolean | 'parent';
	stock_quantity: number | null;
	meta_data?: Array<{ id?: number; key: string; value: unknown }>;
}

/** The product meta key that carries the reference of the last stock change this package wrote, in the same PUT. */
export const CHANGE_MARKER_KEY = 'inventory_fanout_change';

interface WooOrder {
	id: number;
	date_modified_gmt: string;
	line_items: Array<{ id: number; sku: string; quantity: number }>;
}

/**
 * WooCommerce REST v3: `stock_quantity` is set by a plain PUT, with no adjust and no compare. Adjusts are a
 * read-modify-write verified by reading back; the engine serialises our writers per store and SKU. Each write carries
 * the change's reference in the product's meta_data, so a change whose answer was lost is told landed by its marker.
 */
export class WooCommerceInventory implements InventoryConnector {
	readonly platform = 'woocommerce';
	readonly adjustPrimitive = 'read_modify_write' as const;
	readonly compareAndSet = false;
	private readonly paths = new Map<string, string>();

	constructor(private readonly transport: Transport) {}

	async getQuantity(sku: string): Promise<number> {
		return (await this.readMarked(sku)).quantity;
	}

	async readMarked(sku: string): Promise<StockReading> {
		const product = await this.transport.request<WooProduct>({ method: 'GET', url: await this.stockPath(sku) });
		if (product.manage_stock !== true || product.stock_quantity === null) throw new UnknownSkuError(this.platform, `${sku} (stock not managed)`);
		const marker = product.meta_data?.find((entry) => entry.key === CHANGE_MARKER_KEY)?.value;
		return { quantity: product.stock_quantity, marker: typeof marker === 'string' ? marker : undefined };
	}

	adjust(sku: string, delta: number, context: AdjustContext): Promise<StockChange> {
		return readModifyWrite(this, sku, delta, (quantity) => this.write(sku, quantity, context.reference), context.previous);
	}

	set(sku: string, quantity: number, context: StockContext & { compareQuantity?: number }): Promise<StockChange> {
		return plainSet(this, sku, quantity, context.compareQuantity, (next) => this.write(sku, next, context.reference));
	}

	/** `GET /orders?modified_after=` (exclusive, second precision: asked from one second earlier), paged by X-WP-TotalPages. */
	async pullOrders(since: string | undefined): Promise<StoreOrder[]> {
		const after = since === undefined ? undefined : new Date(Date.parse(since) - 1000).toISOString().slice(0, 19);
		const orders: StoreOrder[] = [];
		for (let page = 1; ; page++) {
			const response = await this.transport.send({ method: 'GET', url: '/orders', qs: { modified_after: after, per_page: 100, page, orderby: 'modified', order: 'asc' } });
			for (const order of response.body as WooOrder[]) {
				orders.push({
					orderId: String(order.id),
					modifiedAt: `${order.date_modified_gmt}Z`,
					lines: order.line_items.filter((line) => line.sku).map((line) => ({ lineId: String(line.id), sku: line.sku, quantity: line.quantity })),
				});
			}
			if (page >= Number(response.headers['x-wp-totalpages'] ?? 1)) break;
		}
		return orders.sort((a, b) => a.modifiedAt.localeCompare(b.modifiedAt));
	}

	private async write(sku: string, quantity: number, reference: string): Promise<void> {
		const body = { stock_quantity: quantity, meta_data: [{ key: CHANGE_MARKER_KEY, value: reference }] };
		await this.transport.request({ method: 'PUT', url: await this.stockPath(sku), body });
	}

	/**
	 * Where a SKU's stock lives, remembered per connector: `GET /products?sku=` finds products and variations alike
	 * (WooCommerce widens the search to variations when filtering by SKU); a variation is written under its parent.
	 */
	private async stockPath(sku: string): Promise<string> {
		const known = this.paths.get(sku);
		if (known) return known;
		const found = await this.transport.request<WooProduct[]>({ method: 'GET', url: '/products', qs: { sku, per_page: 1 } });
		const product = found.find((candidate) => candidate.sku === sku);
		if (!product) throw new UnknownSkuError(this.platform, sku);
		const path = product.type === 'variation' && product.parent_id ? `/products/${product.parent_id}/variations/${product.id}` : `/products/${product.id}`;
		this.paths.set(sku, path);
		return path;
	}
}
