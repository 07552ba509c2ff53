import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { ORDER_STEPS } from '../../../lib/inventory';
import { nodeStore } from '../../shared/engineContext';
import { failedItem } from '../../shared/itemFailures';
import { orderIntake } from './orders';

const showFor = { show: { operation: ['completeStep'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Order Key',
		name: 'orderKey',
		type: 'string',
		default: '={{ $json.orderKey }}',
		required: true,
		displayOptions: showFor,
		description: 'The `orderKey` Record Order or Resume Pending Orders gave the order',
	},
	{
		displayName: 'Step',
		name: 'step',
		type: 'options',
		options: ORDER_STEPS.map((step) => ({ name: step.charAt(0).toUpperCase() + step.slice(1), value: step })),
		default: 'stock',
		displayOptions: showFor,
		description: 'The step of the order this node marks done',
	},
];

/**
 * Marks the step done: `{orderKey, step, completed, remainingSteps}` → output 0; `completed` is true only the first time.
 * A stock step whose order still owes a store a change stays open, with `leftOpen` saying which: a resume redoes it.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const store = await nodeStore(this);
	const intake = orderIntake(this, store, 300);
	const done: INodeExecutionData[] = [];
	for (let item = 0; item < items.length; item++) {
		try {
			const key = this.getNodeParameter('orderKey', item);
			if (typeof key !== 'string' || key === '') throw new Error(`orderKey must be a non-empty string, got ${JSON.stringify(key) ?? 'nothing'}`);
			done.push({ json: { ...(await intake.completeStep(key, this.getNodeParameter('step', item) as string)) }, pairedItem: { item } });
		} catch (error) {
			done.push(failedItem(this, item, error));
		}
	}
	return [done];
}
