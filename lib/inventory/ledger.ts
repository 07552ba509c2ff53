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

interface RawRow {
	order_id: string;
	line_id: string;
	store_id: string;
	sku: string;
	change: number | string;
	kind: StockReason;
	status: LedgerStatus;
	previous_quantity: number | string | null;
	new_quantity: number | string | null;
	attempts: number | string;
	error_code: string | null;
	error_message: string | null;
	intent_previous: number | string | null;
	intent_next: number | string | null;
	intent_marker: string | null;
	intent_at: string | null;
	created_at: string;
	updated_at: string;
	[column: string]: unknown;
}

const nullableNumber = (value: number | string | null) => (value === null ? null : Number(value));

function toRow(raw: RawRow): LedgerRow {
	return {
		orderId: raw.order_id,
		lineId: raw.line_id,
		storeId: raw.store_id,
		sku: raw.sku,
		change: Number(raw.change),
		kind: raw.kind,
		status: raw.status,
		previousQuantity: nullableNumber(raw.previous_quantity),
		newQuantity: nullableNumber(raw.new_quantity),
		attempts: Number(raw.attempts),
		errorCode: raw.error_code,
		errorMessage: raw.error_message,
		intent:
			raw.intent_at === null
				? null
				: { previous: Number(raw.intent_previous), next: Number(raw.intent_next), marker: raw.intent_marker ?? '', at: raw.intent_at },
		createdAt: raw.created_at,
		updatedAt: raw.updated_at,
	};
}

