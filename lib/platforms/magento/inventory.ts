import type { Transport } from '../../transport/transport';
import { updatedSincePage } from './search';
import { fromMagentoTime } from './times';
import { plainSet, readModifyWrite, UnknownSkuError, type AdjustContext, type InventoryConnector, type StockChange, type StockContext, type StoreOrder } from '../inventory';

interface SourceItem {
	sku: string;
	source_code: string;
	quantity: number;
	status: number;
}

interface MagentoOrder {
	entity_id: number;
	increment_id?: string;
	created_at?: string;
	updated_at: string;
	customer_email?: string;
	grand_total?: number;
	order_currency_code?: string;
	items: Array<{ item_id: number; sku: string; qty_ordered: number; parent_item_id?: number }>;
}

/** Magento's REST times: `YYYY-MM-DD HH:MM:SS`, UTC. */

/**
 * Magento 2 MSI source items: an absolute set keyed by SKU and source code, found with search criteria. No relative
 * adjust and no compare: adjusts are a read-modify-write verified by reading back, serialised by the engine. A source
 * item has nothing to carry a marker (its extension attributes are empty), so a change is told landed by its quantity.
 */
export class MagentoInventory implements InventoryConnector {
	readonly platform = 'magento';
	readonly adjustPrimitive = 'read_modify_write' as const;
	readonly compareAndSet = false;

	constructor(
		private readonly transport: Transport,
		private readonly sourceCode: string,
	) {}

	async getQuantity(sku: string): Promise<number> {
		const body = await this.transport.request<{ items: SourceItem[]; total_count: number }>({
			method: 'GET',
			url: '/V1/inventory/source-items',
			qs: {
				'searchCriteria[filter_groups][0][filters][0][field]': 'sku',
				'searchCriteria[filter_groups][0][filters][0][value]': sku,
				'searchCriteria[filter_groups][0][filters][0][condition_type]': 'eq',
				'searchCriteria[filter_groups][1][filters][0][field]': 'source_code',
				'searchCriteria[filter_groups][1][filters][0][value]': this.sourceCode,
				'searchCriteria[filter_groups][1][filters][0][condition_type]': 'eq',
				'searchCriteria[pageSize]': 1,
			},
		});
		const item = body.items.find((candidate) => candidate.sku === sku && candidate.source_code === this.sourceCode);
		if (!item) throw new UnknownSkuError(this.platform, sku);
		return item.quantity;
	}

	adjust(sku: string, delta: number, context: AdjustContext): Promise<StockChange> {
		return readModifyWrite(this, sku, delta, (quantity) => this.write(sku, quantity), context.previous);
	}

	set(sku: string, quantity: number, context: StockContext & { compareQuantity?: number }): Promise<StockChange> {
		return plainSet(this, sku, quantity, context.compareQuantity, (next) => this.write(sku, next));
	}

	/** `GET /V1/orders` with `updated_at gteq` search criteria, 100 a page; child items of configurables are skipped. */
	async pullOrders(since: string | undefined): Promise<StoreOrder[]> {
		const orders: StoreOrder[] = [];
		for (let page = 1; ; page++) {
			const body = await this.searchOrders(updatedSincePage(since, page, 100, 'updated_at'));
			orders.push(...body.items.map(storeOrder));
			if (page * 100 >= body.total_count) break;
		}
		return orders;
	}

	/** One page sorted by `updated_at` descending, turned oldest first. */
	async latestOrders(limit: number): Promise<StoreOrder[]> {
		const body = await this.searchOrders({
			'searchCriteria[sortOrders][0][field]': 'updated_at',
			'searchCriteria[sortOrders][0][direction]': 'DESC',
			'searchCriteria[pageSize]': limit,
			'searchCriteria[currentPage]': 1,
		});
		return body.items.slice(0, limit).map(storeOrder).reverse();
	}

	private searchOrders(qs: Record<string, string | number>): Promise<{ items: MagentoOrder[]; total_count: number }> {
		return this.transport.request<{ items: MagentoOrder[]; total_count: number }>({ method: 'GET', url: '/V1/orders', qs });
	}

	private async write(sku: string, quantity: number): Promise<void> {
		const sourceItems = [{ sku, source_code: this.sourceCode, quantity, status: quantity > 0 ? 1 : 0 }];
		await this.transport.request({ method: 'POST', url: '/V1/inventory/source-items', body: { sourceItems } });
	}
}

function storeOrder(order: MagentoOrder): StoreOrder {
	return {
		orderId: order.increment_id ?? String(order.entity_id),
		modifiedAt: fromMagentoTime(order.updated_at),
		lines: order.items
			.filter((item) => !item.parent_item_id)
			.map((item) => ({ lineId: String(item.item_id), sku: item.sku, quantity: Number(item.qty_ordered) })),
		...(order.created_at ? { createdAt: fromMagentoTime(order.created_at) } : {}),
		...(order.customer_email ? { customerEmail: order.customer_email } : {}),
		...(typeof order.grand_total === 'number' ? { total: String(order.grand_total) } : {}),
		...(order.order_currency_code ? { currency: order.order_currency_code } : {}),
		raw: order as unknown as Record<string, unknown>,
	};
}
