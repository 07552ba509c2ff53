import { insertMany } from '../store/insertMany';
import type { Migration, SqlExecutor } from '../store/types';
import { LEDGER_TOPIC, ledgerEntryKey } from './ledger';

/**
 * The inventory ledger: each stock movement once per (order, line); one row per target store, unique per
 * (order, line, store); vendor delivery ids seen; the expected quantity per SKU; per (store, SKU) write locks; and
 * (v2) each row's write intent, so that a process killed mid-write is resumed without losing or doubling the change;
 * (v4) per sold line, the units given back by cancellations and refunds, never more than were sold; (v5) the changes
 * still owed to stores on the store's outbox (attempts, last error, next attempt), the ledger keeping what each store took;
 * (v6) the stores of each stock group (several nodes' stores sharing one stock).
 */
export const inventoryMigrations: Migration[] = [
	{
		component: 'inventory',
		version: 1,
		description: 'inventory movements, per-store ledger, deliveries, expected stock and write locks',
		statements: [
			`CREATE TABLE inventory_movements (
				order_id TEXT NOT NULL,
				line_id TEXT NOT NULL,
				sku TEXT NOT NULL,
				change BIGINT NOT NULL,
				kind TEXT NOT NULL,
				source_store TEXT,
				created_at TEXT NOT NULL,
				PRIMARY KEY (order_id, line_id)
			)`,
			`CREATE TABLE inventory_ledger (
				order_id TEXT NOT NULL,
				line_id TEXT NOT NULL,
				store_id TEXT NOT NULL,
				sku TEXT NOT NULL,
				change BIGINT NOT NULL,
				kind TEXT NOT NULL,
				status TEXT NOT NULL,
				previous_quantity BIGINT,
				new_quantity BIGINT,
				attempts BIGINT NOT NULL DEFAULT 0,
				error_code TEXT,
				error_message TEXT,
				created_at TEXT NOT NULL,
				updated_at TEXT NOT NULL,
				PRIMARY KEY (order_id, line_id, store_id)
			)`,
			'CREATE INDEX inventory_ledger_open ON inventory_ledger (status, store_id, sku)',
			`CREATE TABLE inventory_deliveries (
				source TEXT NOT NULL,
				delivery_id TEXT NOT NULL,
				received_at TEXT NOT NULL,
				PRIMARY KEY (source, delivery_id)
			)`,
			`CREATE TABLE inventory_stock (
				sku TEXT PRIMARY KEY,
				quantity BIGINT NOT NULL,
				updated_at TEXT NOT NULL
			)`,
			`CREATE TABLE inventory_locks (
				store_id TEXT NOT NULL,
				sku TEXT NOT NULL,
				owner TEXT NOT NULL,
				lease_until_ms BIGINT NOT NULL,
				PRIMARY KEY (store_id, sku)
			)`,
		],
	},
	{
		component: 'inventory',
		version: 2,
		description: 'the intent of a store write (quantity read, quantity aimed at, marker), recorded before the write',
		statements: [
			'ALTER TABLE inventory_ledger ADD COLUMN intent_previous BIGINT',
			'ALTER TABLE inventory_ledger ADD COLUMN intent_next BIGINT',
			'ALTER TABLE inventory_ledger ADD COLUMN intent_marker TEXT',
			'ALTER TABLE inventory_ledger ADD COLUMN intent_at TEXT',
		],
	},
	{
		component: 'inventory',
		version: 3,
		description: 'per (store, SKU) write locks held as store leases (renewed while held, freed seconds after a holder dies)',
		statements: ['DROP TABLE inventory_locks'],
	},
	{
		component: 'inventory',
		version: 4,
		description: 'how much of each sold line was restocked (never more than was sold), and orders cancelled before they were sold',
		statements: [
			'ALTER TABLE inventory_movements ADD COLUMN restocked BIGINT NOT NULL DEFAULT 0',
			// One row per order sold or cancelled before it was sold: whichever comes first takes it, so a sale recorded
			// after its order's cancellation takes nothing off, and a cancellation never races a sale into a lost restock.
			`CREATE TABLE inventory_orders (
				order_id TEXT PRIMARY KEY,
				voided_at TEXT
			)`,
			"INSERT INTO inventory_orders (order_id) SELECT DISTINCT order_id FROM inventory_movements WHERE kind = 'sale'",
		],
	},
	{
		component: 'inventory',
		version: 5,
		description: 'changes owed to stores on the store outbox (attempts, last error, next attempt); the ledger keeps what each store took',
		statements: [],
		run: async (tx) => {
			await moveOwedToOutbox(tx);
			for (const statement of [
				'DROP INDEX inventory_ledger_open',
				'ALTER TABLE inventory_ledger DROP COLUMN status',
				'ALTER TABLE inventory_ledger DROP COLUMN attempts',
				'ALTER TABLE inventory_ledger DROP COLUMN error_code',
				'ALTER TABLE inventory_ledger DROP COLUMN error_message',
				// A store's rows not applied (owed or failed): what reconcile and a store's in-flight writes read.
				'CREATE INDEX inventory_ledger_unapplied ON inventory_ledger (store_id, sku) WHERE new_quantity IS NULL',
			]) {
				await tx.run(statement);
			}
		},
	},
	{
		component: 'inventory',
		version: 6,
		description: 'stock groups: the stores of several nodes that share one stock, each movement owed to every store of the group',
		statements: [
			`CREATE TABLE inventory_group_stores (
				group_name TEXT NOT NULL,
				store_id TEXT NOT NULL,
				joined_at TEXT NOT NULL,
				PRIMARY KEY (group_name, store_id)
			)`,
		],
	},
];

interface LedgerRowBefore {
	order_id: string;
	line_id: string;
	store_id: string;
	status: string;
	attempts: number | string;
	error_code: string | null;
	error_message: string | null;
	created_at: string;
	updated_at: string;
	[column: string]: unknown;
}

/**
 * Every ledger row before version 5 gets its outbox entry: open (still owed, due now) when it was pending, closed when
 * settled, with its attempts and last error; so a later run retries what it would have, and reports the same.
 */
async function moveOwedToOutbox(tx: SqlExecutor): Promise<void> {
	const rows = await tx.query<LedgerRowBefore>(
		'SELECT order_id, line_id, store_id, status, attempts, error_code, error_message, created_at, updated_at FROM inventory_ledger ORDER BY order_id, line_id, store_id',
	);
	const now = Date.now();
	await insertMany(tx, {
		into: 'outbox_entries (topic, entry_key, group_key, payload, open_steps, attempts, revision, next_attempt_ms, last_error_code, last_error, created_at, updated_at)',
		rows: rows.map((row) => {
			const key = { orderId: row.order_id, lineId: row.line_id, storeId: row.store_id };
			return [
				LEDGER_TOPIC, ledgerEntryKey(key), key.orderId, JSON.stringify(key), row.status === 'pending' ? 1 : 0, Number(row.attempts), 1, now,
				row.error_code, row.error_message, row.created_at, row.updated_at,
			];
		}),
	});
}
