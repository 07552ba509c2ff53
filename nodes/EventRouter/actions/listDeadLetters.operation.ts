import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { openRouting } from '../../../lib/routing';
import { nodeStore } from '../../shared/engineContext';

const show = { displayOptions: { show: { operation: ['listDeadLetters'] } } };

export const description: INodeProperties[] = [
	{
		displayName: 'Status',
		name: 'deadLetterStatus',
		type: 'options',
		options: [
			{ name: 'Dead (Not Yet Replayed)', value: 'dead' },
			{ name: 'Replayed', value: 'replayed' },
			{ name: 'All', value: 'all' },
		],
		default: 'dead',
		...show,
	},
	{ displayName: 'Destination ID', name: 'destinationId', type: 'string', default: '', description: 'Only dead letters for this destination (empty for all)', ...show },
	{ displayName: 'Rule ID', name: 'ruleId', type: 'string', default: '', description: 'Only dead letters of this rule (empty for all)', ...show },
	{ displayName: 'Limit', name: 'limit', type: 'number', typeOptions: { minValue: 1 }, default: 50, description: 'Max number of results to return', ...show },
];

/** The dead letters in the store, oldest first: one item each, ready to be replayed. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const letters = await openRouting({ store: await nodeStore(this) }).deadLetters({
		status: this.getNodeParameter('deadLetterStatus', 0) as 'dead' | 'replayed' | 'all',
		destinationId: (this.getNodeParameter('destinationId', 0, '') as string) || undefined,
		ruleId: (this.getNodeParameter('ruleId', 0, '') as string) || undefined,
		limit: this.getNodeParameter('limit', 0, 50) as number,
	});
	return [letters.map((letter) => ({ json: { ...letter }, pairedItem: { item: 0 } }))];
}
