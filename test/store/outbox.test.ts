/**
 * The outbox of pending work and the order intake built on it, on both backends: an order is recorded once however
 * often it arrives, each step completes once, an order whose execution died is handed out again only after its hold,
 * to one resumer at a time, and a malformed order is refused naming the field, with nothing recorded.
 */
import { allMigrations } from '../../lib/migrations';
import { InventoryFanOut, InventoryLedger, OrderInputError, OrderIntake, orderMovements, type OrderEvent } from '../../lib/inventory';
import { PlatformApiError } from '../../lib/transport';
import { UnknownSkuError, type InventoryConnector, type StockChange } from '../../lib/platforms/inventory';
import { Outbox, closeAllStores, openStore, outboxKey, type StateStore } from '../../lib/store';
import { storeBackends } from './backends';

const order = (overrides: Partial<OrderEvent> = {}): OrderEvent => ({
	orderId: '1001',
	sourceStore: 'shopify',
	lines: [{ lineId: '1', sku: 'SKU-1', quantity: 2 }],
	customerEmail: 'buyer@example.com',
	total: '20.00',
	...overrides,
});

/** A store with an adjust primitive that can be taken down: while down it answers 503, as a store under maintenance. */
class SwitchableStore implements InventoryConnector {
	readonly platform = 'bigcommerce';
	readonly adjustPrimitive = 'relative' as const;
	readonly compareAndSet = false;
	down = false;
	readonly quantities = new Map<string, number>([['SKU-1', 10]]);

	async getQuantity(sku: string): Promise<number> {
		this.answer();
		const quantity = this.quantities.get(sku);
		if (quantity === undefined) throw new UnknownSkuError(this.platform, sku);
		return quantity;
	}

	async adjust(sku: string, delta: number): Promise<StockChange> {
		const previous = await this.getQuantity(sku);
		this.quantities.set(sku, previous + delta);
		return { previous, next: previous + delta };
	}

	async set(sku: string, quantity: number): Promise<StockChange> {
		const previous = await this.getQuantity(sku);
		this.quantities.set(sku, quantity);
		return { previous, next: quantity };
	}

	private answer(): void {
		if (this.down) throw new PlatformApiError({ platform: this.platform, message: 'Service Unavailable', status: 503, retryable: true, attempts: 1 });
	}
}

