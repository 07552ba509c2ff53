import type { SqlDatabase, SqlExecutor } from '../store/types';
import { PlatformApiError } from '../transport/errors';
import {
	ConcurrentChangeError,
	StaleQuantityError,
	UnknownSkuError,
	type InventoryConnector,
	type StockChange,
	type StockContext,
	type StockReading,
	type StockReason,
} from '../platforms/inventory';
import { LeaseLostError } from '../store/leases';
import { InputError, type InputViolation } from '../records/inputSchema';
import { InventoryLedger, type LedgerKey, type LedgerRow, type RecordedReturn, type ReturnRequest } from './ledger';
import { StockLocks } from './locks';
import { judgeIntent, type IntentVerdict } from './recovery';
import { hasRules, listedQuantity, validateRules, type ChannelRules } from './rules';
import { assertMovements, checkReturn } from './inputs';
import { orderMovements, type StockMovement } from './movements';
import { sleep as defaultSleep } from '../records/sleep';

export interface StoreTarget {
	id: string;
	connector: InventoryConnector;
	enabled?: boolean;
	/** With rules the store gets an absolute listed quantity computed from the expected stock, not a delta. */
	rules?: ChannelRules;
}

export type OutcomeStatus = 'applied' | 'pending' | 'failed';

export interface StoreOutcome {
	orderId: string;
	lineId: string;
	sku: string;
	store: string;
	platform: string;
	status: OutcomeStatus;
	change: number;
	previousQuantity: number | null;
	newQuantity: number | null;
	/** True when this call found the row already settled (a repeated delivery or a retried execution). */
	alreadyDone: boolean;
	error?: { code?: string; message: string };
}

export interface ApplyResult {
	/** The vendor's delivery id was seen before: nothing was recorded or applied. */
	duplicateDelivery: boolean;
	/** Orders whose sale came after their cancellation: void, nothing taken off. */
	voidedOrders: string[];
	outcomes: StoreOutcome[];
}

/** A cancellation's or refund's return: what each line gave back, and each store's change. */
export interface ReturnResult extends RecordedReturn {
	orderId: string;
	outcomes: StoreOutcome[];
}

export type ReconcileStatus = 'in_sync' | 'drift' | 'corrected' | 'unknown_sku' | 'no_baseline' | 'error';

export interface ReconcileEntry {
	store: string;
	platform: string;
	sku: string;
	status: ReconcileStatus;
	actual?: number;
	/** What the store should show now: expected stock under its rules, less changes still pending for it. */
	expected?: number;
	drift?: number;
	pendingChanges?: number;
	error?: { code?: string; message: string };
}

/** Where each store's order-polling position is kept (the state store's cursors in the node). */
export interface OrderCursors {
	get(storeId: string): Promise<string | undefined>;
	set(storeId: string, cursor: string): Promise<void>;
}

export interface PolledStore {
	store: string;
	platform: string;
	/** `failed`: the store could not be polled (or its orders not recorded); its cursor did not move. Others go on. */
	status: 'polled' | 'failed';
	orders: number;
	cursor?: string;
	outcomes: StoreOutcome[];
	error?: { code?: string; status?: number; message: string };
}

