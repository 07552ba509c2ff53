import { assertInput, id, nonEmptyString } from '../records/inputSchema';
import type { CrmConnector } from '../platforms/crm';
import type { FieldMapping } from '../records/mapping';
import type { Migration } from '../store/types';
import type { StateStore } from '../store/stateStore';
import { pushRecords, type PushOutcome } from './push';

/** The purchase ledger: one row per order of a store, so an order counts once however often it is recorded. */
export const purchaseMigrations: Migration[] = [
	{
		component: 'purchases',
		version: 1,
		description: 'customer purchases, one per (integration, store, order)',
		statements: [
			`CREATE TABLE purchases (
				integration TEXT NOT NULL,
				platform TEXT NOT NULL,
				order_id TEXT NOT NULL,
				customer_email TEXT NOT NULL,
				amount BIGINT NOT NULL,
				purchased_at TEXT NOT NULL,
				PRIMARY KEY (integration, platform, order_id)
			)`,
			'CREATE INDEX purchases_by_customer ON purchases (integration, customer_email)',
		],
	},
];

/**
 * The contact fields the totals are written to (real HubSpot contact properties): total spent in major units,
 * last purchase as an ISO 8601 time. The email matches the CRM contact.
 */
export const purchaseMappings: FieldMapping[] = [
	{ internal: 'email', external: 'email' },
	{ internal: 'totalSpent', external: 'total_revenue' },
	{ internal: 'lastPurchaseAt', external: 'recent_deal_close_date' },
];

/** The keys of a purchase, checked by type: an order id "undefined" would record every order without one as one purchase. */
export const purchaseKeysSchema = { platform: id(), orderId: id(), customerEmail: nonEmptyString() };

export interface Purchase {
	/** The store the order came from (shopify, woocommerce…); order ids are unique per store. */
	platform: string;
	orderId: string;
	customerEmail: string;
	/** Integer minor units (cents). */
	amount: number;
	/** ISO 8601, UTC. */
	purchasedAt: string;
}

export interface RecordPurchaseRequest {
	store: StateStore;
	connector: CrmConnector;
	integration: string;
	purchase: Purchase;
	runId: string;
	/** Field mappings for the contact (default purchaseMappings). */
	mappings?: FieldMapping[];
	/** Writes tried before giving up when other orders keep changing the totals (default 5). */
	maxWrites?: number;
}

export interface CustomerTotals {
	/** Minor units. */
	totalSpent: number;
	lastPurchaseAt: string;
	orders: number;
}

export interface RecordPurchaseResult {
	/** False when the order was already recorded: the totals are only re-asserted. */
	recorded: boolean;
	totals: CustomerTotals;
	outcome: PushOutcome;
}

/**
 * Records a purchase once and writes the customer's totals, as absolute values computed from the ledger, to the CRM
 * contact matched by email. A repeated order changes nothing; when another order of the customer lands meanwhile,
 * the totals are written again until what was written is what the ledger holds.
 */
export async function recordPurchase(request: RecordPurchaseRequest): Promise<RecordPurchaseResult> {
	const { store, integration } = request;
	const keys = assertInput({ integration: nonEmptyString(), ...purchaseKeysSchema }, { integration, ...request.purchase }, 'Purchase');
	const purchase = { ...request.purchase, ...keys };
	const email = purchase.customerEmail.trim().toLowerCase();
	if (!email) throw new Error(`Order "${purchase.orderId}" has no customer email`);
	if (!Number.isInteger(purchase.amount)) throw new Error(`Order "${purchase.orderId}" amount must be an integer of minor units`);
	const inserted = await store.db.run(
		`INSERT INTO purchases (integration, platform, order_id, customer_email, amount, purchased_at)
		 VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		[integration, purchase.platform, purchase.orderId, email, purchase.amount, purchase.purchasedAt],
	);
	let totals = await customerTotals(store, integration, email);
	for (let write = 1; ; write++) {
		const outcome = await writeTotals(request, email, totals);
		const now = await customerTotals(store, integration, email);
		const settled = now.totalSpent === totals.totalSpent && now.lastPurchaseAt === totals.lastPurchaseAt;
		if (outcome.status === 'failed' || settled || write >= (request.maxWrites ?? 5)) {
			return { recorded: inserted.changes > 0, totals, outcome };
		}
		totals = now;
	}
}

export async function customerTotals(store: StateStore, integration: string, email: string): Promise<CustomerTotals> {
	const [row] = await store.db.query<{ total: number | string | null; last: string | null; orders: number | string }>(
		'SELECT SUM(amount) AS total, MAX(purchased_at) AS last, COUNT(*) AS orders FROM purchases WHERE integration = ? AND customer_email = ?',
		[integration, email],
	);
	return { totalSpent: Number(row?.total ?? 0), lastPurchaseAt: row?.last ?? '', orders: Number(row?.orders ?? 0) };
}

async function writeTotals(request: RecordPurchaseRequest, email: string, totals: CustomerTotals): Promise<PushOutcome> {
	const record = { id: email, email, totalSpent: (totals.totalSpent / 100).toFixed(2), lastPurchaseAt: totals.lastPurchaseAt };
	const { outcomes } = await pushRecords({
		store: request.store, connector: request.connector, integration: request.integration, entity: 'contacts',
		mappings: request.mappings ?? purchaseMappings, records: [record], runId: request.runId,
	});
	return outcomes[0];
}

/** A decimal amount in major units ("25.50", 25.5) as integer minor units (2550), without floating-point drift. */
export function toMinorUnits(amount: string | number): number {
	const text = String(amount).trim();
	const match = /^(-?)(\d*)(?:\.(\d{0,2}))?$/.exec(text);
	if (!text || !match || (match[2] === '' && !match[3])) throw new Error(`"${text}" is not an amount with at most 2 decimals`);
	const minor = Number(match[2] || '0') * 100 + Number((match[3] ?? '').padEnd(2, '0'));
	return match[1] ? -minor : minor;
}
