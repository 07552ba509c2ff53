import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { openPayments, type DisputeOutcome, type DisputeState } from '../../../lib/payments';
import { nodeEngine } from '../../shared/engineContext';
import { platformOptions } from '../../shared/platformOptions';
import { forEachPayment, processorEventInput } from './engine';

const showFor = { show: { operation: ['recordDispute'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Processor',
		name: 'disputeProcessor',
		type: 'options',
		options: platformOptions('payments'),
		default: platformOptions('payments')[0].value,
		displayOptions: showFor,
		description: 'The processor that sent the dispute event (the Payment Event Trigger’s platform)',
	},
	{
		displayName: 'Dispute Event',
		name: 'disputeEvent',
		type: 'json',
		required: true,
		default: '={{ $json.payment }}',
		displayOptions: showFor,
		description: 'The processor’s dispute event as its webhook delivered it: a Payment Event Trigger on Dispute Opened or Changed gives it as payment',
	},
];

/** Which output a dispute in each state leaves on; an event that changed nothing leaves on the last. */
const OUTPUT_OF: Record<DisputeState, number> = { needs_response: 0, under_review: 1, won: 2, lost: 3 };
const UNCHANGED = 4;

/**
 * Records the dispute each item's processor event reports, once per dispute against the payment it challenges, and
 * sends it on by where it stands: Needs Response (evidence due by `evidenceDueBy`), Under Review, Won, Lost; an event
 * that changed nothing (a redelivery, or older than the one recorded) → Unchanged. An event that is no dispute of
 * the processor follows the node's On Error setting, naming its fields.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const disputes = openPayments(await nodeEngine(this)).disputes();
	return await forEachPayment(this, items, async (item) => {
		const processor = this.getNodeParameter('disputeProcessor', item) as string;
		const event = processorEventInput(this, 'disputeEvent', item);
		const recorded: DisputeOutcome = await disputes.record(processor, event);
		return { output: recorded.change === 'unchanged' ? UNCHANGED : OUTPUT_OF[recorded.state], json: { ...recorded } as IDataObject };
	});
}
