import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { platformOptions } from '../../shared/platformOptions';
import { InputError } from '../../shared/inputs';
import { forEachPayment, nodeRouter, paymentOutcome } from './engine';

const showFor = { show: { operation: ['completeAction'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Processor',
		name: 'actionProcessor',
		type: 'options',
		options: platformOptions('payments'),
		default: platformOptions('payments')[0].value,
		displayOptions: showFor,
		description: 'The processor whose event says the customer acted (a Payment Event Trigger’s platform)',
	},
	{
		displayName: 'Processor Payment ID',
		name: 'processorPaymentId',
		type: 'string',
		required: true,
		default: '={{ $json.paymentId }}',
		displayOptions: showFor,
		description: 'The processor’s id of the waiting payment, as its event names it: the Payment Event Trigger gives it as paymentId',
	},
];

/**
 * Finishes each payment that waited for its customer, once: charged or held → output 0, declined (a refused
 * authentication) → output 1, still waiting → output 2. A repeat of the news answers with the first (`replayed: true`).
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const router = await nodeRouter(this);
	return await forEachPayment(this, items, async (item) => {
		const processor = this.getNodeParameter('actionProcessor', item) as string;
		const id = this.getNodeParameter('processorPaymentId', item) as unknown;
		if (typeof id !== 'string' || id.trim() === '') {
			throw new InputError([{ field: 'processorPaymentId', problem: `must be the processor's payment id as text, got ${id === undefined ? 'nothing' : JSON.stringify(id)}` }], `Item ${item}`);
		}
		return paymentOutcome(await router.completeAction(processor, id));
	});
}
