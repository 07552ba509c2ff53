import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { openPayments, type BillingEventKind, type BillingOutcome } from '../../../lib/payments';
import { nodeEngine } from '../../shared/engineContext';
import { platformOptions } from '../../shared/platformOptions';
import { forEachPayment, processorEventInput } from './engine';

const showFor = { show: { operation: ['recordBillingEvent'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Processor',
		name: 'billingProcessor',
		type: 'options',
		options: platformOptions('payments'),
		default: platformOptions('payments')[0].value,
		displayOptions: showFor,
		description: 'The processor that sent the subscription or invoice event (the Payment Event Trigger’s platform)',
	},
	{
		displayName: 'Billing Event',
		name: 'billingEvent',
		type: 'json',
		required: true,
		default: '={{ $json.payment }}',
		displayOptions: showFor,
		description: 'The processor’s event as its webhook delivered it: a Payment Event Trigger on Subscription or Invoice Changed gives it as payment',
	},
];

/** Which output each kind of event leaves on; a redelivery of an event recorded before leaves on the last. */
const OUTPUT_OF: Record<BillingEventKind, number> = {
	renewal_paid: 0,
	renewal_failed: 1,
	subscription_canceled: 2,
	invoice_paid: 3,
	invoice_payment_failed: 3,
	invoice_voided: 3,
	invoice_overdue: 3,
	invoice_uncollectible: 3,
};
const REPLAYED = 4;

/**
 * Records the subscription or invoice event each item's processor event reports, once per event, and sends it on by
 * what happened: Renewal Paid (a subscription's period paid: `amount`, `currency`, `plan`), Renewal Failed, Subscription
 * Canceled, Invoice Updated (an invoice outside subscriptions paid, failed, voided, overdue or uncollectible, with the
 * state the store now holds); a redelivery → Unchanged. An event that is none of the processor's billing events follows
 * the node's On Error setting, naming its fields.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const billing = openPayments(await nodeEngine(this)).billing();
	return await forEachPayment(this, items, async (item) => {
		const processor = this.getNodeParameter('billingProcessor', item) as string;
		const event = processorEventInput(this, 'billingEvent', item);
		const recorded: BillingOutcome = await billing.record(processor, event);
		return { output: recorded.change === 'replayed' ? REPLAYED : OUTPUT_OF[recorded.kind], json: { ...recorded } as IDataObject };
	});
}
