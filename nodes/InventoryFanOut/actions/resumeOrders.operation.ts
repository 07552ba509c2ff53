import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { nodeStore } from '../../shared/engineContext';
import { orderIntake } from './orders';

export const description: INodeProperties[] = [
	{
		displayName: 'Limit',
		name: 'resumeLimit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		displayOptions: { show: { operation: ['resumeOrders'] } },
		description: 'Max number of results to return',
	},
	{
		displayName: 'Max Attempts',
		name: 'maxAttempts',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 10,
		displayOptions: { show: { operation: ['resumeOrders'] } },
		description: 'An order handed out more often than this (a step that keeps failing) goes to Needs Attention instead of being run again',
	},
];

/**
 * Accepted orders whose steps are unfinished and whose execution is over (it died, or a step failed), oldest first,
 * each with the `pendingSteps` left → output 0; those handed out more than Max Attempts times → output 1 (Needs
 * Attention), for a person to look at. Each is held for this run, so two resumes never take the same order.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const store = await nodeStore(this);
	const intake = orderIntake(this, store, this.getNodeParameter('resumeAfter', 0) as number);
	const orders = await intake.resume(this.getNodeParameter('resumeLimit', 0) as number);
	const maxAttempts = this.getNodeParameter('maxAttempts', 0) as number;
	// One run for the whole input: every order pairs with the item that triggered it.
	const item = (order: (typeof orders)[number]) => ({ json: { ...order } as unknown as IDataObject, pairedItem: { item: 0 } });
	return [orders.filter((order) => order.attempts <= maxAttempts).map(item), orders.filter((order) => order.attempts > maxAttempts).map(item)];
}
