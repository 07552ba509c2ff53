import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { openConflict, type ReviewStatus } from '../../../lib/conflict';
import { nodeStore } from '../../shared/engineContext';
import { NEEDS_REVIEW } from './outputs';

const show = { show: { operation: ['listReviews'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		displayOptions: show,
		options: [
			{ name: 'Applied', value: 'applied' },
			{ name: 'Decided', value: 'decided', description: 'Decided, waiting for CRM Sync to apply' },
			{ name: 'Pending', value: 'pending' },
		],
		default: 'pending',
	},
	{
		displayName: 'All Scopes',
		name: 'allScopes',
		type: 'boolean',
		default: false,
		displayOptions: show,
		description: 'Whether to list the reviews of every scope instead of this node\'s scope',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		displayOptions: show,
		description: 'Max number of results to return',
	},
];

/** The review queue, oldest first, one item per review on the Needs Review output. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const { reviews } = openConflict({ store: await nodeStore(this) });
	const listed = await reviews.list({
		scope: this.getNodeParameter('allScopes', 0) ? undefined : (this.getNodeParameter('scope', 0) as string),
		status: this.getNodeParameter('status', 0) as ReviewStatus,
		limit: this.getNodeParameter('limit', 0) as number,
	});
	const outputs: INodeExecutionData[][] = [[], [], []];
	outputs[NEEDS_REVIEW] = listed.map((review) => ({ json: { ...review, reviewId: review.id } as unknown as INodeExecutionData['json'], pairedItem: { item: 0 } }));
	return outputs;
}
