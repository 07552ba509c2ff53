/**
 * The processors' subscription and invoice events in the package's words: a renewal paid or failed, a subscription
 * canceled, an invoice paid, voided, overdue or given up on. Each processor's payment webhooks read their own events into
 * this shape (`PaymentWebhookScheme.billing`), so the payments capability records them once whichever processor sent them.
 */
import { ProcessorEventReader } from './disputes';

/**
 * `renewal_*`: a payment of a subscription's period (its first included), paid or failed; `invoice_*`: an invoice that
 * belongs to no subscription changed state; `subscription_canceled`: no more periods will be billed.
 */
export const BILLING_EVENT_KINDS = ['renewal_paid', 'renewal_failed', 'subscription_canceled', 'invoice_paid', 'invoice_payment_failed', 'invoice_voided', 'invoice_overdue', 'invoice_uncollectible'] as const;
export type BillingEventKind = (typeof BILLING_EVENT_KINDS)[number];

export interface ProcessorBillingEvent {
	/** The processor's id of the event, the same on every redelivery: one record per id. */
	eventId: string;
	kind: BillingEventKind;
	/** What the processor calls the event (`invoice.paid`, `PAYMENT.SALE.COMPLETED`). */
	processorType: string;
	subscriptionId?: string;
	invoiceId?: string;
	/** The processor's customer, where the event names one. */
	customer?: string;
	/** What was paid (or failed to be), in minor units of `currency`; absent where the event carries no amount. */
	amountMinor?: number;
	/** ISO 4217, upper case. */
	currency?: string;
	/** When the processor says it happened (ISO 8601, UTC). */
	occurredAt: string;
}

/** The processor's name in errors, and a reader over the event that names every field it refuses. */
export function billingReader(event: unknown, processor: string): ProcessorEventReader {
	return new ProcessorEventReader(event, processor);
}

/** A paid or failed payment's kind: a subscription's renewal when the invoice or sale belongs to one, else the invoice's. */
export function paymentKind(subscriptionId: string | undefined, paid: boolean): BillingEventKind {
	if (subscriptionId) return paid ? 'renewal_paid' : 'renewal_failed';
	return paid ? 'invoice_paid' : 'invoice_payment_failed';
}
