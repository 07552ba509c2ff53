import { billingReader, type BillingEventKind, type ProcessorBillingEvent } from '../billing';

/** The PayPal events a subscription's or an invoice's change arrives as (Payment Event Trigger: Subscription or Invoice Changed). */
export const PAYPAL_BILLING_TOPICS = ['PAYMENT.SALE.COMPLETED', 'BILLING.SUBSCRIPTION.PAYMENT.FAILED', 'BILLING.SUBSCRIPTION.CANCELLED', 'INVOICING.INVOICE.PAID', 'INVOICING.INVOICE.CANCELLED'];

const KINDS: Record<string, BillingEventKind> = {
	'PAYMENT.SALE.COMPLETED': 'renewal_paid',
	'BILLING.SUBSCRIPTION.PAYMENT.FAILED': 'renewal_failed',
	'BILLING.SUBSCRIPTION.CANCELLED': 'subscription_canceled',
	'INVOICING.INVOICE.PAID': 'invoice_paid',
	'INVOICING.INVOICE.CANCELLED': 'invoice_voided',
};

/**
 * A PayPal event (`WH-…`, the same on every redelivery) as a billing event. A subscription's payment is a sale
 * (`PAYMENT.SALE.COMPLETED`: `resource.billing_agreement_id` is the subscription, `resource.amount.total` in major
 * units); a failed one and a cancel carry the subscription (`BILLING.SUBSCRIPTION.*`: `resource.id`, the failed amount
 * at `resource.billing_info.last_failed_payment.amount`); invoicing events carry the invoice (`resource.invoice`, or
 * the resource itself), its amount as `{currency_code, value}`. Amounts become exact minor units of the currency.
 */
export function payPalBillingEvent(payload: Record<string, unknown>): ProcessorBillingEvent {
	const read = billingReader(payload, 'PayPal');
	const type = read.text('event_type');
	const kind = KINDS[type];
	if (!kind) read.reject('event_type', `must be one of ${PAYPAL_BILLING_TOPICS.join(', ')}, got ${JSON.stringify(type)}`);
	const common = { eventId: read.text('id'), processorType: type, occurredAt: read.instant('create_time') };
	const money = (currencyPath: string, valuePath: string) => {
		const currency = read.currency(currencyPath);
		return { currency, amountMinor: read.majorUnits(valuePath, currency) };
	};
	switch (kind) {
		case 'renewal_paid':
			return read.checked({ ...common, kind, subscriptionId: read.text('resource.billing_agreement_id'), ...money('resource.amount.currency', 'resource.amount.total') }, 'billing');
		case 'renewal_failed': {
			const failed = read.optionalText('resource.billing_info.last_failed_payment.amount.currency_code');
			const amount = failed ? money('resource.billing_info.last_failed_payment.amount.currency_code', 'resource.billing_info.last_failed_payment.amount.value') : {};
			return read.checked({ ...common, kind, subscriptionId: read.text('resource.id'), customer: read.optionalText('resource.subscriber.payer_id'), ...amount }, 'billing');
		}
		case 'subscription_canceled':
			return read.checked({ ...common, kind, subscriptionId: read.text('resource.id'), customer: read.optionalText('resource.subscriber.payer_id') }, 'billing');
		default: {
			// Invoicing v2 events wrap the invoice (`resource.invoice`); older ones are the invoice.
			const at = read.optionalText('resource.invoice.id') ? 'resource.invoice' : 'resource';
			const amount = kind === 'invoice_paid' ? money(`${at}.amount.currency_code`, `${at}.amount.value`) : {};
			return read.checked({ ...common, kind: kind ?? 'invoice_paid', invoiceId: read.text(`${at}.id`), ...amount }, 'billing');
		}
	}
}
