import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { UnsubscribeResult } from '../../../lib/marketing';
import { failedItem, hintFailures } from '../../shared/itemFailures';
import { openFanOut } from './engine';
import { marketingFailure } from './failures';
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

/**
 * Records each item's unsubscribe for good (no later sync undoes it) and applies it on every other platform. One a
 * platform refused follows the node's On Error setting; it is recorded all the same and sent again by the next run.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const engine = await openFanOut(this);
	const requests = items.map((_, index) => ({
		email: this.getNodeParameter('unsubscribeEmail', index) as string,
		source: this.getNodeParameter('unsubscribeSource', index) as string,
	}));
	const results = await engine.recordUnsubscribes(requests);
	const refused = (result: UnsubscribeResult) => result.platforms.some((platform) => !platform.ok);
	hintFailures(this, results.filter(refused).length, results.length, 'unsubscribes');
	return [results.map((result, index) => unsubscribeItem(this, result, index))];
}

/** One unsubscribe as its item, or (a platform refused it) as the failure On Error decides about. */
export function unsubscribeItem(context: IExecuteFunctions, result: UnsubscribeResult, index: number): INodeExecutionData {
	const json = unsubscribeJson(result);
	if (result.platforms.every((platform) => platform.ok)) return { json, pairedItem: { item: index } };
	return failedItem(context, index, marketingFailure('unsubscribe of', result.email, result.platforms, json));
}
