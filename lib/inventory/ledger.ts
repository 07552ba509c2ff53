import { selectIn } from '../store/inList';
import { OutboxTopic, outboxKey, type QueuedEntry } from '../store/outbox';
import type { SqlDatabase, SqlExecutor } from '../store/types';
import type { StockReason } from '../platforms/inventory';

export type LedgerStatus = 'pending' | 'applied' | 'failed';

export interface LedgerKey {
	orderId: string;
	lineId: string;
	storeId: string;
}

/**
 * What a write to a store is about to do, committed before the write: the quantity read, the quantity aimed at and the
 * marker the write carries. A pending row with an intent may have reached the store: it is resolved before anything
 * else is written to that store and SKU (InventoryFanOut's resolveInFlight, by lib/inventory/recovery.ts).
 */
export interface WriteIntent {
	previous: number;
	next: number;
	marker: string;
	at: string;
}

export interface LedgerRow extends LedgerKey {
	sku: string;
	change: number;
	kind: StockReason;
	status: LedgerStatus;
	previousQuantity: number | null;
	newQuantity: number | null;
	attempts: number;
	errorCode: string | null;
	errorMessage: string | null;
	intent: WriteIntent | null;
	createdAt: string;
	updatedAt: string;
}

/** One movement to record, with the stores it must reach. */
export interface MovementRecord {
	orderId: string;
	lineId: string;
	sku: string;
	change: number;
	kind: StockReason;
	sourceStore?: string;
	targetStores: string[];
}

/**
 * What a cancellation or a refund gives back of a recorded sale: all its lines, or some, each at most what is left of
 * it. The sold lines come from the ledger, so an event that names only the order (BigCommerce) is enough.
 */
export interface ReturnRequest {
	/** The order as its sale was recorded: namespaced by its store (`shopify:1001`). */
	orderId: string;
	kind: 'refund' | 'restock';
	/**
	 * What makes the return happen once: `order` for an event that returns the whole order (a cancellation, a full
	 * refund; every such event of one order is the same return), the vendor's refund id for one that returns some lines.
	 */
	key: string;
	/** The lines returned, each at most what is left of it (all of it by default); every sold line, whole, when absent. */
	lines?: Array<{ lineId: string; quantity?: number }>;
}

/**
 * `recorded`: given back now; `repeated`: this return was recorded before (its rows are finished, not made again);
 * `nothing_left`: an earlier return (the cancellation, another refund) gave the whole line back; `not_sold`: no such
 * line was recorded for the order.
 */
export type ReturnLineStatus = 'recorded' | 'repeated' | 'nothing_left' | 'not_sold';

export interface ReturnLine {
	/** The sold line it gives back. */
	soldLineId: string;
	/** The return's own line in the ledger: `<sold line>:return:<key>`. */
	lineId: string;
	sku: string;
	quantity: number;
	status: ReturnLineStatus;
	/** The stores it reaches: those the sale took the units off, or still owes them. */
	stores: string[];
}

export interface RecordedReturn {
	/** False when the order took nothing off here: never recorded, or cancelled before its sale was. */
	sold: boolean;
	/** This return came before the order's sale: the order is void, and its sale, if it comes, takes nothing off. */
	voided: boolean;
	lines: ReturnLine[];
}

/** What recording one movement did: `voided` is a sale of an order cancelled before it arrived. */
type RecordedMovement = 'recorded' | 'exists' | 'voided';

export const WHOLE_ORDER = 'order';

interface RawRow {
	order_id: string;
	line_id: string;
	store_id: string;
	sku: string;
	change: number | string;
	kind: StockReason;
	previous_quantity: number | string | null;
	new_quantity: number | string | null;
	intent_previous: number | string | null;
	intent_next: number | string | null;
	intent_marker: string | null;
	intent_at: string | null;
	created_at: string;
	updated_at: string;
	[column: string]: unknown;
}

/**
 * Where a row's change stands is the outbox's: an open entry is a change still owed (pending), with its attempts, last
 * error and next-attempt time; a closed one was settled, applied when the ledger holds the quantity it left, else failed.
 */
export const LEDGER_TOPIC = 'inventory.ledger';

/** The outbox entry of a ledger row: keyed by (order, line, store), grouped by order, its payload the row's key. */
export const ledgerEntryKey = (key: LedgerKey) => outboxKey(key.orderId, key.lineId, key.storeId);

const nullableNumber = (value: number | string | null) => (value === null ? null : Number(value));