describe.each(storeBackends())('order outbox on $name', (backend) => {
	let store: StateStore;
	let clock: number;
	let intake: OrderIntake;
	const holdMs = 60_000;

	beforeAll(async () => await backend.setUp());
	afterAll(async () => await backend.tearDown());
	beforeEach(async () => {
		store = await openStore(await backend.freshConfig(), allMigrations);
		clock = Date.parse('2026-01-01T00:00:00Z');
		intake = new OrderIntake(new Outbox(store.db, () => clock), { holdMs });
	});
	afterEach(async () => await closeAllStores());

	test('an order delivered twice is recorded once, as first delivered, with every step pending', async () => {
		const first = await intake.accept(order());
		const again = await intake.accept(order({ total: '999.00' }));
		expect(first).toMatchObject({ isNew: true, order: { orderKey: 'shopify:1001', pendingSteps: ['stock', 'fulfillment', 'accounting', 'crm'], attempts: 1 } });
		expect(again.isNew).toBe(false);
		expect(again.order.total).toBe('20.00');
	});

	test('each step completes once; the order is done when none is left', async () => {
		await intake.accept(order());
		expect(await intake.completeStep('shopify:1001', 'fulfillment')).toEqual({ orderKey: 'shopify:1001', step: 'fulfillment', completed: true, remainingSteps: ['stock', 'accounting', 'crm'] });
		expect((await intake.completeStep('shopify:1001', 'fulfillment')).completed).toBe(false);
		for (const step of ['stock', 'accounting', 'crm']) await intake.completeStep('shopify:1001', step);
		expect((await intake.get('shopify:1001'))?.pendingSteps).toEqual([]);
		clock += holdMs * 10;
		expect(await intake.resume()).toEqual([]);
	});

	test('concurrent completions of one step: exactly one reports completed', async () => {
		await intake.accept(order());
		const results = await Promise.all(Array.from({ length: 8 }, () => intake.completeStep('shopify:1001', 'accounting')));
		expect(results.filter((result) => result.completed)).toHaveLength(1);
		expect((await intake.get('shopify:1001'))?.pendingSteps).toEqual(['stock', 'fulfillment', 'crm']);
	});

	test('an unfinished order is handed out again only after its hold, with the steps left, to one resumer', async () => {
		await intake.accept(order());
		await intake.completeStep('shopify:1001', 'stock');
		clock += holdMs - 1;
		expect(await intake.resume()).toEqual([]);
		clock += 1;
		const resumers = await Promise.all(Array.from({ length: 4 }, () => intake.resume()));
		const taken = resumers.flat();
		expect(taken).toHaveLength(1);
		expect(taken[0]).toMatchObject({ orderKey: 'shopify:1001', pendingSteps: ['fulfillment', 'accounting', 'crm'], attempts: 2, lines: [{ lineId: '1', sku: 'SKU-1', quantity: 2 }] });
		// Held by that resumer now: not handed out again until its own hold runs out.
		expect(await intake.resume()).toEqual([]);
		clock += holdMs;
		expect((await intake.resume()).map((entry) => entry.attempts)).toEqual([3]);
	});

	test('a step failure is kept with the order, which stays pending', async () => {
		await intake.accept(order());
		await intake.failStep('shopify:1001', 'crm', 'HubSpot answered 503');
		const rows = await store.db.query<{ failures: number | string; last_error: string }>("SELECT failures, last_error FROM outbox_steps WHERE step = 'crm'");
		expect(rows.map((row) => ({ ...row, failures: Number(row.failures) }))).toEqual([{ failures: 1, last_error: 'HubSpot answered 503' }]);
		expect((await intake.get('shopify:1001'))?.pendingSteps).toContain('crm');
	});

	test('the stock step stays open while a store is still owed a change; the resume that applies it again completes it', async () => {
		const ledgered = new OrderIntake(new Outbox(store.db, () => clock), { holdMs, ledger: new InventoryLedger(store.db) });
		const down = new SwitchableStore();
		const fanOut = new InventoryFanOut({ db: store.db, stores: [{ id: 'bigcommerce', connector: down }], isolatedLocks: true });
		const { order: accepted } = await ledgered.accept(order());
		down.down = true;
		const first = await fanOut.apply(orderMovements(accepted));
		expect(first.outcomes).toMatchObject([{ store: 'bigcommerce', status: 'pending' }]);

		const leftOpen = await ledgered.completeStep('shopify:1001', 'stock');
		expect(leftOpen).toMatchObject({ completed: false, remainingSteps: ['stock', 'fulfillment', 'accounting', 'crm'] });
		expect(leftOpen.leftOpen).toContain('-2 to "SKU-1" on bigcommerce (');
		clock += holdMs;
		const [resumed] = await ledgered.resume();
		expect(resumed.pendingSteps).toContain('stock');

		down.down = false;
		expect((await fanOut.apply(orderMovements(resumed))).outcomes).toMatchObject([{ store: 'bigcommerce', status: 'applied' }]);
		expect(await ledgered.completeStep('shopify:1001', 'stock')).toEqual({ orderKey: 'shopify:1001', step: 'stock', completed: true, remainingSteps: ['fulfillment', 'accounting', 'crm'] });
		expect(down.quantities.get('SKU-1')).toBe(8);
	});

	test('completing a step of an unknown order or an unknown step names the field', async () => {
		await intake.accept(order());
		await expect(intake.completeStep('shopify:9999', 'stock')).rejects.toMatchObject({ field: 'orderKey' });
		await expect(intake.completeStep('shopify:1001', 'shipping')).rejects.toMatchObject({ field: 'step' });
	});

	test.each([
		['a negative quantity', { lines: [{ lineId: '1', sku: 'SKU-1', quantity: -3 }] }, 'lines[0].quantity'],
		['a quantity given as text', { lines: [{ lineId: '1', sku: 'SKU-1', quantity: '2' }] }, 'lines[0].quantity'],
		['a fractional quantity', { lines: [{ lineId: '1', sku: 'SKU-1', quantity: 1.5 }] }, 'lines[0].quantity'],
		['a line without SKU', { lines: [{ lineId: '1', sku: 'SKU-1', quantity: 1 }, { lineId: '2', quantity: 1 }] }, 'lines[1].sku'],
		['a line id given as a number', { lines: [{ lineId: 1, sku: 'SKU-1', quantity: 1 }] }, 'lines[0].lineId'],
		['no lines', { lines: [] }, 'lines'],
		['no order id', { orderId: undefined }, 'orderId'],
		['an object order id', { orderId: { id: 1 } }, 'orderId'],
	])('%s is refused naming %s, and nothing is recorded', async (_case, overrides, field) => {
		const bad = order(overrides as unknown as Partial<OrderEvent>);
		const refusal = await intake.accept(bad).catch((error: unknown) => error);
		expect(refusal).toBeInstanceOf(OrderInputError);
		expect(refusal).toMatchObject({ field, message: expect.stringContaining(field) });
		expect(await store.db.query('SELECT entry_key FROM outbox_entries')).toEqual([]);
	});
});

