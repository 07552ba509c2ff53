/** What changes stock: movements, and the orders whose lines become movements. */
import type { StockReason } from '../platforms/inventory';

/** One order line (a sale) or an explicit movement. `quantity` is in units: positive, except a correction's signed delta. */
export interface StockMovement {
	orderId: string;
	lineId: string;
	sku: string;
	quantity: number;
	kind?: StockReason;
	/** The store where the order was placed: its stock already changed, so it is skipped. */
	sourceStore?: string;
}

/** An order webhook reduced to what the fan-out needs. */
export interface OrderEvent {
	orderId: string;
	sourceStore: string;
	/** The vendor's delivery id (X-Shopify-Webhook-Id, X-WC-Webhook-Delivery-ID), to drop repeated deliveries. */
	deliveryId?: string;
	lines: Array<{ lineId: string; sku: string; quantity: number }>;
	/** The buyer's email (Shopify `email`, WooCommerce `billing.email`), when the order has one. */
	customerEmail?: string;
	/** The order total as the vendor sends it, a decimal string in major units (Shopify `total_price`, WooCommerce `total`). */
	total?: string;
	/** When the order was placed, ISO 8601 UTC (Shopify `created_at`, WooCommerce `date_created_gmt`). */
	createdAt?: string;
}

/**
 * The movements of an order (one per line). An order from a store is namespaced by it, so order numbers of two stores
 * never collide; a movement without a source store (a restock, a count) reaches every store.
 */
export function orderMovements(order: OrderEvent, kind: StockMovement['kind'] = 'sale'): StockMovement[] {
	const source = order.sourceStore || undefined;
	return order.lines.map((line) => ({
		orderId: source ? `${source}:${order.orderId}` : order.orderId,
		lineId: line.lineId,
		sku: line.sku,
		quantity: line.quantity,
		kind,
		sourceStore: source,
	}));
}
