/** The Order Poll Trigger's cursor: each (order, modification time) once, orders sharing a second with the cursor, Start From. */
import { newOrders, orderPollPlatforms, pollStoreOrders, readOrderPollCursor, type OrderPollCursor, type OrderPollStart } from '../../lib/inventory';
import { platformCatalog } from '../../lib/platforms/catalog';
import type { InventoryConnector, StoreOrder } from '../../lib/platforms/inventory';
import type { Transport } from '../../lib/transport';

/** A store whose order search is "modified at or after", in whole seconds, as Magento's is. */
class PolledStore implements Pick<InventoryConnector, 'platform' | 'pullOrders'> {
	readonly platform = 'fake';
	readonly orders: StoreOrder[] = [];
	readonly sinces: Array<string | undefined> = [];

	place(orderId: string, modifiedAt: string): void {
		const existing = this.orders.find((order) => order.orderId === orderId);
		if (existing) existing.modifiedAt = modifiedAt;
		else this.orders.push({ orderId, modifiedAt, lines: [{ lineId: `${orderId}-1`, sku: 'TEE', quantity: 1 }] });
	}

	async pullOrders(since: string | undefined): Promise<StoreOrder[]> {
		this.sinces.push(since);
		const floor = since === undefined ? -Infinity : Math.floor(Date.parse(since) / 1000) * 1000;
		return this.orders.filter((order) => Date.parse(order.modifiedAt) >= floor).sort((a, b) => a.modifiedAt.localeCompare(b.modifiedAt)).map((order) => ({ ...order }));
	}
}

/** Polls as the trigger does: the cursor goes through JSON (the node's static data) between polls. */
async function poll(store: PolledStore, kept: { cursor?: unknown }, start: OrderPollStart): Promise<string[]> {
	const { orders, cursor } = await pollStoreOrders(store as unknown as InventoryConnector, readOrderPollCursor(kept.cursor), start);
	if (cursor) kept.cursor = JSON.parse(JSON.stringify(cursor));
	return orders.map((order) => order.orderId);
}

const beginning: OrderPollStart = { from: 'beginning' };

test('orders modified in the same second as the cursor are emitted once, and one arriving later in that second is not missed', async () => {
	const store = new PolledStore();
	const kept = {};
	store.place('A', '2026-12-06T10:00:00Z');
	store.place('B', '2026-12-06T10:00:00Z');
	expect(await poll(store, kept, beginning)).toEqual(['A', 'B']);
	// The store's filter is inclusive, so A and B come back: they are not emitted again.
	expect(await poll(store, kept, beginning)).toEqual([]);
	store.place('C', '2026-12-06T10:00:00Z');
	expect(await poll(store, kept, beginning)).toEqual(['C']);
	expect(await poll(store, kept, beginning)).toEqual([]);
	expect(kept).toEqual({ cursor: { since: '2026-12-06T10:00:00Z', seenAtSince: ['A', 'B', 'C'] } });
	expect(store.sinces.slice(1)).toEqual(['2026-12-06T10:00:00Z', '2026-12-06T10:00:00Z', '2026-12-06T10:00:00Z']);
});

test('an order updated later is emitted again once, with its new time; the ids kept are those at the latest time only', async () => {
	const store = new PolledStore();
	const kept = {};
	store.place('A', '2026-12-06T10:00:00Z');
	expect(await poll(store, kept, beginning)).toEqual(['A']);
	store.place('B', '2026-12-06T10:00:05Z');
	store.place('A', '2026-12-06T10:00:07Z');
	expect(await poll(store, kept, beginning)).toEqual(['B', 'A']);
	expect(await poll(store, kept, beginning)).toEqual([]);
	expect(kept).toEqual({ cursor: { since: '2026-12-06T10:00:07Z', seenAtSince: ['A'] } });
});

test('Start From a time skips orders modified before it, counts one in its own second, and later polls go on from the cursor', async () => {
	const store = new PolledStore();
	const kept = {};
	store.place('OLD', '2026-12-06T09:59:59Z');
	store.place('SAME-SECOND', '2026-12-06T10:00:00Z');
	const start: OrderPollStart = { from: 'time', at: new Date('2026-12-06T10:00:00.600Z') };
	expect(await poll(store, kept, start)).toEqual(['SAME-SECOND']);
	store.place('NEW', '2026-12-06T10:01:00Z');
	// A start time later than every order must not hide it once a cursor exists.
	expect(await poll(store, kept, { from: 'time', at: new Date('2026-12-06T11:00:00Z') })).toEqual(['NEW']);
});

test('Start From Now with nothing new keeps the first poll time as the cursor, so an order placed before the next poll is emitted', async () => {
	const store = new PolledStore();
	const kept: { cursor?: unknown } = {};
	store.place('BEFORE', '2026-12-06T09:00:00Z');
	expect(await poll(store, kept, { from: 'time', at: new Date('2026-12-06T10:00:00Z') })).toEqual([]);
	expect(kept.cursor).toEqual({ since: '2026-12-06T10:00:00.000Z', seenAtSince: [] });
	store.place('AFTER', '2026-12-06T10:00:30Z');
	// The next poll's "now" is later than the order: the kept cursor, not the new start, decides.
	expect(await poll(store, kept, { from: 'time', at: new Date('2026-12-06T10:01:00Z') })).toEqual(['AFTER']);
});

test('Start From Beginning emits every order the store holds, oldest first', async () => {
	const store = new PolledStore();
	store.place('B', '2026-12-06T10:00:02Z');
	store.place('A', '2026-12-06T10:00:01Z');
	expect(await poll(store, {}, beginning)).toEqual(['A', 'B']);
	expect(store.sinces).toEqual([undefined]);
});

test('newOrders with nothing new leaves the cursor as it was', () => {
	const cursor: OrderPollCursor = { since: '2026-12-06T10:00:00Z', seenAtSince: ['A'] };
	expect(newOrders([{ orderId: 'A', modifiedAt: '2026-12-06T10:00:00Z', lines: [] }], cursor)).toEqual({ orders: [], cursor });
});

test('a kept cursor that is not one is read as none', () => {
	for (const value of [undefined, null, 'x', { since: 'not a time', seenAtSince: [] }, { since: '2026-12-06T10:00:00Z', seenAtSince: [1] }, { since: '2026-12-06T10:00:00Z' }]) {
		expect(readOrderPollCursor(value)).toBeUndefined();
	}
});

test('the polled stores are those whose connector pulls orders and that have no order webhooks; the flag matches each connector', () => {
	const stub = {} as Transport;
	for (const definition of platformCatalog.filter((candidate) => candidate.inventory)) {
		const defaults = Object.fromEntries((definition.settings ?? []).map((field) => [field.name, field.type === 'integer' ? 1 : String(field.default ?? 'x')]));
		const connector = definition.inventory?.connector(stub, { baseUrl: 'https://store.example', ...defaults });
		expect({ platform: definition.id, pullsOrders: typeof connector?.pullOrders === 'function' }).toEqual({ platform: definition.id, pullsOrders: definition.inventory?.pullsOrders === true });
	}
	const polled = orderPollPlatforms();
	expect(polled.length).toBeGreaterThan(0);
	for (const definition of polled) expect(definition.orderWebhooks).toBeUndefined();
	expect(polled.map((definition) => definition.id)).toEqual(
		platformCatalog.filter((definition) => definition.inventory?.pullsOrders && !definition.orderWebhooks).map((definition) => definition.id),
	);
});
