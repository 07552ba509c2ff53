import { billingReader, paymentKind, type BillingEventKind, type ProcessorBillingEvent } from '../billing';

/** The Stripe events a subscription's or an invoice's change arrives as (Payment Event Trigger: Subscription or Invoice Changed). */
export const STRIPE_BILLING_TOPICS = ['invoice.paid', 'invoice.payment_failed', 'customer.subscription.deleted', 'invoice.voided', 'invoice.marked_uncollectible', 'invoice.overdue'];

/** Invoice events whose kind does not depend on a subscription. */
const INVOICE_STATE_KINDS: Record<string, BillingEventKind> = { 'invoice.voided': 'invoice_voided', 'invoice.marked_uncollectible': 'invoice_uncollectible', 'invoice.overdue': 'invoice_overdue' };

/**
 * A Stripe event (`evt_…`, the same on every redelivery) as a billing event. `invoice.paid` and `invoice.payment_failed`
 * carry the invoice: one of a subscription (`subscription` set) is its renewal, paid `amount_paid` or failed `amount_due`
 * (minor units); `customer.subscription.deleted` carries the subscription.
 */
export function stripeBillingEvent(payload: Record<string, unknown>): ProcessorBillingEvent {
	const read = billingReader(payload, 'Stripe');
	const type = read.text('type');
	const common = { eventId: read.text('id'), processorType: type, customer: read.optionalText('data.object.customer'), occurredAt: read.instant('created', 'unix') };
	if (type === 'customer.subscription.deleted') return read.checked({ ...common, kind: 'subscription_canceled', subscriptionId: read.text('data.object.id') }, 'billing');
	if (!STRIPE_BILLING_TOPICS.includes(type)) read.reject('type', `must be one of ${STRIPE_BILLING_TOPICS.join(', ')}, got ${JSON.stringify(type)}`);
	const subscriptionId = read.optionalText('data.object.subscription');
	const paid = type === 'invoice.paid';
	const currency = read.currency('data.object.currency');
	return read.checked(
		{
			...common,
			kind: INVOICE_STATE_KINDS[type] ?? paymentKind(subscriptionId, paid),
			invoiceId: read.text('data.object.id'),
			...(subscriptionId ? { subscriptionId } : {}),
			amountMinor: read.minorUnits(paid ? 'data.object.amount_paid' : 'data.object.amount_due'),
			currency,
		},
		'billing',
	);
}
