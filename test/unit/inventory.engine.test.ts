/** The fan-out engine with in-memory stores: parallel fan-out, idempotency, channel rules, unknown SKUs, pending rows, reconcile. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { InventoryFanOut, listedQuantity, type StoreTarget } from '../../lib/inventory';
import { allMigrations } from '../../lib/migrations';
import {
	readModifyWrite,
	StaleQuantityError,
	UnknownSkuError,
	type InventoryConnector,
	type StockChange,
	type StockContext,
} from '../../lib/platforms/inventory';
import { openStore, type StateStore } from '../../lib/store';
import { PlatformApiError } from '../../lib/transport';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Holds each arriving call until `expected` calls are under way at once, so a test proves calls run in parallel by
 * their meeting, not by a clock. Calls made one after another never meet; the fallback only ends such a test.
 */
class Rendezvous {
	private arrived = 0;
	private release!: () => void;
	private readonly all = new Promise<void>((resolve) => (this.release = resolve));
	met = false;

	constructor(private readonly expected: number) {}

	async arrive(): Promise<void> {
		if (++this.arrived === this.expected) {
			this.met = true;
			this.release();
		}
		const fallback = setTimeout(() => this.release(), 30_000);
		await this.all;
		clearTimeout(fallback);
	}
}

/** A store in memory, with a latency per call and switches for failures. */
class MemoryStore implements InventoryConnector {
	readonly quantities = new Map<string, number>();
	readonly calls: string[] = [];
	down = false;
	/** Awaited on every call, e.g. a rendezvous of the stores' first calls. */
	beforeCall?: () => Promise<void>;
	constructor(
		readonly platform: string,
		readonly adjustPrimitive: 'relative' | 'read_modify_write',
		readonly compareAndSet: boolean,
		private readonly latencyMs = 0,
	) {}

	private async call(name: string): Promise<void> {
		this.calls.push(name);
		await this.beforeCall?.();
		await pause(this.latencyMs);
		if (this.down) throw new PlatformApiError({ platform: this.platform, message: 'Service Unavailable', status: 503, retryable: true, attempts: 3 });
	}

	async getQuantity(sku: string): Promise<number> {
		await this.call('get');
		const quantity = this.quantities.get(sku);
		if (quantity === undefined) throw new UnknownSkuError(this.platform, sku);
		return quantity;
	}

	async adjust(sku: string, delta: number): Promise<StockChange> {
		if (this.adjustPrimitive === 'read_modify_write') return readModifyWrite(this, sku, delta, (quantity) => this.write(sku, quantity));
		await this.call('adjust');
		const previous = this.quantities.get(sku);
		if (previous === undefined) throw new UnknownSkuError(this.platform, sku);
		this.quantities.set(sku, previous + delta);
		return { previous, next: previous + delta };
	}

	async set(sku: string, quantity: number, context: StockContext & { compareQuantity?: number }): Promise<StockChange> {
		const previous = this.quantities.get(sku) as number;
		if (this.compareAndSet && context.compareQuantity !== undefined && context.compareQuantity !== previous) throw new StaleQuantityError(this.platform, sku);
		await this.write(sku, quantity);
		return { previous, next: quantity };
	}

	private async write(sku: string, quantity: number): Promise<void> {
		await this.call('set');
		this.quantities.set(sku, quantity);
	}
}

let folder: string;
let store: StateStore;
let count = 0;