const KEY = 'order_id = ? AND line_id = ? AND store_id = ?';
const keyParams = (key: LedgerKey) => [key.orderId, key.lineId, key.storeId];

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
	async recordIn(tx: SqlExecutor, movements: MovementRecord[], delivery?: { source: string; id: string }): Promise<{ duplicateDelivery: boolean; recorded: boolean[] }> {
		const stamp = this.stamp();
		if (delivery) {
			const seen = await tx.run(
				'INSERT INTO inventory_deliveries (source, delivery_id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
				[delivery.source, delivery.id, stamp],
			);
			if (seen.changes === 0) return { duplicateDelivery: true, recorded: movements.map(() => false) };
		}
		const recorded: boolean[] = [];
		for (const movement of movements) recorded.push(await this.recordOne(tx, movement, stamp));
		return { duplicateDelivery: false, recorded };
	}

	private async recordOne(tx: SqlExecutor, movement: MovementRecord, stamp: string): Promise<boolean> {
		const inserted = await tx.run(
			`INSERT INTO inventory_movements (order_id, line_id, sku, change, kind, source_store, created_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			[movement.orderId, movement.lineId, movement.sku, movement.change, movement.kind, movement.sourceStore ?? null, stamp],
		);
		if (inserted.changes === 0) return false;
		await tx.run('UPDATE inventory_stock SET quantity = quantity + ?, updated_at = ? WHERE sku = ?', [movement.change, stamp, movement.sku]);
		for (const storeId of movement.targetStores) {
			await tx.run(
				`INSERT INTO inventory_ledger (order_id, line_id, store_id, sku, change, kind, status, attempts, created_at, updated_at)
				 VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT DO NOTHING`,
				[movement.orderId, movement.lineId, storeId, movement.sku, movement.change, movement.kind, stamp, stamp],
			);
		}
		return true;
	}

	async row(key: LedgerKey, executor: SqlExecutor = this.db): Promise<LedgerRow | undefined> {
		const rows = await executor.query<RawRow>(`SELECT * FROM inventory_ledger WHERE ${KEY}`, keyParams(key));
		return rows[0] && toRow(rows[0]);
	}

	/** Rows of one order and line, every store. */
	async rowsOf(orderId: string, lineId: string): Promise<LedgerRow[]> {
		const rows = await this.db.query<RawRow>('SELECT * FROM inventory_ledger WHERE order_id = ? AND line_id = ? ORDER BY store_id', [orderId, lineId]);
		return rows.map(toRow);
	}

	/** An order's rows still owed to a store (pending: a store that was down, a write whose outcome is not yet known). */
	async owedBy(orderId: string): Promise<LedgerRow[]> {
		const rows = await this.db.query<RawRow>("SELECT * FROM inventory_ledger WHERE order_id = ? AND status = 'pending' ORDER BY line_id, store_id", [orderId]);
		return rows.map(toRow);
	}

	async pending(limit: number): Promise<LedgerRow[]> {
		const rows = await this.db.query<RawRow>(
			"SELECT * FROM inventory_ledger WHERE status = 'pending' ORDER BY created_at, order_id, line_id, store_id LIMIT ?",
			[limit],
		);
		return rows.map(toRow);
	}

	/** Every row, newest first, for inspection and tests. */
	async list(filter: { storeId?: string; sku?: string; status?: LedgerStatus } = {}, limit = 1000): Promise<LedgerRow[]> {
		const clauses: string[] = [];
		const params: Array<string | number> = [];
		for (const [column, value] of [['store_id', filter.storeId], ['sku', filter.sku], ['status', filter.status]] as const) {
			if (value === undefined) continue;
			clauses.push(`${column} = ?`);
			params.push(value);
		}
		const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
		const rows = await this.db.query<RawRow>(`SELECT * FROM inventory_ledger ${where} ORDER BY updated_at DESC LIMIT ?`, [...params, limit]);
		return rows.map(toRow);
	}

	async markApplied(key: LedgerKey, previous: number, next: number, executor: SqlExecutor = this.db): Promise<void> {
		await executor.run(
			`UPDATE inventory_ledger SET status = 'applied', previous_quantity = ?, new_quantity = ?, attempts = attempts + 1,
			 error_code = NULL, error_message = NULL, updated_at = ? WHERE ${KEY} AND status = 'pending'`,
			[previous, next, this.stamp(), ...keyParams(key)],
		);
	}

	/** Records a write's intent in its own step, before the write. Only a pending row takes one. */
	async recordIntent(key: LedgerKey, intent: Omit<WriteIntent, 'at'>, executor: SqlExecutor = this.db): Promise<void> {
		const stamp = this.stamp();
		await executor.run(
			`UPDATE inventory_ledger SET intent_previous = ?, intent_next = ?, intent_marker = ?, intent_at = ?, updated_at = ?
			 WHERE ${KEY} AND status = 'pending'`,
			[intent.previous, intent.next, intent.marker, stamp, stamp, ...keyParams(key)],
		);
	}

	/** The write of a pending row's intent did not reach the store: the row owes its change, with no write in flight. */
	async clearIntent(key: LedgerKey, executor: SqlExecutor = this.db): Promise<void> {
		await executor.run(
			`UPDATE inventory_ledger SET intent_previous = NULL, intent_next = NULL, intent_marker = NULL, intent_at = NULL, updated_at = ?
			 WHERE ${KEY} AND status = 'pending'`,
			[this.stamp(), ...keyParams(key)],
		);
	}

	/** A store's pending rows for a SKU whose write may have reached the store (an intent without an outcome). */
	async inFlight(storeId: string, sku: string, executor: SqlExecutor = this.db): Promise<LedgerRow[]> {
		const rows = await executor.query<RawRow>(
			"SELECT * FROM inventory_ledger WHERE store_id = ? AND sku = ? AND status = 'pending' AND intent_at IS NOT NULL ORDER BY intent_at",
			[storeId, sku],
		);
		return rows.map(toRow);
	}

	async markUnapplied(key: LedgerKey, status: 'pending' | 'failed', error: { code?: string; message: string }, executor: SqlExecutor = this.db): Promise<void> {
		await executor.run(
			`UPDATE inventory_ledger SET status = ?, attempts = attempts + 1, error_code = ?, error_message = ?, updated_at = ?
			 WHERE ${KEY} AND status = 'pending'`,
			[status, error.code ?? null, error.message, this.stamp(), ...keyParams(key)],
		);
	}

	/** A store's rows for a SKU that are not applied: pending (still owed) and failed (settled by reconcile). */
	async openRows(storeId: string, sku: string, executor: SqlExecutor = this.db): Promise<LedgerRow[]> {
		const rows = await executor.query<RawRow>(
			"SELECT * FROM inventory_ledger WHERE store_id = ? AND sku = ? AND status IN ('pending', 'failed')",
			[storeId, sku],
		);
		return rows.map(toRow);
	}

	/** After reconcile set a store to a quantity that includes these rows' changes, they are applied: close them. */
	async settle(rows: LedgerKey[], quantity: number, executor: SqlExecutor = this.db): Promise<void> {
		const stamp = this.stamp();
		for (const row of rows) {
			await executor.run(
				`UPDATE inventory_ledger SET status = 'applied', new_quantity = ?, error_code = 'RECONCILED',
				 error_message = 'applied by reconcile', updated_at = ? WHERE ${KEY} AND status IN ('pending', 'failed')`,
				[quantity, stamp, ...keyParams(row)],
			);
		}
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
