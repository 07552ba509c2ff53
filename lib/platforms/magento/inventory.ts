import type { Transport } from '../../transport/transport';
import { readModifyWrite, UnknownSkuError, type InventoryConnector, type StockChange, type StockContext } from '../inventory';

interface SourceItem {
	sku: string;
	source_code: string;
	quantity: number;
	status: number;
}

/**
 * Magento 2 MSI source items: an absolute set keyed by SKU and source code, found with search criteria. No relative
 * adjust and no compare: adjusts are a read-modify-write verified by reading back, serialised by the engine.
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

	adjust(sku: string, delta: number): Promise<StockChange> {
		return readModifyWrite(this, sku, delta, (quantity) => this.write(sku, quantity));
	}

	async set(sku: string, quantity: number, context: StockContext & { compareQuantity?: number }): Promise<StockChange> {
		const previous = context.compareQuantity ?? (await this.getQuantity(sku));
		await this.write(sku, quantity);
		return { previous, next: quantity };
	}

	private async write(sku: string, quantity: number): Promise<void> {
		const sourceItems = [{ sku, source_code: this.sourceCode, quantity, status: quantity > 0 ? 1 : 0 }];
		await this.transport.request({ method: 'POST', url: '/V1/inventory/source-items', body: { sourceItems } });
	}
}
