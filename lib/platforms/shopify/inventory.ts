import type { Transport } from '../../transport/transport';
import {
	nonIdempotentWrite,
	refusedChange,
	StaleQuantityError,
	UnknownSkuError,
	type InventoryConnector,
	type StockChange,
	type StockContext,
	type StoreOrder,
} from '../inventory';

interface UserError {
	code?: string;
	field?: string[];
	message: string;
}

interface ItemNode {
	id: string;
	sku: string;
	inventoryLevel: { quantities: Array<{ name: string; quantity: number }> } | null;
}

const FIND_ITEM = `query FindInventoryItem($query: String!, $locationId: ID!) {
  inventoryItems(first: 1, query: $query) {
    nodes { id sku inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } } }
  }
}`;

const ADJUST = `mutation AdjustAvailable($input: InventoryAdjustQuantitiesInput!) {
  inventoryAdjustQuantities(input: $input) {
    inventoryAdjustmentGroup { id reason referenceDocumentUri changes { name delta quantityAfterChange } }
    userErrors { code field message }
  }
}`;

const SET = `mutation SetAvailable($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { id reason referenceDocumentUri changes { name delta quantityAfterChange } }
    userErrors { code field message }
  }
}`;

const ORDERS = `query OrdersSince($query: String, $after: String) {
  orders(first: 50, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { legacyResourceId updatedAt lineItems(first: 100) { nodes { id sku quantity } } }
  }
}`;

interface OrdersPage {
	pageInfo: { hasNextPage: boolean; endCursor: string | null };
	nodes: Array<{ legacyResourceId: string; updatedAt: string; lineItems: { nodes: Array<{ id: string; sku: string | null; quantity: number }> } }>;
}

/** Shopify's reasons (quantities-states docs) for each kind of movement. */
const REASONS: Record<StockContext['reason'], string> = {
	sale: 'other',
	refund: 'restock',
	restock: 'received',
	correction: 'correction',
};

/**
 * Shopify Admin GraphQL inventory at one location: relative adjusts with a reason and reference document, and
 * compare-and-set for absolute quantities. Item ids are looked up by SKU once per connector.
 */
export class ShopifyInventory implements InventoryConnector {
	readonly platform = 'shopify';
	readonly adjustPrimitive = 'relative' as const;
	readonly compareAndSet = true;
	private readonly itemIds = new Map<string, string>();

	constructor(
		private readonly transport: Transport,
		private readonly locationId: string,
	) {}

	async getQuantity(sku: string): Promise<number> {
		const item = await this.findItem(sku);
		return availableOf(item, sku);
	}

	async adjust(sku: string, delta: number, context: StockContext): Promise<StockChange> {
		const inventoryItemId = await this.itemId(sku);
		const input = {
			reason: REASONS[context.reason],
			name: 'available',
			referenceDocumentUri: context.reference,
			changes: [{ delta, inventoryItemId, locationId: this.locationId }],
		};
		// An adjust is not idempotent in 2025-01 (`@idempotent` arrives in 2026-01), and its reference document cannot be
		// read back (no query lists adjustment groups): a lost response must not be blindly sent again.
		const payload = await nonIdempotentWrite(() => this.mutate('inventoryAdjustQuantities', ADJUST, { input }, false));
		this.throwUserErrors(payload.userErrors, sku);
		const after = payload.inventoryAdjustmentGroup?.changes.find((change) => change.name === 'available')?.quantityAfterChange;
		if (typeof after !== 'number') throw new Error(`Shopify did not report the quantity after adjusting "${sku}"`);
		return { previous: after - delta, next: after };
	}

	async set(sku: string, quantity: number, context: StockContext & { compareQuantity?: number }): Promise<StockChange> {
		const inventoryItemId = await this.itemId(sku);
		const previous = context.compareQuantity ?? (await this.getQuantity(sku));
		const input = {
			reason: REASONS[context.reason],
			name: 'available',
			referenceDocumentUri: context.reference,
			quantities: [{ inventoryItemId, locationId: this.locationId, quantity, compareQuantity: previous }],
		};
		// Compare-and-set is safe to repeat: a second identical set finds the compare stale or the value already there.
		const payload = await this.mutate('inventorySetQuantities', SET, { input }, true);
		this.throwUserErrors(payload.userErrors, sku);
		return { previous, next: quantity };
	}

	/** Orders updated at or after `since` (`updated_at:>=` search syntax), 50 a page, oldest first. */
	async pullOrders(since: string | undefined): Promise<StoreOrder[]> {
		const orders: StoreOrder[] = [];
		let after: string | null = null;
		do {
			const body: { data: { orders: OrdersPage } } = await this.transport.request({
				method: 'POST',
				url: '/graphql.json',
				body: { query: ORDERS, variables: { query: since ? `updated_at:>='${since}'` : null, after } },
			});
			const page = body.data.orders;
			for (const order of page.nodes) {
				orders.push({
					// The REST id, as orders/create webhooks carry it: a polled order and its webhook are one order.
					orderId: order.legacyResourceId,
					modifiedAt: order.updatedAt,
					lines: order.lineItems.nodes
						.filter((line) => line.sku)
						.map((line) => ({ lineId: line.id.replace('gid://shopify/LineItem/', ''), sku: line.sku as string, quantity: line.quantity })),
				});
			}
			after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
		} while (after);
		return orders;
	}

	private async itemId(sku: string): Promise<string> {
		const known = this.itemIds.get(sku);
		if (known) return known;
		return (await this.findItem(sku)).id;
	}

	private async findItem(sku: string): Promise<ItemNode> {
		const body = await this.transport.request<{ data: { inventoryItems: { nodes: ItemNode[] } } }>({
			method: 'POST',
			url: '/graphql.json',
			body: { query: FIND_ITEM, variables: { query: `sku:${JSON.stringify(sku)}`, locationId: this.locationId } },
		});
		const item = body.data.inventoryItems.nodes.find((node) => node.sku === sku);
		if (!item) throw new UnknownSkuError(this.platform, sku);
		this.itemIds.set(sku, item.id);
		return item;
	}

	private async mutate(
		field: string,
		query: string,
		variables: Record<string, unknown>,
		replaySafe: boolean,
	): Promise<{ inventoryAdjustmentGroup: { changes: Array<{ name: string; quantityAfterChange: number | null }> } | null; userErrors: UserError[] }> {
		const body = await this.transport.request<{ data: Record<string, never> }>(
			{ method: 'POST', url: '/graphql.json', body: { query, variables } },
			{ replaySafe },
		);
		return body.data[field];
	}

	private throwUserErrors(userErrors: UserError[], sku: string): void {
		const first = userErrors[0];
		if (!first) return;
		if (first.code === 'COMPARE_QUANTITY_STALE') throw new StaleQuantityError(this.platform, sku);
		if (first.code === 'INVALID_INVENTORY_ITEM' || first.code === 'ITEM_NOT_STOCKED_AT_LOCATION') {
			this.itemIds.delete(sku);
			throw new UnknownSkuError(this.platform, sku);
		}
		throw refusedChange(this.platform, `Shopify refused the change of "${sku}": ${first.message}`, first.code);
	}
}

function availableOf(item: ItemNode, sku: string): number {
	const available = item.inventoryLevel?.quantities.find((entry) => entry.name === 'available');
	if (!available) throw new UnknownSkuError('shopify', sku);
	return available.quantity;
}