function toRow(raw: RawRow, entry: QueuedEntry<LedgerKey> | undefined): LedgerRow {
	const newQuantity = nullableNumber(raw.new_quantity);
	return {
		orderId: raw.order_id,
		lineId: raw.line_id,
		storeId: raw.store_id,
		sku: raw.sku,
		change: Number(raw.change),
		kind: raw.kind,
		status: entry?.open ? 'pending' : newQuantity === null ? 'failed' : 'applied',
		previousQuantity: nullableNumber(raw.previous_quantity),
		newQuantity,
		attempts: entry?.attempts ?? 0,
		errorCode: entry?.error?.code ?? null,
		errorMessage: entry?.error?.message ?? null,
		intent:
			raw.intent_at === null
				? null
				: { previous: Number(raw.intent_previous), next: Number(raw.intent_next), marker: raw.intent_marker ?? '', at: raw.intent_at },
		createdAt: raw.created_at,
		updatedAt: raw.updated_at,
	};
}

const KEY = 'order_id = ? AND line_id = ? AND store_id = ?';
/** A row whose change was not applied: still owed (its entry open) or failed. */
const UNAPPLIED = 'new_quantity IS NULL';

/** The ledger line of a return: the sold line and the return's key, so each return of a line is its own movement. */
export const returnLineId = (soldLineId: string, key: string) => `${soldLineId}:return:${key}`;
const keyParams = (key: LedgerKey) => [key.orderId, key.lineId, key.storeId];
const keyOf = (row: LedgerKey): LedgerKey => ({ orderId: row.orderId, lineId: row.lineId, storeId: row.storeId });

/**
 * The inventory ledger. A movement is recorded once per (order, line) by its primary key, together with its effect
 * on the expected quantity and one pending row per target store, all in one transaction: a repeated webhook or a
 * retried execution finds them there and changes nothing twice.
 */
export class InventoryLedger {
	constructor(
		private readonly db: SqlDatabase,
		private readonly now: () => number = Date.now,
	) {}

	/** Records a delivery's movements; false when the vendor's delivery id was seen before (nothing is recorded). */
	record(movements: MovementRecord[], delivery?: { source: string; id: string }): Promise<{ duplicateDelivery: boolean; recorded: boolean[] }> {
		return this.db.transaction((tx) => this.recordIn(tx, movements, delivery));
	}

	/** `record` inside the caller's transaction. */
	async recordIn(
		tx: SqlExecutor,
		movements: MovementRecord[],
		delivery?: { source: string; id: string },
	): Promise<{ duplicateDelivery: boolean; recorded: boolean[]; voided: boolean[] }> {
		const stamp = this.stamp();
		if (delivery) {
			const seen = await tx.run(
				'INSERT INTO inventory_deliveries (source, delivery_id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
				[delivery.source, delivery.id, stamp],
			);
			if (seen.changes === 0) return { duplicateDelivery: true, recorded: movements.map(() => false), voided: movements.map(() => false) };
		}
		const results: RecordedMovement[] = [];
		for (const movement of movements) results.push(await this.recordOne(tx, movement, stamp));
		return { duplicateDelivery: false, recorded: results.map((result) => result === 'recorded'), voided: results.map((result) => result === 'voided') };
	}

