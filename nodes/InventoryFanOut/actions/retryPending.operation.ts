import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { nodeStore } from '../../shared/engineContext';
import { buildFanOut, splitOutcomes } from './engine';

export const description: INodeProperties[] = [
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 500,
		displayOptions: { show: { operation: ['retryPending'] } },
		description: 'Max number of results to return',
	},
];

/** Applies the changes earlier runs left pending (a store that was down): applied → Applied, still pending → Pending, refused → On Error. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const store = await nodeStore(this);
	const fanOut = await buildFanOut(this, store);
	const outcomes = await fanOut.retryPending(this.getNodeParameter('limit', 0) as number);
	// One run for the whole input: every result pairs with the item that triggered it.
	return splitOutcomes(this, outcomes.map((outcome) => ({ ...outcome, item: 0 })));
}