export interface InventoryFanOutOptions {
	db: SqlDatabase;
	stores: StoreTarget[];
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
	/** How long a lock outlives its holder's last heartbeat (default DEFAULT_LEASE_MS, 15 s): a dead process frees it then. */
	lockLeaseMs?: number;
	lockPollMs?: number;
	/**
	 * Engines on one database share their in-process lock queue and group commits by default (every execution in an
	 * n8n process builds its own engine); true gives this engine its own, as a separate process would have.
	 */
	isolatedLocks?: boolean;
	/**
	 * Awaited at each step of a store write: a test hook that can stop the process at a named point (crash tests).
	 * Steps: `before-intent` (the store was read), `after-intent` (the intent is committed), `after-write` (the store
	 * answered), `after-ledger` (the outcome is committed).
	 */
	onWriteStep?: (step: WriteStep, row: LedgerKey) => void | Promise<void>;
	/**
	 * The stock group these stores belong to: several engines (nodes, each with its own stores' credentials) sharing one
	 * state store and one stock. Each movement is then owed to every store of the group, each store's change a ledger row
	 * of its own, and each engine writes only its own stores; the other stores' rows wait for their engines.
	 */
	group?: string;
	/**
	 * The group's other stores, declared (`shopify@eu`): a movement this engine records is owed to them even before their
	 * own engine first ran (their engine writes it on its next Apply of the order or Retry Pending). Without them, a
	 * store is owed only what was recorded after it joined. Not kept in the group: a name declared by mistake stops being
	 * owed anything once it is no longer declared.
	 */
	groupMembers?: string[];
}

export type WriteStep = 'before-intent' | 'after-intent' | 'after-write' | 'after-ledger';

const locksByDatabase = new WeakMap<SqlDatabase, StockLocks>();

function sharedLocks(db: SqlDatabase, options: ConstructorParameters<typeof StockLocks>[1]): StockLocks {
	let locks = locksByDatabase.get(db);
	if (!locks) {
		locks = new StockLocks(db, options);
		locksByDatabase.set(db, locks);
	}
	return locks;
}

interface Settled {
	/** Absent when there was nothing to do (a duplicate delivery). */
	outcome?: StoreOutcome;
	record?: (tx: SqlExecutor) => Promise<void>;
}

/** The lock a write holds: `assertHeld` throws LeaseLostError once its lease lapsed, so nothing is written without it. */
interface HeldLock {
	assertHeld(): void;
}

const SIGN: Record<StockReason, number> = { sale: -1, refund: 1, restock: 1, correction: 1 };
const CAS_ATTEMPTS = 5;
/** How often one row's write takes its store's lock again after losing it, before the row is left pending. */
const LOCK_ATTEMPTS = 3;

/**
 * The inventory fan-out (a recipient list with an idempotent consumer in front): a movement is recorded once per
 * (order, line), then applied to every enabled store but its source, all stores in parallel, each with its platform's
 * safest primitive under a per-(store, SKU) lock. A store that fails keeps its row pending for a later run.
 */
export class InventoryFanOut {
	readonly ledger: InventoryLedger;
	private readonly locks: StockLocks;
	private readonly stores: StoreTarget[];
	private readonly onWriteStep: NonNullable<InventoryFanOutOptions['onWriteStep']>;
	private readonly group?: string;
	private readonly groupMembers: string[];
	private joined?: Promise<void>;

	constructor(options: InventoryFanOutOptions) {
		const now = options.now ?? Date.now;
		this.ledger = new InventoryLedger(options.db, now);
		const lockOptions = { leaseMs: options.lockLeaseMs, pollMs: options.lockPollMs ?? 20, sleep: options.sleep ?? defaultSleep, now };
		this.locks = options.isolatedLocks ? new StockLocks(options.db, lockOptions) : sharedLocks(options.db, lockOptions);
		const ids = new Set<string>();
		for (const store of options.stores) {
			if (ids.has(store.id)) throw new Error(`Store "${store.id}" is configured twice`);
			ids.add(store.id);
			validateRules(store.id, store.rules);
		}
		this.stores = options.stores.filter((store) => store.enabled !== false);
		this.onWriteStep = options.onWriteStep ?? (() => undefined);
		this.group = options.group;
		this.groupMembers = options.groupMembers ?? [];
		if (this.groupMembers.length > 0 && this.group === undefined) throw new Error('Group members are declared without a stock group: name the group too');
	}

	/**
	 * Adds this engine's stores to its stock group (once per engine; nothing without a group): every movement recorded
	 * from then on, by any engine of the group, is owed to them too.
	 */
	async joinGroup(): Promise<void> {
		if (this.group === undefined) return;
		const group = this.group;
		this.joined ??= this.ledger.joinGroup(group, this.stores.map((store) => store.id));
		await this.joined;
	}