beforeAll(() => {
	folder = mkdtempSync(join(tmpdir(), 'inventory-unit-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));
beforeEach(async () => {
	store = await openStore({ kind: 'sqlite', file: join(folder, `s${++count}.sqlite`) }, allMigrations);
});
afterEach(() => store.close());

function fourStores(latencyMs = 0, stock: Record<string, number> = { 'SKU-1': 100 }) {
	const connectors = {
		a: new MemoryStore('shopify', 'relative', true, latencyMs),
		b: new MemoryStore('woocommerce', 'read_modify_write', false, latencyMs),
		c: new MemoryStore('magento', 'read_modify_write', false, latencyMs),
		d: new MemoryStore('bigcommerce', 'relative', false, latencyMs),
	};
	for (const connector of Object.values(connectors)) for (const [sku, quantity] of Object.entries(stock)) connector.quantities.set(sku, quantity);
	return connectors;
}

const targets = (connectors: Record<string, MemoryStore>, extra: Partial<Record<string, Partial<StoreTarget>>> = {}): StoreTarget[] =>
	Object.entries(connectors).map(([id, connector]) => ({ id, connector, ...extra[id] }));

test('skips the source store and applies to the others in parallel', async () => {
	const connectors = fourStores();
	// The three target stores' first calls meet only if all three are under way at once.
	const firstCalls = new Rendezvous(3);
	for (const connector of Object.values(connectors)) connector.beforeCall = () => (connector.calls.length === 1 ? firstCalls.arrive() : Promise.resolve());
	const fanOut = new InventoryFanOut({ db: store.db, stores: targets(connectors) });
	const result = await fanOut.apply([{ orderId: 'o1', lineId: 'l1', sku: 'SKU-1', quantity: 2, sourceStore: 'a' }]);
	expect(result.outcomes.map((outcome) => [outcome.store, outcome.status, outcome.previousQuantity, outcome.newQuantity])).toEqual([
		['b', 'applied', 100, 98],
		['c', 'applied', 100, 98],
		['d', 'applied', 100, 98],
	]);
	expect(connectors.a.calls).toEqual([]);
	expect(firstCalls.met).toBe(true);
	const rows = await fanOut.ledger.rowsOf('o1', 'l1');
	expect(rows.map((row) => [row.storeId, row.status, row.change, row.sku])).toEqual([
		['b', 'applied', -2, 'SKU-1'],
		['c', 'applied', -2, 'SKU-1'],
		['d', 'applied', -2, 'SKU-1'],
	]);
});

test('the same order line applied again, or a repeated delivery id, changes nothing', async () => {
	const connectors = fourStores();
	const fanOut = new InventoryFanOut({ db: store.db, stores: targets(connectors) });
	const movement = { orderId: 'o1', lineId: 'l1', sku: 'SKU-1', quantity: 1, sourceStore: 'a' };
	await fanOut.apply([movement], { source: 'a', id: 'd-1' });
	expect(await fanOut.apply([movement], { source: 'a', id: 'd-1' })).toEqual({ duplicateDelivery: true, voidedOrders: [], outcomes: [] });
	const again = await fanOut.apply([movement]);
	expect(again.outcomes.map((outcome) => [outcome.store, outcome.alreadyDone, outcome.status])).toEqual([
		['b', true, 'applied'],
		['c', true, 'applied'],
		['d', true, 'applied'],
	]);
	expect([...Object.values(connectors)].map((connector) => connector.quantities.get('SKU-1'))).toEqual([100, 99, 99, 99]);
});

test('refunds and restocks add, corrections carry their sign, and the expected stock follows once per movement', async () => {
	const connectors = fourStores();
	const fanOut = new InventoryFanOut({ db: store.db, stores: targets(connectors) });
	await fanOut.setExpected('SKU-1', 100);
	await fanOut.apply([
		{ orderId: 'o1', lineId: '1', sku: 'SKU-1', quantity: 5, sourceStore: 'a' },
		{ orderId: 'o1', lineId: '1', sku: 'SKU-1', quantity: 5, sourceStore: 'a' },
		{ orderId: 'r1', lineId: '1', sku: 'SKU-1', quantity: 2, kind: 'refund', sourceStore: 'a' },
		{ orderId: 'count-7', lineId: '1', sku: 'SKU-1', quantity: -1, kind: 'correction' },
	]);
	expect(await fanOut.ledger.expected('SKU-1')).toBe(100 - 5 + 2 - 1);
	expect(connectors.b.quantities.get('SKU-1')).toBe(96);
	expect(connectors.a.quantities.get('SKU-1')).toBe(99);
});

test('channel rules set absolute listed quantities: buffer, allocation, maximum', async () => {
	expect(listedQuantity(100, { safetyBuffer: 10, allocationPercent: 50, maxListed: 40 })).toBe(40);
	expect(listedQuantity(50, { safetyBuffer: 10, allocationPercent: 50 })).toBe(20);
	expect(listedQuantity(3, { safetyBuffer: 5 })).toBe(0);
	const connectors = fourStores();
	const fanOut = new InventoryFanOut({
		db: store.db,
		stores: targets(connectors, { a: { rules: { maxListed: 30 } }, c: { rules: { safetyBuffer: 5, allocationPercent: 50 } } }),
	});
	const before = await fanOut.apply([{ orderId: 'o0', lineId: '1', sku: 'SKU-1', quantity: 1, sourceStore: 'b' }]);
	expect(before.outcomes.find((outcome) => outcome.store === 'a')).toMatchObject({ status: 'pending', error: { code: 'NO_BASELINE' } });
	await fanOut.setExpected('SKU-1', 99);
	await fanOut.retryPending();
	await fanOut.apply([{ orderId: 'o1', lineId: '1', sku: 'SKU-1', quantity: 9, sourceStore: 'b' }]);
	expect(connectors.a.quantities.get('SKU-1')).toBe(30);
	expect(connectors.c.quantities.get('SKU-1')).toBe(Math.floor((90 - 5) / 2));
	expect(connectors.d.quantities.get('SKU-1')).toBe(90);
	expect(() => new InventoryFanOut({ db: store.db, stores: targets(connectors, { a: { rules: { allocationPercent: 120 } } }) })).toThrow(/allocation/);
});

test('an unknown SKU is reported per store as failed, never skipped silently', async () => {
	const connectors = fourStores();
	connectors.c.quantities.delete('SKU-1');
	const fanOut = new InventoryFanOut({ db: store.db, stores: targets(connectors) });
	const result = await fanOut.apply([{ orderId: 'o1', lineId: '1', sku: 'SKU-1', quantity: 1, sourceStore: 'a' }]);
	expect(result.outcomes.find((outcome) => outcome.store === 'c')).toMatchObject({ status: 'failed', error: { code: 'UNKNOWN_SKU' } });
	expect(result.outcomes.filter((outcome) => outcome.status === 'applied').map((outcome) => outcome.store)).toEqual(['b', 'd']);
	expect(await fanOut.retryPending()).toEqual([]);
});

test('a failing store does not block the others; its change stays pending and a later run applies it', async () => {
	const connectors = fourStores();
	connectors.d.down = true;
	const fanOut = new InventoryFanOut({ db: store.db, stores: targets(connectors) });
	const result = await fanOut.apply([{ orderId: 'o1', lineId: '1', sku: 'SKU-1', quantity: 3, sourceStore: 'a' }]);
	expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['applied', 'applied', 'pending']);
	expect(await fanOut.retryPending()).toMatchObject([{ store: 'd', status: 'pending' }]);
	connectors.d.down = false;
	expect(await fanOut.retryPending()).toMatchObject([{ store: 'd', status: 'applied', previousQuantity: 100, newQuantity: 97 }]);
	expect(await fanOut.retryPending()).toEqual([]);
	expect((await fanOut.ledger.rowsOf('o1', '1')).find((row) => row.storeId === 'd')?.attempts).toBe(3);
});

test('racing orders on read-modify-write stores lose no update', async () => {
	const connectors = fourStores(2);
	const fanOut = new InventoryFanOut({ db: store.db, stores: targets(connectors) });
	await Promise.all(Array.from({ length: 40 }, (_, index) => fanOut.apply([{ orderId: `o${index}`, lineId: '1', sku: 'SKU-1', quantity: 1, sourceStore: 'abcd'[index % 4] }])));
	expect(Object.values(connectors).map((connector) => connector.quantities.get('SKU-1'))).toEqual([70, 70, 70, 70]);
});

test('reconcile reports drift against the expected stock and corrects it with compare-and-set', async () => {
	const connectors = fourStores();
	const fanOut = new InventoryFanOut({ db: store.db, stores: targets(connectors) });
	expect((await fanOut.reconcile(['SKU-1']))[0]).toMatchObject({ status: 'no_baseline', actual: 100 });
	await fanOut.reconcile(['SKU-1'], { baselineFrom: 'a' });
	expect(await fanOut.ledger.expected('SKU-1')).toBe(100);
	connectors.b.quantities.set('SKU-1', 90);
	connectors.a.quantities.delete('SKU-1');
	const report = await fanOut.reconcile(['SKU-1']);
	expect(report.map((entry) => [entry.store, entry.status, entry.drift])).toEqual([
		['a', 'unknown_sku', undefined],
		['b', 'drift', -10],
		['c', 'in_sync', 0],
		['d', 'in_sync', 0],
	]);
	expect(connectors.b.quantities.get('SKU-1')).toBe(90);
	await fanOut.reconcile(['SKU-1'], { correct: true });
	expect(connectors.b.quantities.get('SKU-1')).toBe(100);
});

test('an order recorded while reconcile corrects a store is applied after it, not swallowed by it', async () => {
	const connectors = fourStores(1);
	const fanOut = new InventoryFanOut({ db: store.db, stores: targets(connectors) });
	await fanOut.setExpected('SKU-1', 100);
	connectors.b.quantities.set('SKU-1', 80);
	// The order arrives while reconcile sets store b (its write has begun), and b's write goes on once it is recorded.
	let ordered: Promise<unknown> | undefined;
	connectors.b.beforeCall = async () => {
		if (ordered || connectors.b.calls.at(-1) !== 'set') return;
		ordered = fanOut.apply([{ orderId: 'during', lineId: '1', sku: 'SKU-1', quantity: 4, sourceStore: 'a' }]);
		while ((await fanOut.ledger.rowsOf('during', '1')).length < 3) await pause(1);
	};
	const report = await fanOut.reconcile(['SKU-1'], { correct: true });
	expect(ordered).toBeDefined();
	await ordered;
	expect(report.find((entry) => entry.store === 'b')).toMatchObject({ status: 'corrected', actual: 80 });
	expect(Object.values(connectors).map((connector) => connector.quantities.get('SKU-1'))).toEqual([100, 96, 96, 96]);
	expect((await fanOut.ledger.rowsOf('during', '1')).map((row) => row.status)).toEqual(['applied', 'applied', 'applied']);
});

test('engines built per execution on one database share one lock queue and lose no update', async () => {
	const connectors = fourStores(1);
	// Every sleep is recorded: a wait on another engine's lock row would be a poll; the shared queue never polls.
	const sleeps: number[] = [];
	const sleep = async (ms: number) => {
		sleeps.push(ms);
		await pause(ms);
	};
	const executions = [0, 1, 2].map(() => new InventoryFanOut({ db: store.db, stores: targets(connectors), sleep }));
	await Promise.all(Array.from({ length: 30 }, (_, index) => executions[index % 3].apply([{ orderId: `e${index}`, lineId: '1', sku: 'SKU-1', quantity: 1, sourceStore: 'a' }])));
	expect(sleeps).toEqual([]);
	expect(Object.values(connectors).map((connector) => connector.quantities.get('SKU-1'))).toEqual([100, 70, 70, 70]);
});

describe('cancellations and refunds give back what the sale took, once', () => {
	const quantitiesOf = (connectors: Record<string, MemoryStore>) => Object.fromEntries(Object.entries(connectors).map(([id, connector]) => [id, connector.quantities.get('SKU-1')]));
	const sell = (fanOut: InventoryFanOut, orderId = 'a:1001') =>
		fanOut.apply([
			{ orderId, lineId: '1', sku: 'SKU-1', quantity: 3, sourceStore: 'a' },
			{ orderId, lineId: '2', sku: 'SKU-2', quantity: 1, sourceStore: 'a' },
		]);

	test('a cancellation restocks every store the sale reached, once; its repeats and a later full refund change nothing', async () => {
		const connectors = fourStores(0, { 'SKU-1': 100, 'SKU-2': 10 });
		const fanOut = new InventoryFanOut({ db: store.db, stores: targets(connectors) });
		await fanOut.setExpected('SKU-1', 100);
		await sell(fanOut);
		expect(quantitiesOf(connectors)).toEqual({ a: 100, b: 97, c: 97, d: 97 });
		const cancelled = await fanOut.returnOrder({ orderId: 'a:1001', kind: 'restock', key: 'order' });
		expect(cancelled.lines.map((line) => [line.soldLineId, line.sku, line.quantity, line.status, line.stores])).toEqual([
			['1', 'SKU-1', 3, 'recorded', ['b', 'c', 'd']],
			['2', 'SKU-2', 1, 'recorded', ['b', 'c', 'd']],
		]);
		expect(cancelled.outcomes.filter((outcome) => outcome.sku === 'SKU-1').map((outcome) => [outcome.store, outcome.status, outcome.change, outcome.newQuantity])).toEqual([
			['b', 'applied', 3, 100],
			['c', 'applied', 3, 100],
			['d', 'applied', 3, 100],
		]);
		// The order's own store restocks itself (the vendor's cancel): the package never writes it.
		expect(connectors.a.calls).toEqual([]);
		const repeated = await fanOut.returnOrder({ orderId: 'a:1001', kind: 'restock', key: 'order' });
		expect(repeated.lines.map((line) => line.status)).toEqual(['repeated', 'repeated']);
		expect(repeated.outcomes.every((outcome) => outcome.alreadyDone && outcome.status === 'applied')).toBe(true);
		const refunded = await fanOut.returnOrder({ orderId: 'a:1001', kind: 'refund', key: 'refund-9', lines: [{ lineId: '1' }] });
		expect(refunded.lines.map((line) => [line.status, line.quantity])).toEqual([['nothing_left', 0]]);
		expect(refunded.outcomes).toEqual([]);
		expect(quantitiesOf(connectors)).toEqual({ a: 100, b: 100, c: 100, d: 100 });
		expect(connectors.b.quantities.get('SKU-2')).toBe(10);
		expect(await fanOut.ledger.expected('SKU-1')).toBe(100);
	});

	test('partial refunds give back their lines once per refund, never more than was sold', async () => {
		const connectors = fourStores(0, { 'SKU-1': 100, 'SKU-2': 10 });
		const fanOut = new InventoryFanOut({ db: store.db, stores: targets(connectors) });
		await sell(fanOut);
		const first = await fanOut.returnOrder({ orderId: 'a:1001', kind: 'refund', key: 'r1', lines: [{ lineId: '1', quantity: 1 }] });
		expect(first.lines.map((line) => [line.lineId, line.quantity, line.status])).toEqual([['1:return:r1', 1, 'recorded']]);
		await fanOut.returnOrder({ orderId: 'a:1001', kind: 'refund', key: 'r1', lines: [{ lineId: '1', quantity: 1 }] });
		expect(quantitiesOf(connectors)).toEqual({ a: 100, b: 98, c: 98, d: 98 });
		// A second refund asks for more than is left of the line: it gives back the 2 left.
		const second = await fanOut.returnOrder({ orderId: 'a:1001', kind: 'refund', key: 'r2', lines: [{ lineId: '1', quantity: 5 }, { lineId: '9' }] });
		expect(second.lines.map((line) => [line.soldLineId, line.quantity, line.status])).toEqual([['1', 2, 'recorded'], ['9', 0, 'not_sold']]);
		// The cancellation that follows gives back only line 2, the rest being back already.
		const cancelled = await fanOut.returnOrder({ orderId: 'a:1001', kind: 'restock', key: 'order' });
		expect(cancelled.lines.map((line) => [line.soldLineId, line.quantity, line.status])).toEqual([['1', 0, 'nothing_left'], ['2', 1, 'recorded']]);
		expect(quantitiesOf(connectors)).toEqual({ a: 100, b: 100, c: 100, d: 100 });
		expect(connectors.c.quantities.get('SKU-2')).toBe(10);
	});

	test('concurrent cancellations and refunds of one order give back the units once', async () => {
		const connectors = fourStores(2, { 'SKU-1': 100, 'SKU-2': 10 });
		// Each execution builds its own engine, as n8n does per run.
		const engines = [1, 2, 3, 4].map(() => new InventoryFanOut({ db: store.db, stores: targets(connectors) }));
		await sell(engines[0]);
		await Promise.all([
			engines[0].returnOrder({ orderId: 'a:1001', kind: 'restock', key: 'order' }),
			engines[1].returnOrder({ orderId: 'a:1001', kind: 'restock', key: 'order' }),
			engines[2].returnOrder({ orderId: 'a:1001', kind: 'refund', key: 'r1', lines: [{ lineId: '1', quantity: 3 }] }),
			engines[3].returnOrder({ orderId: 'a:1001', kind: 'refund', key: 'r2', lines: [{ lineId: '1', quantity: 2 }] }),
		]);
		expect(quantitiesOf(connectors)).toEqual({ a: 100, b: 100, c: 100, d: 100 });
		const given = await store.db.query<{ restocked: number }>("SELECT restocked FROM inventory_movements WHERE order_id = 'a:1001' AND line_id = '1'");
		expect(given.map((row) => Number(row.restocked))).toEqual([3]);
	});

	test('an order cancelled before its sale arrived restocks nothing, and its sale then takes nothing off', async () => {
		const connectors = fourStores();
		const fanOut = new InventoryFanOut({ db: store.db, stores: targets(connectors) });
		await fanOut.setExpected('SKU-1', 100);
		const cancelled = await fanOut.returnOrder({ orderId: 'a:2002', kind: 'restock', key: 'order' });
		expect(cancelled).toEqual({ orderId: 'a:2002', sold: false, voided: true, lines: [], outcomes: [] });
		const late = await fanOut.apply([{ orderId: 'a:2002', lineId: '1', sku: 'SKU-1', quantity: 4, sourceStore: 'a' }]);
		expect(late).toEqual({ duplicateDelivery: false, voidedOrders: ['a:2002'], outcomes: [] });
		// A refund of an order never sold here gives nothing back either.
		expect(await fanOut.returnOrder({ orderId: 'a:3003', kind: 'refund', key: 'r1', lines: [{ lineId: '1', quantity: 1 }] })).toMatchObject({ sold: false, voided: false, lines: [] });
		expect(quantitiesOf(connectors)).toEqual({ a: 100, b: 100, c: 100, d: 100 });
		expect(Object.values(connectors).flatMap((connector) => connector.calls)).toEqual([]);
		expect(await fanOut.ledger.expected('SKU-1')).toBe(100);
	});

	test('a store the sale never reached gets nothing back; one still owed the sale gets both, in turn', async () => {
		const connectors = fourStores();
		connectors.c.quantities.delete('SKU-1');
		connectors.d.down = true;
		const fanOut = new InventoryFanOut({ db: store.db, stores: targets(connectors) });
		const sold = await fanOut.apply([{ orderId: 'a:1001', lineId: '1', sku: 'SKU-1', quantity: 3, sourceStore: 'a' }]);
		expect(sold.outcomes.map((outcome) => [outcome.store, outcome.status])).toEqual([['b', 'applied'], ['c', 'failed'], ['d', 'pending']]);
		const cancelled = await fanOut.returnOrder({ orderId: 'a:1001', kind: 'restock', key: 'order' });
		expect(cancelled.lines[0].stores).toEqual(['b', 'd']);
		expect(cancelled.outcomes.map((outcome) => [outcome.store, outcome.status])).toEqual([['b', 'applied'], ['d', 'pending']]);
		connectors.d.down = false;
		expect((await fanOut.retryPending()).map((outcome) => [outcome.store, outcome.change, outcome.status])).toEqual([['d', -3, 'applied'], ['d', 3, 'applied']]);
		expect(quantitiesOf(connectors)).toEqual({ a: 100, b: 100, c: undefined, d: 100 });
	});

	test('a refund applied as a movement under the sale\'s own order and line is refused naming the field, not taken for a repeat', async () => {
		const connectors = fourStores();
		const fanOut = new InventoryFanOut({ db: store.db, stores: targets(connectors) });
		await fanOut.apply([{ orderId: 'a:1001', lineId: '1', sku: 'SKU-1', quantity: 3, sourceStore: 'a' }]);
		await expect(fanOut.apply([{ orderId: 'a:1001', lineId: '1', sku: 'SKU-1', quantity: 3, kind: 'refund', sourceStore: 'a' }])).rejects.toThrow(
			'movements[0].kind is refund, but order a:1001 line 1 was recorded as a sale: a cancelled or refunded order is given back with Restock Order',
		);
		expect(connectors.b.quantities.get('SKU-1')).toBe(97);
	});

	test.each([
		[{ orderId: 'a:1', kind: 'restock', key: '' }, 'key must be a non-empty string'],
		[{ orderId: 'a:1', kind: 'sale', key: 'order' }, 'kind must be'],
		[{ orderId: 'a:1', kind: 'refund', key: 'r1', lines: [{ lineId: '1', quantity: -2 }] }, 'lines[0].quantity must be a whole number of at least 1, got the number -2'],
		[{ orderId: 'a:1', kind: 'refund', key: 'r1', lines: [{ lineId: '1', quantity: '2' }] }, 'lines[0].quantity must be a whole number of at least 1, got the string "2"'],
		[{ orderId: 'a:1', kind: 'refund', key: 'r1', lines: [{ lineId: '1' }, { lineId: '1' }] }, 'lines[1].lineId lists line "1" a second time'],
	])('a malformed return is refused whole, naming the field: %j', async (request, message) => {
		const connectors = fourStores();
		const fanOut = new InventoryFanOut({ db: store.db, stores: targets(connectors) });
		await fanOut.apply([{ orderId: 'a:1', lineId: '1', sku: 'SKU-1', quantity: 3, sourceStore: 'a' }]);
		await expect(fanOut.returnOrder(request as never)).rejects.toThrow(message);
		expect(connectors.b.quantities.get('SKU-1')).toBe(97);
	});
});

test('a write whose lock lapsed while it held it takes the lock again and applies the change in the same run', async () => {
	const connectors = fourStores();
	const stores = [{ id: 'a', connector: connectors.a }, { id: 'b', connector: connectors.b }];
	let clock = Date.now();
	const now = () => clock;
	let paused = false;
	const other = new InventoryFanOut({ db: store.db, stores, now, isolatedLocks: true });
	const first: InventoryFanOut = new InventoryFanOut({
		db: store.db,
		stores,
		now,
		lockLeaseMs: 1_000,
		isolatedLocks: true,
		onWriteStep: async (step) => {
			if (step !== 'before-intent' || paused) return;
			paused = true;
			// Its process pauses past the lease after reading the store: another worker takes the lapsed lock, writes its
			// own order and gives the lock back; then the paused run's heartbeat (run now, not waited for) finds it lost.
			clock += 2_000;
			expect((await other.apply([{ orderId: 'o2', lineId: 'l1', sku: 'SKU-1', quantity: 3, sourceStore: 'a' }])).outcomes).toMatchObject([{ store: 'b', status: 'applied' }]);
			await (first as unknown as { locks: { lease: { renew(): Promise<void> } } }).locks.lease.renew();
		},
	});
	const result = await first.apply([{ orderId: 'o1', lineId: 'l1', sku: 'SKU-1', quantity: 2, sourceStore: 'a' }]);
	expect(paused).toBe(true);
	// Nothing was written under the lost lock; the change was read again under a fresh one and written once.
	expect(result.outcomes).toMatchObject([{ store: 'b', status: 'applied', previousQuantity: 97, newQuantity: 95 }]);
	expect(connectors.b.quantities.get('SKU-1')).toBe(95);
	expect((await first.ledger.rowsOf('o1', 'l1')).map((row) => [row.storeId, row.status, row.attempts])).toEqual([['b', 'applied', 1]]);
});
