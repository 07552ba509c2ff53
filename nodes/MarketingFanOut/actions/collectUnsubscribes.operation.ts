import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { openFanOut } from './engine';
import { failedItem, hintFailures } from '../../shared/itemFailures';
import { unsubscribePageSizes } from './properties';
import { unsubscribeItem } from './recordUnsubscribe.operation';

export const description: INodeProperties[] = [
	{
		displayName: 'Max Pages per Platform',
		name: 'maxPages',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 20,
		displayOptions: { show: { operation: ['collectUnsubscribes'] } },
		description: `Pages of unsubscribes read from each platform in one run (a page: ${unsubscribePageSizes}); the rest waits for the next run`,
	},
];

/**
 * Once per execution: reads the unsubscribes made on Mailchimp and ActiveCampaign since the last run (HubSpot and
 * Marketo report theirs by webhook: use Record Unsubscribe) and applies each new one everywhere else. One a platform
 * refused, and a platform that could not be read (read from the same position next time), follow On Error.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const engine = await openFanOut(this);
	const collected = await engine.collectUnsubscribes(this.getNodeParameter('maxPages', 0, 20) as number);
	const fresh = collected.unsubscribes.filter((result) => result.recorded);
	const refused = fresh.filter((result) => result.platforms.some((platform) => !platform.ok)).length;
	hintFailures(this, refused + collected.errors.length, fresh.length + collected.errors.length, 'unsubscribes and platform reads');
	// One run for the whole input: every result pairs with the item that triggered it.
	const unreadable = collected.errors.map((error) =>
		failedItem(this, 0, { subject: `unsubscribes on ${error.platform}`, message: `not read: ${error.message}`, code: error.code, details: { unreadablePlatform: error.platform } }),
	);
	return [[...fresh.map((result) => unsubscribeItem(this, result, 0)), ...unreadable]];
}