	/** The stores a movement recorded now is owed to: this engine's, and in a stock group every store of the group and every member declared. */
	private async targetStores(): Promise<string[]> {
		const own = this.stores.map((store) => store.id);
		if (this.group === undefined) return own;
		await this.joinGroup();
		return [...new Set([...own, ...this.groupMembers, ...(await this.ledger.groupStores(this.group))])];
	}

	/** Records the movements once and applies them to every other enabled store. */
	async apply(movements: StockMovement[], delivery?: { source: string; id: string }): Promise<ApplyResult> {
		assertMovements(movements);
		await this.refuseKindClash(movements);
		const stores = await this.targetStores();
		const records = movements.map((movement) => {
			const kind = movement.kind ?? 'sale';
			return {
				orderId: movement.orderId,
				lineId: movement.lineId,
				sku: movement.sku,
				kind,
				change: kind === 'correction' ? movement.quantity : SIGN[kind] * Math.abs(movement.quantity),
				sourceStore: movement.sourceStore,
				targetStores: stores.filter((store) => store !== movement.sourceStore),
			};
		});
		// This engine writes its own stores; a group's other stores' rows wait for their own engines.
		const targets = records.flatMap((record, index) => record.targetStores.filter((storeId) => this.store(storeId)).map((storeId) => ({ record, index, storeId })));
		// The record and the stores' lock takes share one commit: the takes are queued behind it in the same turn.
		const recorded = this.locks.inCommit((tx) => this.ledger.recordIn(tx, records, delivery));
		const work = targets.map(({ record, index, storeId }) => {
			// Rows of a repeated delivery, or of an order cancelled before its sale, may not exist: nothing to do then; nor
			// those of a store that joined its group after the movement was recorded (it was not owed the change).
			const unrecorded = recorded.then((result) => ({ duplicate: result.duplicateDelivery || result.voided[index], earlier: !result.recorded[index] }));
			return this.applyRow({ orderId: record.orderId, lineId: record.lineId, storeId, sku: record.sku }, unrecorded);
		});
		const settled = await Promise.allSettled(work);
		const { duplicateDelivery, voided } = await recorded;
		const voidedOrders = [...new Set(records.filter((_, index) => voided[index]).map((record) => record.orderId))];
		// One store's failure is its own: its row stays pending, the other stores' outcomes stand.
		const outcomes = settled.flatMap((result, index) => {
			if (result.status === 'fulfilled') return result.value ? [result.value] : [];
			const { record, storeId } = targets[index];
			return [this.unsettled({ ...record, storeId }, result.reason)];
		});
		// A repeated delivery reports only what it finished itself: rows an earlier, killed run left pending.
		return { duplicateDelivery, voidedOrders, outcomes };
	}

	/**
	 * Gives back what a cancelled or refunded order took off: each sold line (or the lines listed, each at most what is
	 * left of it) once per (order, line, return key), on every store the sale reached; never on the order's own store,
	 * which the vendor restocks itself, and never for an order that took nothing off (a whole-order return of an order
	 * not recorded yet voids it, so its sale, if it comes later, takes nothing off either). A repeated event records
	 * nothing and finishes what an earlier run left pending.
	 */
	async returnOrder(request: ReturnRequest): Promise<ReturnResult> {
		const checked = checkReturn(request);
		const recorded = await this.locks.inCommit((tx) => this.ledger.recordReturnIn(tx, checked));
		// A group's other stores' rows wait for their own engines.
		const keys = recorded.lines.flatMap((line) =>
			line.stores.filter((storeId) => this.store(storeId)).map((storeId) => ({ orderId: checked.orderId, lineId: line.lineId, storeId, sku: line.sku, change: line.quantity })),
		);
		const settled = await Promise.allSettled(keys.map((key) => this.applyRow(key)));
		const outcomes = settled.flatMap((result, index) => {
			if (result.status === 'rejected') return [this.unsettled(keys[index], result.reason)];
			return result.value ? [result.value] : [];
		});
		return { orderId: checked.orderId, ...recorded, outcomes };
	}

