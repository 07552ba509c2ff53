import { billingReader, paymentKind, type ProcessorBillingEvent } from '../billing';
import { objectAt } from '../webhookSchemes';

/** The Square events a subscription's or an invoice's change arrives as (Payment Event Trigger: Subscription or Invoice Changed). */
export const SQUARE_BILLING_TOPICS = ['invoice.payment_made', 'invoice.scheduled_charge_failed', 'invoice.canceled', 'subscription.updated'];

const INVOICE = 'data.object.invoice';
const SUBSCRIPTION = 'data.object.subscription';
/** Square's statuses of a subscription that bills no more. */
const ENDED = new Set(['CANCELED', 'DEACTIVATED']);

/** Of Square's `subscription.updated` events, only a cancel is a billing event: the others (a plan swapped, paused) are left to the trigger's other events. */
export function isSquareBillingEvent(payload: Record<string, unknown>): boolean {
	return payload.type !== 'subscription.updated' || ENDED.has(String(objectAt(payload, SUBSCRIPTION).status));
}

/**
 * A Square event (`event_id`, the same on every redelivery) as a billing event. Invoice events carry the invoice: one
 * billing a subscription (`subscription_id`) is its renewal, paid (`invoice.payment_made`, the amount completed on its
 * payment request) or failed (`invoice.scheduled_charge_failed`, the amount computed); `subscription.updated` to
 * CANCELED or DEACTIVATED is a cancel. Square's amounts are minor units already.
 */
export function squareBillingEvent(payload: Record<string, unknown>): ProcessorBillingEvent {
	const read = billingReader(payload, 'Square');
	const type = read.text('type');
	const common = { eventId: read.text('event_id'), processorType: type, occurredAt: read.instant('created_at') };
	if (type === 'subscription.updated') {
		const status = read.text(`${SUBSCRIPTION}.status`);
		if (!ENDED.has(status)) read.reject(`${SUBSCRIPTION}.status`, `must be CANCELED or DEACTIVATED for a billing event, got ${JSON.stringify(status)}`);
		return read.checked({ ...common, kind: 'subscription_canceled', subscriptionId: read.text(`${SUBSCRIPTION}.id`), customer: read.optionalText(`${SUBSCRIPTION}.customer_id`) }, 'billing');
	}
	if (!SQUARE_BILLING_TOPICS.includes(type)) read.reject('type', `must be one of ${SQUARE_BILLING_TOPICS.join(', ')}, got ${JSON.stringify(type)}`);
	const subscriptionId = read.optionalText(`${INVOICE}.subscription_id`);
	const invoice = { ...common, invoiceId: read.text(`${INVOICE}.id`), ...(subscriptionId ? { subscriptionId } : {}), customer: read.optionalText(`${INVOICE}.primary_recipient.customer_id`) };
	if (type === 'invoice.canceled') return read.checked({ ...invoice, kind: 'invoice_voided' }, 'billing');
	const paid = type === 'invoice.payment_made';
	const money = `${INVOICE}.payment_requests.0.${paid ? 'total_completed_amount_money' : 'computed_amount_money'}`;
	return read.checked({ ...invoice, kind: paymentKind(subscriptionId, paid), amountMinor: read.minorUnits(`${money}.amount`), currency: read.currency(`${money}.currency`) }, 'billing');
}
