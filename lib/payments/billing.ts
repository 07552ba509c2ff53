/**
 * Subscription and invoice events: each processor's events read into one neutral billing event (`ProcessorBillingEvent`),
 * recorded once per processor event id, however often or concurrently it is delivered, and followed into the package's
 * own records: a canceled subscription is canceled in `payment_subscriptions`, an invoice paid, voided, overdue or given
 * up on moves its row in `payment_invoices` (never back from paid or void).
 */
import type { BillingEventKind, ProcessorBillingEvent } from '../platforms/billing';
import { platformDefinition } from '../platforms/catalog';
import type { InvoiceState, SubscriptionState } from '../platforms/payments';
import { toMajorString } from '../records/money';
import type { SqlDatabase } from '../store/types';

/** `recorded`: first heard of; `replayed`: a redelivery of an event recorded before (nothing recorded again). */
export type BillingChange = 'recorded' | 'replayed';

export interface BillingRecord extends ProcessorBillingEvent {
	processor: string;
	/** `amountMinor` in major units ("29.00"), where the event carries an amount. */
	amount?: string;
	/** Your plan's id, for a subscription made through this store. */
	plan?: string;
	/** Where the subscription or invoice now stands in this store, when it was made through it. */
	subscriptionState?: SubscriptionState;
	invoiceState?: InvoiceState;
	recordedAt: string;
}

export type BillingOutcome = BillingRecord & { change: BillingChange };

/** What an invoice event makes of the invoice, and how far along that is (an invoice never moves back from paid or void). */
const INVOICE_MOVES: Partial<Record<BillingEventKind, { state: InvoiceState; status: string; rank: number }>> = {
	invoice_payment_failed: { state: 'open', status: 'payment_failed', rank: 1 },
	invoice_overdue: { state: 'open', status: 'overdue', rank: 1 },
	invoice_uncollectible: { state: 'uncollectible', status: 'uncollectible', rank: 2 },
	invoice_paid: { state: 'paid', status: 'paid', rank: 3 },
	invoice_voided: { state: 'void', status: 'void', rank: 3 },
};
const INVOICE_RANK = "CASE state WHEN 'draft' THEN 0 WHEN 'open' THEN 1 WHEN 'uncollectible' THEN 2 ELSE 3 END";

type EventRow = {
	processor: string;
	event_id: string;
	kind: BillingEventKind;
	processor_type: string;
	subscription_id: string | null;
	invoice_id: string | null;
	customer: string | null;
	amount_minor: number | string | null;
	currency: string | null;
	occurred_at: string;
	recorded_at: string;
};

export class PaymentBilling {
	constructor(
		private readonly db: SqlDatabase,
		private readonly now: () => number = Date.now,
	) {}

	/**
	 * Records the billing event a processor's webhook delivered (Stripe's event, PayPal's event, Square's event,
	 * Braintree's parsed notification). The first delivery of an event records it; a redelivery records nothing and
	 * answers `replayed`, however many arrive at once. An event that is no billing event of this processor is an
	 * InputError naming its fields.
	 */
	async record(processor: string, event: Record<string, unknown>): Promise<BillingOutcome> {
		const reader = platformDefinition(processor).paymentWebhooks?.billing;
		if (!reader) throw new Error(`${platformDefinition(processor).displayName} reports no subscription or invoice events this package can read`);
		const billing = reader(event);
		const stamp = new Date(this.now()).toISOString();
		// One statement decides which of concurrent deliveries records the event.
		const inserted = await this.db.run(
			`INSERT INTO payment_billing_events (processor, event_id, kind, processor_type, subscription_id, invoice_id, customer, amount_minor, currency, occurred_at, recorded_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (processor, event_id) DO NOTHING`,
			[processor, billing.eventId, billing.kind, billing.processorType, billing.subscriptionId ?? null, billing.invoiceId ?? null, billing.customer ?? null, billing.amountMinor ?? null, billing.currency ?? null, billing.occurredAt, stamp],
		);
		// Moving the records is idempotent: a redelivery after a crash between the two statements still moves them.
		await this.follow(processor, billing, stamp);
		return { ...(await this.get(processor, billing.eventId))!, change: inserted.changes === 1 ? 'recorded' : 'replayed' };
	}

	async get(processor: string, eventId: string): Promise<BillingRecord | undefined> {
		const [row] = await this.db.query<EventRow>('SELECT * FROM payment_billing_events WHERE processor = ? AND event_id = ?', [processor, eventId]);
		return row && (await this.withRecords(toRecord(row)));
	}

	/** A canceled subscription, and an invoice's new state, in this store's records of what was made through it. */
	private async follow(processor: string, billing: ProcessorBillingEvent, stamp: string): Promise<void> {
		if (billing.kind === 'subscription_canceled' && billing.subscriptionId) {
			await this.db.run(`UPDATE payment_subscriptions SET state = 'canceled', processor_status = ?, updated_at = ? WHERE processor = ? AND subscription_id = ? AND state <> 'canceled'`, [
				billing.processorType,
				stamp,
				processor,
				billing.subscriptionId,
			]);
		}
		const move = INVOICE_MOVES[billing.kind];
		if (move && billing.invoiceId) {
			await this.db.run(`UPDATE payment_invoices SET state = ?, processor_status = ?, updated_at = ? WHERE processor = ? AND invoice_id = ? AND ${INVOICE_RANK} <= ? AND processor_status <> ?`, [
				move.state,
				move.status,
				stamp,
				processor,
				billing.invoiceId,
				move.rank,
				move.status,
			]);
		}
	}

	private async withRecords(record: BillingRecord): Promise<BillingRecord> {
		const [subscription] = record.subscriptionId
			? await this.db.query<{ plan_id: string | null; state: SubscriptionState }>('SELECT plan_id, state FROM payment_subscriptions WHERE processor = ? AND subscription_id = ?', [record.processor, record.subscriptionId])
			: [];
		const [invoice] = record.invoiceId ? await this.db.query<{ state: InvoiceState }>('SELECT state FROM payment_invoices WHERE processor = ? AND invoice_id = ?', [record.processor, record.invoiceId]) : [];
		return {
			...record,
			...(subscription?.plan_id ? { plan: subscription.plan_id } : {}),
			...(subscription ? { subscriptionState: subscription.state } : {}),
			...(invoice ? { invoiceState: invoice.state } : {}),
		};
	}
}

function toRecord(row: EventRow): BillingRecord {
	const amountMinor = row.amount_minor === null ? undefined : Number(row.amount_minor);
	return {
		processor: row.processor,
		eventId: row.event_id,
		kind: row.kind,
		processorType: row.processor_type,
		...(row.subscription_id ? { subscriptionId: row.subscription_id } : {}),
		...(row.invoice_id ? { invoiceId: row.invoice_id } : {}),
		...(row.customer ? { customer: row.customer } : {}),
		...(amountMinor !== undefined && row.currency ? { amountMinor, amount: toMajorString(amountMinor, row.currency), currency: row.currency } : {}),
		occurredAt: row.occurred_at,
		recordedAt: row.recorded_at,
	};
}