	/**
	 * A movement keyed like one recorded as another kind (a refund of a sold order line under the sale's own order and
	 * line) would be taken for a repeat of it and change nothing: refused, naming the line, pointing at Restock Order.
	 */
	private async refuseKindClash(movements: StockMovement[]): Promise<void> {
		const violations: InputViolation[] = [];
		for (const [index, movement] of movements.entries()) {
			const kind = movement.kind ?? 'sale';
			const recorded = await this.ledger.movementKind(movement.orderId, movement.lineId);
			if (recorded === undefined || recorded === kind) continue;
			const hint = recorded === 'sale' ? ': a cancelled or refunded order is given back with Restock Order' : '';
			violations.push({ field: `movements[${index}].kind`, problem: `is ${kind}, but order ${movement.orderId} line ${movement.lineId} was recorded as a ${recorded}${hint}` });
		}
		if (violations.length > 0) throw new InputError(violations, 'Stock movements');
	}

	/** Applies rows left pending by earlier runs (a store that was down, a rate limit that outlasted retries). */
	async retryPending(limit = 500): Promise<StoreOutcome[]> {
		const rows = await this.ledger.pending(limit, this.stores.map((store) => store.id));
		const outcomes = await Promise.all(rows.map((row) => this.applyRow(row).catch((error: unknown) => this.unsettled(row, error))));
		return outcomes.filter((entry): entry is StoreOutcome => entry !== undefined);
	}

	/**
	 * Pulls the orders placed on each store that can be polled, since that store's cursor, applies them like order
	 * webhooks (the store is their source), and moves the cursor only after they are recorded. Overlapping pulls are
	 * harmless: each order line is applied once.
	 */
	async pollOrders(cursors: OrderCursors): Promise<PolledStore[]> {
		const pollable = this.stores.filter((store) => store.connector.pullOrders);
		return Promise.all(pollable.map((store) => this.pollStore(store, cursors)));
	}

	/** One store's poll: a store that answers with an error is reported failed, with its reason; the others go on. */
	private async pollStore(store: StoreTarget, cursors: OrderCursors): Promise<PolledStore> {
		const base = { store: store.id, platform: store.connector.platform };
		try {
			const since = await cursors.get(store.id);
			const orders = await (store.connector.pullOrders as NonNullable<InventoryConnector['pullOrders']>)(since);
			const results = await Promise.all(
				orders.map((order) => this.apply(orderMovements({ orderId: order.orderId, sourceStore: store.id, lines: order.lines }))),
			);
			const cursor = orders.reduce((latest, order) => (order.modifiedAt > latest ? order.modifiedAt : latest), since ?? '');
			if (cursor) await cursors.set(store.id, cursor);
			return { ...base, status: 'polled', orders: orders.length, cursor: cursor || undefined, outcomes: results.flatMap((result) => result.outcomes) };
		} catch (error) {
			const status = error instanceof PlatformApiError ? error.status : undefined;
			return { ...base, status: 'failed', orders: 0, outcomes: [], error: { ...describe(error), ...(status === undefined ? {} : { status }) } };
		}
	}

	/** Sets the expected quantity of a SKU (a stock count, or the baseline before the first movement). */
	setExpected(sku: string, quantity: number): Promise<void> {
		return this.ledger.setExpected(sku, quantity);
	}

