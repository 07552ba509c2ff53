import type { Transport } from '../../transport/transport';
import { readModifyWrite, UnknownSkuError, type InventoryConnector, type StockChange, type StockContext } from '../inventory';

interface WooProduct {
	id: number;
	sku: string;
	type?: string;
	parent_id?: number;
	manage_stock: boolean | 'parent';
	stock_quantity: number | null;
}

/**
 * WooCommerce REST v3: `stock_quantity` is set by a plain PUT, with no adjust and no compare. Adjusts are a
 * read-modify-write verified by reading back; the engine serialises our writers per store and SKU.
 */
export class WooCommerceInventory implements InventoryConnector {
	readonly platform = 'woocommerce';
	readonly adjustPrimitive = 'read_modify_write' as const;
	readonly compareAndSet = false;
	private readonly paths = new Map<string, string>();

	constructor(private readonly transport: Transport) {}

	async getQuantity(sku: string): Promise<number> {
		const product = await this.transport.request<WooProduct>({ method: 'GET', url: await this.stockPath(sku) });
		if (product.manage_stock !== true || product.stock_quantity === null) throw new UnknownSkuError(this.platform, `${sku} (stock not managed)`);
		return product.stock_quantity;
	}

	adjust(sku: string, delta: number): Promise<StockChange> {
		return readModifyWrite(this, sku, delta, (quantity) => this.write(sku, quantity));
	}

	async set(sku: string, quantity: number, context: StockContext & { compareQuantity?: number }): Promise<StockChange> {
		const previous = context.compareQuantity ?? (await this.getQuantity(sku));
		await this.write(sku, quantity);
		return { previous, next: quantity };
	}

	private async write(sku: string, quantity: number): Promise<void> {
		await this.transport.request({ method: 'PUT', url: await this.stockPath(sku), body: { stock_quantity: quantity } });
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
