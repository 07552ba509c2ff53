import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { openRouting } from '../../../lib/routing';
import { nodeStore } from '../../shared/engineContext';

const show = { displayOptions: { show: { operation: ['routeLog'] } } };

export const description: INodeProperties[] = [
	{ displayName: 'Event ID', name: 'logEventId', type: 'string', default: '', description: 'Only the entries of this event (empty for all)', ...show },
	{ displayName: 'Limit', name: 'logLimit', type: 'number', typeOptions: { minValue: 1 }, default: 50, description: 'Max number of results to return', ...show },
];

/** The route log, newest first: one item per entry (event, rule, destination, status, attempts, time). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const entries = await openRouting({ store: await nodeStore(this) }).routeLog({
		eventId: (this.getNodeParameter('logEventId', 0, '') as string) || undefined,
		limit: this.getNodeParameter('logLimit', 0, 50) as number,
	});
	return [entries.map((entry) => ({ json: { ...entry }, pairedItem: { item: 0 } }))];
}