	/**
	 * Compares every enabled store with the ledger's expected quantity for each SKU; with `correct`, sets drifted stores
	 * to it (compare-and-set where the platform has it) and closes their open rows. `baselineFrom` adopts that store's
	 * quantity as the expected one for SKUs that have none yet.
	 */
	async reconcile(skus: string[], options: { correct?: boolean; baselineFrom?: string } = {}): Promise<ReconcileEntry[]> {
		const baseline = options.baselineFrom === undefined ? undefined : this.store(options.baselineFrom);
		if (options.baselineFrom && !baseline) throw new Error(`Baseline store "${options.baselineFrom}" is not an enabled store`);
		const entries: ReconcileEntry[] = [];
		for (const sku of [...new Set(skus)]) {
			if (baseline) await this.adoptBaseline(sku, baseline);
			entries.push(...(await Promise.all(this.stores.map((store) => this.reconcileStore(store, sku, options.correct === true)))));
		}
		return entries;
	}

	/** A baseline store that cannot be read (an unknown SKU, a store down) leaves the SKU without one; its own entry says why. */
	private async adoptBaseline(sku: string, store: StoreTarget): Promise<void> {
		if ((await this.ledger.expected(sku)) !== undefined) return;
		const quantity = await store.connector.getQuantity(sku).catch(() => undefined);
		if (quantity !== undefined) await this.ledger.setExpected(sku, quantity, true);
	}

	private async reconcileStore(store: StoreTarget, sku: string, correct: boolean): Promise<ReconcileEntry> {
		const base = { store: store.id, platform: store.connector.platform, sku };
		const result = await this.locks.run(store.id, sku, {
			// One snapshot of the expected stock and the rows it includes: a movement recorded later is not in it and
			// keeps its row, which its own run applies once this lock is free.
			prepare: async (tx) => ({ stock: await this.ledger.expected(sku, tx), open: await this.ledger.openRows(store.id, sku, tx) }),
			work: async ({ stock, open: owed }, lock): Promise<{ entry: ReconcileEntry; settle?: { rows: LedgerRow[]; quantity: number } }> => {
				try {
					// A write killed before its outcome was recorded is told landed or not before the store is compared.
					const open = await this.resolveInFlight(store, owed, lock).then((rows) => rows.filter((row) => row.status !== 'applied'));
					const actual = await store.connector.getQuantity(sku);
					if (stock === undefined) return { entry: { ...base, status: 'no_baseline', actual } };
					const target = listedQuantity(stock, store.rules);
					const pending = open.filter((row) => row.status === 'pending');
					// An absolute store is set to the target whole; a relative one still owes its pending deltas.
					const expected = hasRules(store.rules) ? target : target - pending.reduce((sum, row) => sum + row.change, 0);
					const drift = actual - expected;
					const summary = { actual, expected, drift, pendingChanges: pending.length };
					if (!correct || (actual === target && open.length === 0)) return { entry: { ...base, status: drift === 0 ? 'in_sync' : 'drift', ...summary } };
					const reference = `inventory-fanout://reconcile/${encodeURIComponent(store.id)}/${encodeURIComponent(sku)}`;
					await this.setTo(store, sku, target, { reason: 'correction', reference }, lock);
					return { entry: { ...base, status: 'corrected', ...summary, expected: target, drift: actual - target }, settle: { rows: open, quantity: target } };
				} catch (error) {
					const described = describe(error);
					return { entry: { ...base, status: described.code === 'UNKNOWN_SKU' ? 'unknown_sku' : 'error', error: described } };
				}
			},
			// The rows it owed are part of the quantity just set: closed in the same transaction that frees the store.
			finish: async (tx, { settle }) => {
				if (settle) await this.ledger.settle(settle.rows, settle.quantity, tx);
			},
		});
		return result.entry;
	}