type Change = { name: string; id?: string; ruleId?: string };

describe.each(storeBackends())('outbox topics (single-step queues) on $name', (backend) => {
	let store: StateStore;
	let clock: number;
	const topic = () => new Outbox(store.db, () => clock).topic<Change>(outboxKey('queue', 'test'));

	beforeAll(async () => await backend.setUp());
	afterAll(async () => await backend.tearDown());
	beforeEach(async () => {
		store = await openStore(await backend.freshConfig(), allMigrations);
		clock = Date.parse('2026-01-01T00:00:00Z');
	});
	afterEach(async () => await closeAllStores());

	test('a key written again is a newer revision, its attempts and error cleared; within one write the last one wins', async () => {
		const queue = topic();
		await queue.put([{ key: 'a', group: 'g1', payload: { name: 'first' } }, { key: 'a', group: 'g1', payload: { name: 'second' } }]);
		expect(await queue.get('a')).toMatchObject({ group: 'g1', payload: { name: 'second' }, revision: 1, attempts: 0, open: true, nextAttemptMs: clock });
		await queue.recordFailures([{ key: 'a', group: 'g1', payload: { name: 'second' }, error: { code: 'E1', message: 'refused' } }]);
		expect(await queue.get('a')).toMatchObject({ attempts: 1, revision: 1, error: { code: 'E1', message: 'refused' } });
		await queue.put([{ key: 'a', group: 'g2', payload: { name: 'third' } }]);
		expect(await queue.get('a')).toMatchObject({ group: 'g2', payload: { name: 'third' }, revision: 2, attempts: 0, error: undefined });
	});

	test('an attempt is counted and an entry removed only for the revision handled, not a newer one', async () => {
		const queue = topic();
		await queue.put([{ key: 'a', payload: { name: 'old' } }]);
		await queue.put([{ key: 'a', payload: { name: 'new' } }]);
		await queue.countAttempt('a', 1);
		await queue.remove('a', 1);
		expect(await queue.get('a')).toMatchObject({ payload: { name: 'new' }, revision: 2, attempts: 0 });
		await queue.countAttempt('a', 2);
		expect((await queue.get('a'))?.attempts).toBe(1);
		await queue.remove('a', 2);
		expect(await queue.get('a')).toBeUndefined();
		expect(await queue.size()).toBe(0);
	});

	test('failures add their attempts, keep the last error and the next-attempt time, and reopen a closed entry', async () => {
		const queue = topic();
		await queue.recordFailures([{ key: 'b', group: 'g', payload: { name: 'b' }, error: { message: 'timeout' }, attempts: 3, retryAtMs: clock + 5_000 }]);
		expect(await queue.get('b')).toMatchObject({ attempts: 3, error: { message: 'timeout' }, nextAttemptMs: clock + 5_000, open: true });
		expect(await queue.close('b')).toBe(true);
		expect(await queue.close('b')).toBe(false);
		expect(await queue.list()).toEqual([]);
		expect((await queue.list({ state: 'closed' })).map((entry) => entry.key)).toEqual(['b']);
		await queue.recordFailures([{ key: 'b', group: 'g', payload: { name: 'b again' }, error: { code: '503', message: 'unavailable' } }]);
		expect(await queue.get('b')).toMatchObject({ attempts: 4, payload: { name: 'b again' }, error: { code: '503', message: 'unavailable' }, open: true, nextAttemptMs: clock });
	});

	test('read by group in order, by attempts left, least recently written first, or by payload field', async () => {
		const queue = topic();
		await queue.put([{ key: 'k3', group: 'g2', payload: { name: 'three', ruleId: 'r1' } }, { key: 'k1', group: 'g1', payload: { name: 'one', ruleId: 'r2' } }]);
		clock += 1_000;
		await queue.put([{ key: 'k2', group: 'g1', payload: { name: 'two', ruleId: 'r1' } }, { key: 'k4', group: 'g3', payload: { name: 'four' } }]);
		expect(await queue.groupsAfter('', 2)).toEqual(['g1', 'g2']);
		expect(await queue.groupsAfter('g2', 10)).toEqual(['g3']);
		expect((await queue.inGroups(['g1', 'g2'])).map((entry) => [entry.group, entry.key])).toEqual([['g1', 'k1'], ['g1', 'k2'], ['g2', 'k3']]);
		clock += 1_000;
		await queue.recordFailures([{ key: 'k1', group: 'g1', payload: { name: 'one', ruleId: 'r2' }, error: { message: 'no' }, attempts: 5 }]);
		expect((await queue.list({ group: 'g1', maxAttempts: 5, order: 'updated' })).map((entry) => entry.key)).toEqual(['k2']);
		expect((await queue.list({ order: 'updated' })).map((entry) => entry.key)).toEqual(['k3', 'k2', 'k4', 'k1']);
		expect((await queue.list({ payload: { ruleId: 'r1' }, order: 'group' })).map((entry) => entry.key)).toEqual(['k2', 'k3']);
		const many = [...Array.from({ length: 1_200 }, (_, index) => `x-${index}`), 'three', 'four'];
		expect((await queue.wherePayload('name', many)).map((entry) => entry.key).sort()).toEqual(['k3', 'k4']);
		await expect(queue.list({ payload: { "name') OR 1=1 --": 'x' } })).rejects.toThrow('Invalid payload field');
	});

	test('an attempt noted is open and counted, and counts on after an outcome reopened it; settling closes it with its outcome', async () => {
		const queue = topic();
		await queue.noteAttempt({ key: 'w', group: 'g', payload: { name: 'write' } });
		const first = await queue.get('w');
		expect(first).toMatchObject({ open: true, attempts: 1, error: undefined, createdAt: new Date(clock).toISOString() });
		await queue.recordFailures([{ key: 'w', group: 'g', payload: { name: 'write' }, error: { message: 'no answer' }, attempts: 0 }]);
		clock += 1_000;
		await queue.noteAttempt({ key: 'w', group: 'g', payload: { name: 'write' } });
		expect(await queue.get('w')).toMatchObject({ open: true, attempts: 2, error: { message: 'no answer' }, createdAt: first?.createdAt });
		expect(await queue.settle('w', { error: { code: 'REFUSED', message: 'refused' } })).toBe(true);
		expect(await queue.get('w')).toMatchObject({ open: false, attempts: 2, error: { code: 'REFUSED', message: 'refused' } });
		await queue.noteAttempt({ key: 'w', group: 'g', payload: { name: 'write' } });
		expect(await queue.settle('w', { attempts: 1, error: null })).toBe(true);
		expect(await queue.settle('w', { error: { message: 'settled again' } })).toBe(false);
		expect(await queue.get('w')).toMatchObject({ open: false, attempts: 4, error: { message: 'settled again' } });
	});

	test('entries are read by many keys at once, more than one statement may carry, unknown keys left out', async () => {
		const queue = topic();
		await queue.put([{ key: 'k1', payload: { name: 'one' } }, { key: 'k2', payload: { name: 'two' } }]);
		const keys = [...Array.from({ length: 1_200 }, (_, index) => `x-${index}`), 'k2', 'k1', 'k2'];
		const found = await queue.getMany(keys);
		expect([...found.keys()].sort()).toEqual(['k1', 'k2']);
		expect(found.get('k2')?.payload).toEqual({ name: 'two' });
	});

	test('topics keep apart: the same key in two topics is two entries', async () => {
		const outbox = new Outbox(store.db, () => clock);
		await outbox.topic<Change>(outboxKey('queue', 'a:b', 'c')).put([{ key: 'k', payload: { name: 'one' } }]);
		await outbox.topic<Change>(outboxKey('queue', 'a', 'b:c')).put([{ key: 'k', payload: { name: 'two' } }]);
		expect((await outbox.topic<Change>(outboxKey('queue', 'a:b', 'c')).get('k'))?.payload.name).toBe('one');
		expect((await outbox.topic<Change>(outboxKey('queue', 'a', 'b:c')).get('k'))?.payload.name).toBe('two');
	});
});
