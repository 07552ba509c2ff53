/**
 * A store write interrupted between the store and the ledger (a process frozen for good, standing in for a SIGKILL;
 * test/engine/inventory.crash.test.ts kills real processes) or whose answer was lost: the next run decides from the
 * recorded intent whether the change landed, and never loses or doubles it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { InventoryFanOut, type StoreTarget } from '../../lib/inventory';
import { judgeIntent } from '../../lib/inventory/recovery';
import { allMigrations } from '../../lib/migrations';
import {
	nonIdempotentWrite,
	readModifyWrite,
	UnknownSkuError,
	type AdjustContext,
	type InventoryConnector,
	type StockChange,
	type StockContext,
	type StockReading,
} from '../../lib/platforms/inventory';
import { openStore, type StateStore } from '../../lib/store';
import { PlatformApiError } from '../../lib/transport';

/** What the store itself keeps: shared by the connector of the frozen process and that of the one that resumes. */
class Shelf {
	quantity = 100;
	marker: string | undefined;
	writes = 0;
	/** Set when a connector froze (the stand-in for its process being killed there). */
	frozen = false;
}

type Fault = 'none' | 'freeze-after-write' | 'freeze-before-write' | 'lose-answer';


/** A store of one SKU: relative, read-modify-write, or read-modify-write keeping a marker with each write (WooCommerce). */
class ShelfStore implements InventoryConnector {
	readonly adjustPrimitive: 'relative' | 'read_modify_write';
	readonly compareAndSet = false;
	readonly readMarked?: (sku: string) => Promise<StockReading>;
	fault: Fault = 'none';

	constructor(
		readonly platform: 'relative' | 'plain' | 'marked',
		private readonly shelf: Shelf,
	) {
		this.adjustPrimitive = platform === 'relative' ? 'relative' : 'read_modify_write';
		if (platform === 'marked') this.readMarked = async () => ({ quantity: this.shelf.quantity, marker: this.shelf.marker });
	}

	async getQuantity(sku: string): Promise<number> {
		if (sku !== 'SKU') throw new UnknownSkuError(this.platform, sku);
		return this.shelf.quantity;
	}

	async adjust(sku: string, delta: number, context: AdjustContext): Promise<StockChange> {
		if (this.platform !== 'relative') return readModifyWrite(this, sku, delta, (quantity) => this.write(quantity, context), context.previous);
		return await nonIdempotentWrite(async () => {
			const previous = this.shelf.quantity;
			await this.write(previous + delta, context);
			return { previous, next: previous + delta };
		});
	}

	async set(sku: string, quantity: number, context: StockContext): Promise<StockChange> {
		const previous = await this.getQuantity(sku);
		await this.write(quantity, context);
		return { previous, next: quantity };
	}

	private async freeze(): Promise<never> {
		this.shelf.frozen = true;
		return await new Promise<never>(() => undefined);
	}

	private async write(quantity: number, context: StockContext): Promise<void> {
		if (this.fault === 'freeze-before-write') await this.freeze();
		this.shelf.writes++;
		this.shelf.quantity = quantity;
		if (this.platform === 'marked') this.shelf.marker = context.reference;
		if (this.fault === 'freeze-after-write') await this.freeze();
		if (this.fault === 'lose-answer') {
			throw new PlatformApiError({ platform: this.platform, message: 'socket hang up', code: 'ECONNRESET', retryable: true, attempts: 1 });
		}
	}
}

let folder: string;
let store: StateStore;
let count = 0;