	/**
	 * Applies one ledger row under its store's lock. `unrecorded`, when given, settles with the recording of the row,
	 * committed in the same transaction that takes the lock: `duplicate` when this call recorded nothing (a repeated
	 * delivery, a void order), which then finishes only rows an earlier run left pending; `earlier` when the movement was
	 * recorded before (a row missing then was never owed: its store joined the group later).
	 */
	private async applyRow(key: LedgerKey & { sku: string }, unrecorded?: Promise<{ duplicate: boolean; earlier: boolean }>): Promise<StoreOutcome | undefined> {
		const store = this.store(key.storeId);
		if (!store) throw new Error(`Store "${key.storeId}" is not an enabled store`);
		for (let attempt = 1; ; attempt++) {
			try {
				return await this.applyRowLocked(store, key, unrecorded);
			} catch (error) {
				// The lock lapsed while this run held it (its process paused past the lease) and it wrote nothing more: take the
				// lock again and start over from the row as it stands then, rather than leave the change to the next resume.
				if (!(error instanceof LeaseLostError) || attempt >= LOCK_ATTEMPTS) throw error;
			}
		}
	}

	private async applyRowLocked(
		store: StoreTarget,
		key: LedgerKey & { sku: string },
		unrecorded?: Promise<{ duplicate: boolean; earlier: boolean }>,
	): Promise<StoreOutcome | undefined> {
		const settled = await this.locks.run(store.id, key.sku, {
			// Read under the lock: another run (a duplicate delivery, a retry, a reconcile) may have settled the row.
			prepare: async (tx) => ({ row: await this.ledger.row(key, tx), inFlight: await this.ledger.inFlight(store.id, key.sku, tx) }),
			work: async ({ row, inFlight }, lock): Promise<Settled> => {
				const { duplicate, earlier } = (await unrecorded) ?? { duplicate: false, earlier: false };
				if (!row && (duplicate || earlier)) return {};
				if (!row) throw new Error(`No ledger row for ${key.orderId}/${key.lineId} on ${key.storeId}`);
				if (row.status !== 'pending') return duplicate ? {} : { outcome: outcome(row, store.connector.platform, true) };
				let current: LedgerRow;
				try {
					current = (await this.resolveInFlight(store, [row, ...inFlight.filter((other) => !sameRow(other, row))], lock))[0];
				} catch (error) {
					if (error instanceof LeaseLostError) throw error;
					// The store cannot be read: nothing is written while an earlier write to it is unresolved.
					const described = describe(error);
					const status = error instanceof UnknownSkuError ? 'failed' : 'pending';
					return { outcome: { ...outcome(row, store.connector.platform, false), status, error: described }, record: (tx) => this.ledger.markUnapplied(row, status, described, tx) };
				}
				if (current.status !== 'pending') return { outcome: outcome(current, store.connector.platform, false) };
				return this.applyToStore(store, current, lock);
			},
			finish: async (tx, result) => await result.record?.(tx),
		});
		if (settled.outcome && !settled.outcome.alreadyDone) await this.onWriteStep('after-ledger', key);
		return settled.outcome;
	}

	/**
	 * Settles the rows whose write was started but never recorded (their process was killed, or the answer was lost):
	 * reads the store back and records, each in its own commit, landed (applied), not landed (still owed, no write in
	 * flight) or in doubt (failed: reconcile settles it). Rows without an intent come back as they are, in order.
	 */
	private async resolveInFlight(store: StoreTarget, rows: LedgerRow[], lock: HeldLock): Promise<LedgerRow[]> {
		const resolved: LedgerRow[] = [];
		for (const row of rows) {
			if (row.status !== 'pending' || !row.intent) {
				resolved.push(row);
				continue;
			}
			const verdict = judgeIntent(row.intent, await this.read(store, row.sku), store.connector.readMarked !== undefined);
			lock.assertHeld();
			resolved.push(await this.locks.inCommit((tx) => this.recordVerdict(row, verdict, tx)));
		}
		return resolved;
	}

