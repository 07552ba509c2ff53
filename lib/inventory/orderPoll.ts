import { platformCatalog } from '../platforms/catalog';
import type { PlatformDefinition } from '../platforms/definition';
import type { InventoryConnector, StoreOrder } from '../platforms/inventory';

/**
 * Where an order poll stopped: the latest modification time seen, and the orders seen at exactly that time. A store's
 * filter is "modified at or after", so the next poll reads those orders again; their ids tell them from orders that
 * changed in the same second after the poll.
 */
export interface OrderPollCursor {
	/** ISO 8601, UTC. */
	since: string;
	/** `orderId`s modified at `since`, already emitted. */
	seenAtSince: string[];
}

/** Where the first poll starts: a time, or the beginning (every order the store holds). */
export type OrderPollStart = { from: 'beginning' } | { from: 'time'; at: Date };

export interface OrderPollResult {
	/** Orders not emitted before, oldest first: each (order, modification time) once. */
	orders: StoreOrder[];
	/** The cursor to keep for the next poll (unchanged when nothing new came). */
	cursor: OrderPollCursor | undefined;
}

/** The stores whose orders are read by polling: their connector pulls orders and the package registers no order webhooks with them. */
export function orderPollPlatforms(): PlatformDefinition[] {
	return platformCatalog.filter((definition) => definition.inventory?.pullsOrders === true && definition.orderWebhooks === undefined);
}

/** The orders a store modified since the cursor (or the start, on the first poll), each (order, modification time) once. */
export async function pollStoreOrders(connector: InventoryConnector, cursor: OrderPollCursor | undefined, start: OrderPollStart): Promise<OrderPollResult> {
	if (!connector.pullOrders) throw new Error(`${connector.platform} cannot be polled for orders`);
	// Stores keep whole seconds: an order in the start's second counts as after it.
	const since = cursor?.since ?? (start.from === 'time' ? new Date(Math.floor(start.at.getTime() / 1000) * 1000).toISOString() : undefined);
	return newOrders(await connector.pullOrders(since), cursor ?? (since === undefined ? undefined : { since, seenAtSince: [] }));
}

/**
 * Drops the orders already emitted (modified before the cursor, or at it with an id seen there) and moves the cursor to
 * the latest modification time, keeping every id seen at that time.
 */
export function newOrders(pulled: StoreOrder[], cursor: OrderPollCursor | undefined): OrderPollResult {
	const seen = new Set(cursor?.seenAtSince ?? []);
	const at = (order: StoreOrder) => Date.parse(order.modifiedAt);
	const sinceMs = cursor ? Date.parse(cursor.since) : -Infinity;
	const orders = pulled.filter((order) => at(order) > sinceMs || (at(order) === sinceMs && !seen.has(order.orderId))).sort((a, b) => at(a) - at(b));
	if (orders.length === 0) return { orders, cursor };
	const latest = orders[orders.length - 1].modifiedAt;
	const latestMs = Date.parse(latest);
	const atLatest = orders.filter((order) => at(order) === latestMs).map((order) => order.orderId);
	const kept = latestMs === sinceMs ? [...seen, ...atLatest] : atLatest;
	return { orders, cursor: { since: latest, seenAtSince: [...new Set(kept)] } };
}

/** One store an order poll reads: its id (`magento@eu` in a list, else its platform) and its connector. */
export interface PolledOrderStore {
	id: string;
	connector: InventoryConnector;
}

/** What a poll of several stores found: the new orders with their store's id, each store's cursor, and the stores it could not read. */
export interface StoresPollResult {
	orders: Array<{ store: string; order: StoreOrder }>;
	/** Every store's cursor to keep: moved for the stores read, as it was for the others. */
	cursors: Record<string, OrderPollCursor>;
	failed: Array<{ store: string; error: Error }>;
}

/**
 * Polls every store with a cursor of its own (each store has its own clock and order ids), so each new order of each
 * store is emitted once. A store that cannot be read keeps its cursor, so its orders come on a later poll, and is
 * reported beside the others' orders; when no store can be read, the poll fails with the first store's error.
 */
export async function pollStores(stores: readonly PolledOrderStore[], cursors: Readonly<Record<string, unknown>>, start: OrderPollStart): Promise<StoresPollResult> {
	const result: StoresPollResult = { orders: [], cursors: {}, failed: [] };
	for (const { id, connector } of stores) {
		const kept = readOrderPollCursor(cursors[id]);
		if (kept) result.cursors[id] = kept;
		try {
			const { orders, cursor } = await pollStoreOrders(connector, kept, start);
			if (cursor) result.cursors[id] = cursor;
			result.orders.push(...orders.map((order) => ({ store: id, order })));
		} catch (error) {
			result.failed.push({ store: id, error: error as Error });
		}
	}
	if (stores.length > 0 && result.failed.length === stores.length) throw result.failed[0].error;
	return result;
}

/** The store's latest orders, oldest first: a sample for mapping fields when a manual run finds nothing new. */
export async function latestStoreOrders(connector: InventoryConnector, limit: number): Promise<StoreOrder[]> {
	if (connector.latestOrders) return connector.latestOrders(limit);
	if (!connector.pullOrders) return [];
	return (await connector.pullOrders(undefined)).slice(-limit);
}

/** A cursor read back from wherever it was kept, checked; anything else is no cursor. */
export function readOrderPollCursor(value: unknown): OrderPollCursor | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const { since, seenAtSince } = value as Record<string, unknown>;
	if (typeof since !== 'string' || Number.isNaN(Date.parse(since))) return undefined;
	if (!Array.isArray(seenAtSince) || !seenAtSince.every((id) => typeof id === 'string')) return undefined;
	return { since, seenAtSince };
}
