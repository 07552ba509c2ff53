import { billingReader, type BillingEventKind, type ProcessorBillingEvent } from '../billing';

/** The Braintree notification kinds a subscription's change arrives as (Payment Event Trigger: Subscription or Invoice Changed). */
export const BRAINTREE_BILLING_KINDS = ['subscription_charged_successfully', 'subscription_charged_unsuccessfully', 'subscription_canceled'];

const KINDS: Record<string, BillingEventKind> = {
	subscription_charged_successfully: 'renewal_paid',
	subscription_charged_unsuccessfully: 'renewal_failed',
	subscription_canceled: 'subscription_canceled',
};

/**
 * A Braintree subscription notification (as the trigger parses it: kind, timestamp, the subscription's fields and its
 * newest transaction's as `transaction-*`) as a billing event. A charge is the newest transaction: its amount in major
 * units of its currency, made exact minor units. Braintree gives a notification no id: its kind, subscription and
 * timestamp, the same on a retry, name it.
 */
export function braintreeBillingEvent(payload: Record<string, unknown>): ProcessorBillingEvent {
	const read = billingReader(payload, 'Braintree');
	const type = read.text('kind');
	const kind = KINDS[type];
	if (!kind) read.reject('kind', `must be one of ${BRAINTREE_BILLING_KINDS.join(', ')}, got ${JSON.stringify(type)}`);
	const subscriptionId = read.text('subject.id');
	const timestamp = read.text('timestamp');
	const common = { eventId: `${type}:${subscriptionId}:${timestamp}`, processorType: type, kind: kind ?? 'renewal_paid', subscriptionId, occurredAt: read.instant('timestamp') };
	if (kind === 'subscription_canceled') return read.checked(common, 'billing');
	const currency = read.currency('subject.transaction-currency-iso-code');
	return read.checked({ ...common, amountMinor: read.majorUnits('subject.transaction-amount', currency), currency }, 'billing');
}