	private async recordVerdict(row: LedgerRow, verdict: IntentVerdict, tx: SqlExecutor): Promise<LedgerRow> {
		const intent = row.intent as NonNullable<LedgerRow['intent']>;
		if (verdict === 'landed') {
			await this.ledger.markApplied(row, intent.previous, intent.next, tx);
			return { ...row, status: 'applied', previousQuantity: intent.previous, newQuantity: intent.next, errorCode: null, errorMessage: null };
		}
		if (verdict === 'not_landed') {
			await this.ledger.clearIntent(row, tx);
			return { ...row, intent: null };
		}
		const error = {
			code: 'OUTCOME_UNKNOWN',
			message:
				`The write of ${row.change} to "${row.sku}" on ${row.storeId} (${intent.previous} to ${intent.next}) was interrupted and another ` +
				'writer has changed the quantity since: it is not written again; reconcile sets the store to the expected stock',
		};
		await this.ledger.markUnapplied(row, 'failed', error, tx);
		return { ...row, status: 'failed', errorCode: error.code, errorMessage: error.message };
	}

	/**
	 * Applies one row; the ledger write is returned, to be made in the transaction that releases the lock. A lock whose
	 * lease lapsed (a process paused past it) writes nothing more: the row is left to the lock's new holder.
	 */
	private async applyToStore(store: StoreTarget, row: LedgerRow, lock: HeldLock): Promise<Settled> {
		const context: StockContext = {
			reason: row.kind,
			reference: `inventory-fanout://order/${encodeURIComponent(row.orderId)}/line/${encodeURIComponent(row.lineId)}`,
		};
		const base = outcome(row, store.connector.platform, false);
		let intended = false;
		try {
			let change: StockChange;
			if (hasRules(store.rules)) {
				// An absolute listing computed from the ledger: writing it again is harmless, so it needs no intent.
				change = await this.setListed(store, row.sku, context, lock);
			} else {
				const reading = await this.read(store, row.sku);
				await this.onWriteStep('before-intent', row);
				const intent = { previous: reading.quantity, next: reading.quantity + row.change, marker: context.reference };
				lock.assertHeld();
				await this.locks.inCommit((tx) => this.ledger.recordIntent(row, intent, tx));
				intended = true;
				await this.onWriteStep('after-intent', row);
				lock.assertHeld();
				change = await store.connector.adjust(row.sku, row.change, { ...context, previous: intent.previous });
			}
			await this.onWriteStep('after-write', row);
			return {
				outcome: { ...base, status: 'applied', previousQuantity: change.previous, newQuantity: change.next },
				record: (tx) => this.ledger.markApplied(row, change.previous, change.next, tx),
			};
		} catch (error) {
			if (error instanceof LeaseLostError) throw error;
			if (intended && !isRefusal(error)) return await this.afterUnansweredWrite(store, row, error, lock);
			const described = describe(error);
			const status = isFinal(error) ? 'failed' : 'pending';
			return { outcome: { ...base, status, error: described }, record: (tx) => this.ledger.markUnapplied(row, status, described, tx) };
		}
	}

	/** A write that failed without a refusal (a lost answer, a 5xx, a timeout) may have landed: read back and decide now. */
	private async afterUnansweredWrite(store: StoreTarget, row: LedgerRow, writeError: unknown, lock: HeldLock): Promise<Settled> {
		const failed = describe(writeError);
		const base = outcome(row, store.connector.platform, false);
		const pending: Settled = { outcome: { ...base, status: 'pending', error: failed }, record: (tx) => this.ledger.markUnapplied(row, 'pending', failed, tx) };
		let resolved: LedgerRow;
		try {
			const fresh = await this.ledger.row(row);
			if (!fresh) return pending;
			[resolved] = await this.resolveInFlight(store, [fresh], lock);
		} catch (error) {
			if (error instanceof LeaseLostError) throw error;
			// Unreadable too: the intent stays, and the next run resolves it before writing anything.
			return pending;
		}
		if (resolved.status === 'pending') return pending;
		return { outcome: outcome(resolved, store.connector.platform, false) };
	}