beforeAll(() => {
	folder = mkdtempSync(join(tmpdir(), 'inventory-recovery-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));
beforeEach(async () => {
	store = await openStore({ kind: 'sqlite', file: join(folder, `s${++count}.sqlite`) }, allMigrations);
});
afterEach(() => store.close());

const sale = { orderId: 'o-1', lineId: '1', sku: 'SKU', quantity: 3, sourceStore: 'elsewhere' };
const delivery = { source: 'elsewhere', id: 'delivery-1' };

/** An engine of its own, as another process would have; `later` makes the frozen engine's lock lease look expired. */
function engine(connector: ShelfStore, later = false): InventoryFanOut {
	const stores: StoreTarget[] = [{ id: 'shop', connector }];
	return new InventoryFanOut({ db: store.db, stores, isolatedLocks: true, lockPollMs: 5, ...(later ? { now: () => Date.now() + 3_600_000 } : {}) });
}

/** Waits for a condition, not for a time: a loaded machine may take seconds to get there. */
async function until(condition: () => boolean): Promise<void> {
	const deadline = Date.now() + 60_000;
	while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
	if (!condition()) throw new Error('the condition never held');
}

/** Starts applying the sale with the given fault and waits until the frozen write has reached the point it freezes at. */
async function freezeDuring(kind: ShelfStore['platform'], fault: Fault, shelf: Shelf): Promise<void> {
	const frozen = new ShelfStore(kind, shelf);
	frozen.fault = fault;
	void engine(frozen).apply([sale], delivery);
	await until(() => shelf.frozen);
}

describe.each(['relative', 'plain', 'marked'] as const)('a %s store', (kind) => {
	test('frozen after the store took the write: the next run records it and writes nothing', async () => {
		const shelf = new Shelf();
		await freezeDuring(kind, 'freeze-after-write', shelf);
		expect([shelf.quantity, shelf.writes]).toEqual([97, 1]);
		const outcomes = await engine(new ShelfStore(kind, shelf), true).retryPending();
		expect(outcomes).toMatchObject([{ status: 'applied', previousQuantity: 100, newQuantity: 97 }]);
		expect([shelf.quantity, shelf.writes]).toEqual([97, 1]);
		expect(await engine(new ShelfStore(kind, shelf), true).retryPending()).toEqual([]);
	});

	test('frozen after the intent, before the write: the next run writes it once', async () => {
		const shelf = new Shelf();
		await freezeDuring(kind, 'freeze-before-write', shelf);
		expect([shelf.quantity, shelf.writes]).toEqual([100, 0]);
		const outcomes = await engine(new ShelfStore(kind, shelf), true).retryPending();
		expect(outcomes).toMatchObject([{ status: 'applied', previousQuantity: 100, newQuantity: 97 }]);
		expect([shelf.quantity, shelf.writes]).toEqual([97, 1]);
	});

	test('a repeated delivery (same delivery id) finishes the frozen write without doubling it', async () => {
		const shelf = new Shelf();
		await freezeDuring(kind, 'freeze-after-write', shelf);
		const again = await engine(new ShelfStore(kind, shelf), true).apply([sale], delivery);
		expect(again).toMatchObject({ duplicateDelivery: true, outcomes: [{ status: 'applied', alreadyDone: false }] });
		expect([shelf.quantity, shelf.writes]).toEqual([97, 1]);
	});

	test('a write whose answer was lost is read back at once: applied, not sent again', async () => {
		const shelf = new Shelf();
		const connector = new ShelfStore(kind, shelf);
		connector.fault = 'lose-answer';
		const { outcomes } = await engine(connector).apply([sale]);
		expect(outcomes).toMatchObject([{ status: 'applied', previousQuantity: 100, newQuantity: 97 }]);
		expect([shelf.quantity, shelf.writes]).toEqual([97, 1]);
	});
});

test('a marker tells the write landed even after another writer moved the quantity', async () => {
	const shelf = new Shelf();
	await freezeDuring('marked', 'freeze-after-write', shelf);
	shelf.quantity -= 2; // a sale on the store itself
	expect(await engine(new ShelfStore('marked', shelf), true).retryPending()).toMatchObject([{ status: 'applied' }]);
	expect([shelf.quantity, shelf.writes]).toEqual([95, 1]);
});

test('without a marker, a quantity moved by another writer is in doubt: failed, never written again, settled by reconcile', async () => {
	const shelf = new Shelf();
	await freezeDuring('plain', 'freeze-after-write', shelf);
	shelf.quantity -= 2;
	const resumed = engine(new ShelfStore('plain', shelf), true);
	expect(await resumed.retryPending()).toMatchObject([{ status: 'failed', error: { code: 'OUTCOME_UNKNOWN' } }]);
	expect([shelf.quantity, shelf.writes]).toEqual([95, 1]);
	expect(await resumed.retryPending()).toEqual([]);
	// The ledger knows the stock: 100 less this sale less the other one once it is recorded.
	await resumed.setExpected('SKU', 95);
	expect(await resumed.reconcile(['SKU'], { correct: true })).toMatchObject([{ status: 'corrected', actual: 95, drift: 0 }]);
	expect((await resumed.ledger.rowsOf('o-1', '1'))[0]).toMatchObject({ status: 'applied', errorCode: 'RECONCILED' });
	expect([shelf.quantity, shelf.writes]).toEqual([95, 1]);
});

test('reconcile resolves a frozen write before comparing, so the change is neither owed twice nor reported as drift', async () => {
	const shelf = new Shelf();
	await freezeDuring('plain', 'freeze-after-write', shelf);
	const resumed = engine(new ShelfStore('plain', shelf), true);
	await resumed.setExpected('SKU', 97);
	expect(await resumed.reconcile(['SKU'])).toMatchObject([{ status: 'in_sync', actual: 97, expected: 97, pendingChanges: 0 }]);
	expect((await resumed.ledger.rowsOf('o-1', '1'))[0]).toMatchObject({ status: 'applied', previousQuantity: 100, newQuantity: 97 });
	expect(shelf.writes).toBe(1);
});

test('a writer paused past its lock lease writes nothing when it wakes: the new holder resolved its intent and applied the change once, as the writer then finds', async () => {
	const shelf = new Shelf();
	let wake: () => void = () => undefined;
	const paused = new Promise<void>((resolve) => (wake = resolve));
	const slow = new InventoryFanOut({
		db: store.db,
		stores: [{ id: 'shop', connector: new ShelfStore('plain', shelf) }],
		isolatedLocks: true,
		lockPollMs: 5,
		lockLeaseMs: 300,
		onWriteStep: async (step) => {
			if (step !== 'after-intent') return;
			shelf.frozen = true;
			await paused;
		},
	});
	const late = slow.apply([sale], delivery);
	await until(() => shelf.frozen);
	// Another process finds the lease lapsed (its clock an hour on) and takes the SKU over.
	expect(await engine(new ShelfStore('plain', shelf), true).retryPending()).toMatchObject([{ status: 'applied', previousQuantity: 100, newQuantity: 97 }]);
	expect([shelf.quantity, shelf.writes]).toEqual([97, 1]);
	// The paused writer's heartbeat (every 100 ms) finds its lease taken; then it wakes and must not write.
	const pausedLease = (slow as unknown as { locks: { lease: { lost: boolean } } }).locks.lease;
	await until(() => pausedLease.lost);
	wake();
	// It writes nothing under the lost lock; it takes the lock again and finds the change applied by the new holder.
	expect((await late).outcomes).toMatchObject([{ status: 'applied', alreadyDone: true, previousQuantity: 100, newQuantity: 97 }]);
	expect([shelf.quantity, shelf.writes]).toEqual([97, 1]);
	expect((await slow.ledger.rowsOf('o-1', '1'))[0]).toMatchObject({ status: 'applied', attempts: 1 });
});

test('judgeIntent: the marker decides where the platform keeps one, else the quantity, else in doubt', () => {
	const intent = { previous: 10, next: 7, marker: 'm-1' };
	expect(judgeIntent(intent, { quantity: 3, marker: 'm-1' }, true)).toBe('landed');
	expect(judgeIntent(intent, { quantity: 7, marker: 'm-0' }, true)).toBe('not_landed');
	expect(judgeIntent(intent, { quantity: 7 }, false)).toBe('landed');
	expect(judgeIntent(intent, { quantity: 10 }, false)).toBe('not_landed');
	expect(judgeIntent(intent, { quantity: 8 }, false)).toBe('in_doubt');
});
