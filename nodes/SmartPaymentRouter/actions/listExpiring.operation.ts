import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { toMajorString } from '../../../lib/payments';
import { nodeRouter } from './engine';

const showFor = { show: { operation: ['listExpiring'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Expiring Before',
		name: 'expiringBefore',
		type: 'dateTime',
		required: true,
		default: '={{ $now.plus({ days: 2 }).toISO() }}',
		displayOptions: showFor,
		description: 'Authorizations whose hold ends before this time are listed, soonest first',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		displayOptions: showFor,
		description: 'Max number of results to return',
	},
];

/** One item per authorized payment whose hold ends before the time, on output 0 (read once for the node, not per item). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const before = this.getNodeParameter('expiringBefore', 0) as unknown;
	const limit = this.getNodeParameter('limit', 0, 50) as number;
	const when = typeof before === 'string' || before instanceof Date ? new Date(before) : new Date(Number.NaN);
	const router = await nodeRouter(this);
	const expiring = await router.expiringAuthorizations(when, limit);
	const items = expiring.map((entry) => ({ json: { ...entry, amountMinor: undefined, amount: toMajorString(entry.amountMinor, entry.currency) }, pairedItem: { item: 0 } }));
	return [items.map(({ json, pairedItem }) => ({ json: JSON.parse(JSON.stringify(json)), pairedItem }))];
}