	/** The outcome of a row whose run failed outside the store write (the state store, say): still pending. */
	private unsettled(row: LedgerKey & { sku: string; change: number }, error: unknown): StoreOutcome {
		return {
			orderId: row.orderId,
			lineId: row.lineId,
			sku: row.sku,
			store: row.storeId,
			platform: this.store(row.storeId)?.connector.platform ?? row.storeId,
			status: 'pending',
			change: row.change,
			previousQuantity: null,
			newQuantity: null,
			alreadyDone: false,
			error: describe(error),
		};
	}

	private async read(store: StoreTarget, sku: string): Promise<StockReading> {
		return store.connector.readMarked ? await store.connector.readMarked(sku) : { quantity: await store.connector.getQuantity(sku) };
	}

	/** An absolute store lists the expected stock under its rules; needs the expected stock to exist. */
	private async setListed(store: StoreTarget, sku: string, context: StockContext, lock: HeldLock): Promise<StockChange> {
		const stock = await this.ledger.expected(sku);
		if (stock === undefined) {
			throw Object.assign(new Error(`No expected quantity for "${sku}" yet: reconcile with a baseline store or set a stock count`), {
				code: 'NO_BASELINE',
			});
		}
		return this.setTo(store, sku, listedQuantity(stock, store.rules), context, lock);
	}

	/** Sets an absolute quantity under the lock; compare-and-set where the platform has it, re-read when stale. */
	private async setTo(store: StoreTarget, sku: string, quantity: number, context: StockContext, lock: HeldLock): Promise<StockChange> {
		for (let attempt = 1; ; attempt++) {
			const current = await store.connector.getQuantity(sku);
			if (current === quantity) return { previous: current, next: current };
			lock.assertHeld();
			try {
				return await store.connector.set(sku, quantity, { ...context, compareQuantity: current });
			} catch (error) {
				if (!(error instanceof StaleQuantityError) || attempt >= CAS_ATTEMPTS) throw error;
			}
		}
	}

	private store(id: string): StoreTarget | undefined {
		return this.stores.find((store) => store.id === id);
	}
}

const sameRow = (a: LedgerKey, b: LedgerKey) => a.orderId === b.orderId && a.lineId === b.lineId && a.storeId === b.storeId;

function outcome(row: LedgerRow, platform: string, alreadyDone: boolean): StoreOutcome {
	return {
		orderId: row.orderId,
		lineId: row.lineId,
		sku: row.sku,
		store: row.storeId,
		platform,
		status: row.status,
		change: row.change,
		previousQuantity: row.previousQuantity,
		newQuantity: row.newQuantity,
		alreadyDone,
		...(row.status !== 'applied' && row.errorMessage ? { error: { code: row.errorCode ?? undefined, message: row.errorMessage } } : {}),
	};
}

function describe(error: unknown): { code?: string; message: string } {
	const code = (error as { code?: unknown }).code;
	return { code: typeof code === 'string' ? code : undefined, message: error instanceof Error ? error.message : String(error) };
}

/**
 * Failures a later run would only repeat or must not repeat: a refusal (below), or a non-idempotent write whose answer
 * was lost (OUTCOME_UNKNOWN) when no intent was recorded to decide it by. Reconcile settles them.
 */
function isFinal(error: unknown): boolean {
	return isRefusal(error) || (error instanceof PlatformApiError && error.code === 'OUTCOME_UNKNOWN');
}

/** The store did not take the write, or took it and found another writer: an unknown SKU, a read-back that differs, an invalid request. */
function isRefusal(error: unknown): boolean {
	if (error instanceof UnknownSkuError || error instanceof ConcurrentChangeError) return true;
	// A 2xx that carries errors (a GraphQL error other than a throttle) is a refusal, like a 4xx.
	return error instanceof PlatformApiError && error.code !== 'OUTCOME_UNKNOWN' && error.status !== undefined && (error.status < 300 || [400, 404, 422].includes(error.status));
}
