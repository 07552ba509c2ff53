import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { UnsubscribeResult } from '../../../lib/marketing';
import { openFanOut } from './engine';
import { platformOptions } from '../../shared/platformOptions';

const show = { show: { operation: ['recordUnsubscribe'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Email',
		name: 'unsubscribeEmail',
		type: 'string',
		default: '={{ $json.email }}',
		required: true,
		displayOptions: show,
		description: 'The address that unsubscribed',
	},
	{
		displayName: 'Unsubscribed On',
		name: 'unsubscribeSource',
		type: 'options',
		options: [...platformOptions('marketing'), { name: 'Elsewhere (Form, Support…)', value: 'other' }],
		default: 'other',
		displayOptions: show,
		description: 'Where the unsubscribe happened: that platform is not told again',
	},
];

export function unsubscribeJson(result: UnsubscribeResult): IDataObject {
	return {
		email: result.email,
		source: result.source,
		recorded: result.recorded,
		propagatedTo: result.platforms.filter((platform) => platform.ok).map((platform) => platform.platform),
		failedOn: result.platforms.filter((platform) => !platform.ok).map((platform) => platform.platform),
		platforms: Object.fromEntries(result.platforms.map(({ platform, ...outcome }) => [platform, outcome as IDataObject])),
	};
}

/** Records each item's unsubscribe for good (no later sync undoes it) and applies it on every other platform. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const engine = await openFanOut(this);
	const requests = items.map((_, index) => ({
		email: this.getNodeParameter('unsubscribeEmail', index) as string,
		source: this.getNodeParameter('unsubscribeSource', index) as string,
	}));
	const results = await engine.recordUnsubscribes(requests);
	const done: INodeExecutionData[] = [];
	const failed: INodeExecutionData[] = [];
	results.forEach((result, index) => {
		const item = { json: unsubscribeJson(result), pairedItem: { item: index } };
		(result.platforms.some((platform) => !platform.ok) ? failed : done).push(item);
	});
	return [done, [], failed];
}