	private async recordOne(tx: SqlExecutor, movement: MovementRecord, stamp: string): Promise<RecordedMovement> {
		// A sale takes its order's row (or finds it): one whose cancellation came first is void and takes nothing off.
		if (movement.kind === 'sale' && (await this.orderVoided(tx, movement.orderId, null))) return 'voided';
		const inserted = await tx.run(
			`INSERT INTO inventory_movements (order_id, line_id, sku, change, kind, source_store, created_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			[movement.orderId, movement.lineId, movement.sku, movement.change, movement.kind, movement.sourceStore ?? null, stamp],
		);
		if (inserted.changes === 0) return 'exists';
		await tx.run('UPDATE inventory_stock SET quantity = quantity + ?, updated_at = ? WHERE sku = ?', [movement.change, stamp, movement.sku]);
		await this.insertRows(tx, movement, stamp);
		return 'recorded';
	}

	/** One row per target store, and its change owed to that store as an open outbox entry: both once per (order, line, store). */
	private async insertRows(tx: SqlExecutor, movement: Omit<MovementRecord, 'sourceStore'>, stamp: string): Promise<void> {
		for (const storeId of movement.targetStores) {
			const inserted = await tx.run(
				`INSERT INTO inventory_ledger (order_id, line_id, store_id, sku, change, kind, created_at, updated_at)
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
				[movement.orderId, movement.lineId, storeId, movement.sku, movement.change, movement.kind, stamp, stamp],
			);
			const key = { orderId: movement.orderId, lineId: movement.lineId, storeId };
			if (inserted.changes === 1) await this.owed(tx).put([{ key: ledgerEntryKey(key), group: key.orderId, payload: key }]);
		}
	}

	/** The changes owed to stores: the ledger's topic of the outbox, through `executor`. */
	private owed(executor: SqlExecutor = this.db): OutboxTopic<LedgerKey> {
		return new OutboxTopic<LedgerKey>(executor, LEDGER_TOPIC, this.now);
	}

	/** Rows read from the ledger, each with where its change stands (its outbox entry). */
	private async withState(raws: RawRow[], executor: SqlExecutor = this.db): Promise<LedgerRow[]> {
		const keys = raws.map((raw) => ledgerEntryKey({ orderId: raw.order_id, lineId: raw.line_id, storeId: raw.store_id }));
		const entries = await this.owed(executor).getMany(keys);
		return raws.map((raw, index) => toRow(raw, entries.get(keys[index])));
	}

	/** The ledger rows of these keys, in the order given; keys without a row are left out. */
	private async rowsFor(keys: LedgerKey[], executor: SqlExecutor = this.db): Promise<LedgerRow[]> {
		const orders = [...new Set(keys.map((key) => key.orderId))];
		const raws = await selectIn<RawRow, string>(executor, orders, ({ placeholders, values }) => ({
			sql: `SELECT * FROM inventory_ledger WHERE order_id IN (${placeholders})`,
			params: values,
		}));
		const byKey = new Map(raws.map((raw) => [ledgerEntryKey({ orderId: raw.order_id, lineId: raw.line_id, storeId: raw.store_id }), raw]));
		const wanted = keys.flatMap((key) => byKey.get(ledgerEntryKey(key)) ?? []);
		return this.withState(wanted, executor);
	}

	/**
	 * Takes the order's row, or finds it: a sale takes it as sold (`voidedAt` null), a whole-order return as void. Whoever
	 * inserts first decides; on PostgreSQL the second insert waits for the first's commit, so a sale and a cancellation of
	 * one order never both miss each other. True when the order is void (cancelled before it was sold).
	 */
	private async orderVoided(tx: SqlExecutor, orderId: string, voidedAt: string | null): Promise<boolean> {
		await tx.run('INSERT INTO inventory_orders (order_id, voided_at) VALUES (?, ?) ON CONFLICT DO NOTHING', [orderId, voidedAt]);
		const [order] = await tx.query<{ voided_at: string | null }>('SELECT voided_at FROM inventory_orders WHERE order_id = ?', [orderId]);
		return order.voided_at !== null;
	}

	/**
	 * Records a cancellation's or refund's return of a recorded sale, each line once per (order, line, return key) and
	 * never beyond what was sold, with a row per store the sale reached; the expected stock moves back in the same
	 * transaction. A whole-order return of an order not sold yet voids it instead (nothing to give back, nothing to take
	 * later). A return recorded before comes back as `repeated`, with its stores, to finish what an earlier run left.
	 */
	async recordReturnIn(tx: SqlExecutor, request: ReturnRequest): Promise<RecordedReturn> {
		const stamp = this.stamp();
		const wholeOrder = request.lines === undefined;
		const sold = await tx.query<{ voided_at: string | null }>('SELECT voided_at FROM inventory_orders WHERE order_id = ?', [request.orderId]);
		if (sold.length === 0) {
			if (!wholeOrder) return { sold: false, voided: false, lines: [] };
			// Void it; if its sale got the row first after all, go on with the sale.
			if (await this.orderVoided(tx, request.orderId, stamp)) return { sold: false, voided: true, lines: [] };
		} else if (sold[0].voided_at !== null) return { sold: false, voided: false, lines: [] };
		// Lock the order's sold lines: on PostgreSQL a concurrent return of the same order waits here and then reads
		// what that one gave back, so two returns never give back the same units.
		await tx.run("UPDATE inventory_movements SET restocked = restocked WHERE order_id = ? AND kind = 'sale'", [request.orderId]);
		const sales = await tx.query<{ line_id: string; sku: string; change: number | string; restocked: number | string }>(
			"SELECT line_id, sku, change, restocked FROM inventory_movements WHERE order_id = ? AND kind = 'sale' ORDER BY line_id",
			[request.orderId],
		);
		const wanted = request.lines ?? sales.map((sale) => ({ lineId: sale.line_id, quantity: undefined }));
		const lines: ReturnLine[] = [];
		for (const line of wanted) {
			const sale = sales.find((candidate) => candidate.line_id === line.lineId);
			lines.push(sale ? await this.returnLine(tx, request, sale, line.quantity, stamp) : { soldLineId: line.lineId, lineId: returnLineId(line.lineId, request.key), sku: '', quantity: line.quantity ?? 0, status: 'not_sold', stores: [] });
		}
		return { sold: sales.length > 0, voided: false, lines };
	}

	private async returnLine(
		tx: SqlExecutor,
		request: ReturnRequest,
		sale: { line_id: string; sku: string; change: number | string; restocked: number | string },
		asked: number | undefined,
		stamp: string,
	): Promise<ReturnLine> {
		const lineId = returnLineId(sale.line_id, request.key);
		const line = { soldLineId: sale.line_id, lineId, sku: sale.sku };
		const [earlier] = await tx.query<{ change: number | string }>('SELECT change FROM inventory_movements WHERE order_id = ? AND line_id = ?', [request.orderId, lineId]);
		if (earlier) return { ...line, quantity: Number(earlier.change), status: 'repeated', stores: await this.storesOf(tx, request.orderId, lineId) };
		const left = -Number(sale.change) - Number(sale.restocked);
		const quantity = Math.min(asked ?? left, left);
		if (quantity <= 0) return { ...line, quantity: 0, status: 'nothing_left', stores: [] };
		// The stores the sale took the units off (or still owes them); a store whose sale failed (refused, or settled by
		// reconcile toward the expected stock) gets nothing back that it never gave.
		const stores = await this.storesOf(tx, request.orderId, sale.line_id, true);
		await tx.run(
			'INSERT INTO inventory_movements (order_id, line_id, sku, change, kind, source_store, created_at) VALUES (?, ?, ?, ?, ?, NULL, ?)',
			[request.orderId, lineId, sale.sku, quantity, request.kind, stamp],
		);
		await tx.run('UPDATE inventory_movements SET restocked = restocked + ? WHERE order_id = ? AND line_id = ?', [quantity, request.orderId, sale.line_id]);
		await tx.run('UPDATE inventory_stock SET quantity = quantity + ?, updated_at = ? WHERE sku = ?', [quantity, stamp, sale.sku]);
		await this.insertRows(tx, { orderId: request.orderId, lineId, sku: sale.sku, change: quantity, kind: request.kind, targetStores: stores }, stamp);
		return { ...line, quantity, status: 'recorded', stores };
	}

	/** The stores of an (order, line)'s rows; with `notFailed`, only those that took the change or still owe it. */
	private async storesOf(tx: SqlExecutor, orderId: string, lineId: string, notFailed = false): Promise<string[]> {
		const raws = await tx.query<RawRow>('SELECT * FROM inventory_ledger WHERE order_id = ? AND line_id = ? ORDER BY store_id', [orderId, lineId]);
		const rows = await this.withState(raws, tx);
		return rows.filter((row) => !notFailed || row.status !== 'failed').map((row) => row.storeId);
	}

	/** The kind an (order, line) was recorded as, if it was. */
	async movementKind(orderId: string, lineId: string): Promise<StockReason | undefined> {
		const rows = await this.db.query<{ kind: StockReason }>('SELECT kind FROM inventory_movements WHERE order_id = ? AND line_id = ?', [orderId, lineId]);
		return rows[0]?.kind;
	}

	async row(key: LedgerKey, executor: SqlExecutor = this.db): Promise<LedgerRow | undefined> {
		const raws = await executor.query<RawRow>(`SELECT * FROM inventory_ledger WHERE ${KEY}`, keyParams(key));
		return (await this.withState(raws, executor))[0];
	}

	/** Rows of one order and line, every store. */
	async rowsOf(orderId: string, lineId: string): Promise<LedgerRow[]> {
		const raws = await this.db.query<RawRow>('SELECT * FROM inventory_ledger WHERE order_id = ? AND line_id = ? ORDER BY store_id', [orderId, lineId]);
		return this.withState(raws);
	}

	/** An order's rows still owed to a store (pending: a store that was down, a write whose outcome is not yet known). */
	async owedBy(orderId: string): Promise<LedgerRow[]> {
		const raws = await this.db.query<RawRow>('SELECT * FROM inventory_ledger WHERE order_id = ? ORDER BY line_id, store_id', [orderId]);
		return (await this.withState(raws)).filter((row) => row.status === 'pending');
	}

	/**
	 * The `limit` oldest rows still owed to a store (to one of `storeIds` when given: the stores a run can write), listed
	 * by order, line and store (as `owedBy` lists them): one order's entries can be noted milliseconds apart, so their
	 * times alone would list its stores in no stable order.
	 */
	async pending(limit: number, storeIds?: string[]): Promise<LedgerRow[]> {
		const owed = this.owed();
		const entries = storeIds
			? (await Promise.all(storeIds.map((storeId) => owed.list({ order: 'created', limit, payload: { storeId } }))))
					.flat()
					.sort((a, b) => compareText(a.createdAt, b.createdAt) || compareText(a.key, b.key))
					.slice(0, limit)
			: await owed.list({ order: 'created', limit });
		const rows = await this.rowsFor(entries.map((entry) => entry.payload));
		return rows.sort((a, b) => compareText(a.orderId, b.orderId) || compareText(a.lineId, b.lineId) || compareText(a.storeId, b.storeId));
	}

	/** Every row, newest first, for inspection and tests. */
	async list(filter: { storeId?: string; sku?: string; status?: LedgerStatus } = {}, limit = 1000): Promise<LedgerRow[]> {
		const clauses: string[] = [];
		const params: Array<string | number> = [];
		for (const [column, value] of [['store_id', filter.storeId], ['sku', filter.sku]] as const) {
			if (value === undefined) continue;
			clauses.push(`${column} = ?`);
			params.push(value);
		}
		if (filter.status !== undefined) clauses.push(filter.status === 'applied' ? 'new_quantity IS NOT NULL' : UNAPPLIED);
		const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
		const raws = await this.db.query<RawRow>(`SELECT * FROM inventory_ledger ${where} ORDER BY updated_at DESC`, params);
		const rows = await this.withState(raws);
		return rows.filter((row) => filter.status === undefined || row.status === filter.status).slice(0, limit);
	}

	/** The store took the change: the ledger keeps the quantities it read and left, the change is no longer owed. */
	async markApplied(key: LedgerKey, previous: number, next: number, executor: SqlExecutor = this.db): Promise<void> {
		if (!(await this.isOwed(key, executor))) return;
		await executor.run(`UPDATE inventory_ledger SET previous_quantity = ?, new_quantity = ?, updated_at = ? WHERE ${KEY}`, [previous, next, this.stamp(), ...keyParams(key)]);
		await this.owed(executor).settle(ledgerEntryKey(key), { attempts: 1, error: null });
	}

	/** Records a write's intent in its own step, before the write. Only a pending row takes one. */
	async recordIntent(key: LedgerKey, intent: Omit<WriteIntent, 'at'>, executor: SqlExecutor = this.db): Promise<void> {
		if (!(await this.isOwed(key, executor))) return;
		const stamp = this.stamp();
		await executor.run(
			`UPDATE inventory_ledger SET intent_previous = ?, intent_next = ?, intent_marker = ?, intent_at = ?, updated_at = ? WHERE ${KEY}`,
			[intent.previous, intent.next, intent.marker, stamp, stamp, ...keyParams(key)],
		);
	}

	/** The write of a pending row's intent did not reach the store: the row owes its change, with no write in flight. */
	async clearIntent(key: LedgerKey, executor: SqlExecutor = this.db): Promise<void> {
		if (!(await this.isOwed(key, executor))) return;
		await executor.run(
			`UPDATE inventory_ledger SET intent_previous = NULL, intent_next = NULL, intent_marker = NULL, intent_at = NULL, updated_at = ? WHERE ${KEY}`,
			[this.stamp(), ...keyParams(key)],
		);
	}

	/** A store's pending rows for a SKU whose write may have reached the store (an intent without an outcome). */
	async inFlight(storeId: string, sku: string, executor: SqlExecutor = this.db): Promise<LedgerRow[]> {
		const raws = await executor.query<RawRow>(
			`SELECT * FROM inventory_ledger WHERE store_id = ? AND sku = ? AND ${UNAPPLIED} AND intent_at IS NOT NULL ORDER BY intent_at`,
			[storeId, sku],
		);
		return (await this.withState(raws, executor)).filter((row) => row.status === 'pending');
	}

	/**
	 * A try that did not apply the change: counted with its error on the row's entry, which stays owed (`pending`, tried
	 * again by a later run) or is closed (`failed`: reconcile settles it).
	 */
	async markUnapplied(key: LedgerKey, status: 'pending' | 'failed', error: { code?: string; message: string }, executor: SqlExecutor = this.db): Promise<void> {
		if (!(await this.isOwed(key, executor))) return;
		const owed = this.owed(executor);
		const entryKey = ledgerEntryKey(key);
		if (status === 'pending') await owed.recordFailures([{ key: entryKey, group: key.orderId, payload: keyOf(key), error }]);
		else await owed.settle(entryKey, { attempts: 1, error });
		await executor.run(`UPDATE inventory_ledger SET updated_at = ? WHERE ${KEY}`, [this.stamp(), ...keyParams(key)]);
	}

	/** A store's rows for a SKU that are not applied: pending (still owed) and failed (settled by reconcile). */
	async openRows(storeId: string, sku: string, executor: SqlExecutor = this.db): Promise<LedgerRow[]> {
		const raws = await executor.query<RawRow>(`SELECT * FROM inventory_ledger WHERE store_id = ? AND sku = ? AND ${UNAPPLIED}`, [storeId, sku]);
		return this.withState(raws, executor);
	}

	/** After reconcile set a store to a quantity that includes these rows' changes, they are applied: close them. */
	async settle(rows: LedgerKey[], quantity: number, executor: SqlExecutor = this.db): Promise<void> {
		const stamp = this.stamp();
		for (const row of rows) {
			const unapplied = await executor.run(`UPDATE inventory_ledger SET new_quantity = ?, updated_at = ? WHERE ${KEY} AND ${UNAPPLIED}`, [quantity, stamp, ...keyParams(row)]);
			if (unapplied.changes === 1) await this.owed(executor).settle(ledgerEntryKey(row), { error: { code: 'RECONCILED', message: 'applied by reconcile' } });
		}
	}

	/** Whether the row's change is still owed (its entry open): only such a row takes an intent or an outcome. */
	private async isOwed(key: LedgerKey, executor: SqlExecutor): Promise<boolean> {
		return (await this.owed(executor).get(ledgerEntryKey(key)))?.open === true;
	}

	/**
	 * Adds stores to a stock group (the stores of several nodes sharing one stock and one state store): each movement
	 * recorded from then on is owed to every store of the group, whichever node records it. Joining again changes nothing.
	 */
	async joinGroup(group: string, storeIds: string[]): Promise<void> {
		const stamp = this.stamp();
		for (const storeId of storeIds) {
			await this.db.run('INSERT INTO inventory_group_stores (group_name, store_id, joined_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [group, storeId, stamp]);
		}
	}

	/** The stores of a stock group, by id. */
	async groupStores(group: string): Promise<string[]> {
		const rows = await this.db.query<{ store_id: string }>('SELECT store_id FROM inventory_group_stores WHERE group_name = ? ORDER BY store_id', [group]);
		return rows.map((row) => row.store_id);
	}

	/** The expected available quantity of a SKU across channels; undefined until a baseline is set. */
	async expected(sku: string, executor: SqlExecutor = this.db): Promise<number | undefined> {
		const rows = await executor.query<{ quantity: number | string }>('SELECT quantity FROM inventory_stock WHERE sku = ?', [sku]);
		return rows[0] ? Number(rows[0].quantity) : undefined;
	}

	/** Sets the expected quantity (a stock count); `onlyIfMissing` adopts a baseline without overwriting one. */
	async setExpected(sku: string, quantity: number, onlyIfMissing = false): Promise<void> {
		const stamp = this.stamp();
		const conflict = onlyIfMissing ? 'DO NOTHING' : 'DO UPDATE SET quantity = excluded.quantity, updated_at = excluded.updated_at';
		await this.db.run(`INSERT INTO inventory_stock (sku, quantity, updated_at) VALUES (?, ?, ?) ON CONFLICT (sku) ${conflict}`, [sku, quantity, stamp]);
	}

	private stamp(): string {
		return new Date(this.now()).toISOString();
	}
}

/** Plain code-unit order, the same as the store's `ORDER BY` on these ASCII ids. */
function compareText(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}
