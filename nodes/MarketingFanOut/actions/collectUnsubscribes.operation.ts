import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { openFanOut } from './engine';
import { unsubscribeJson } from './recordUnsubscribe.operation';

export const description: INodeProperties[] = [
	{
		displayName: 'Max Pages per Platform',
		name: 'maxPages',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 20,
		displayOptions: { show: { operation: ['collectUnsubscribes'] } },
		description: 'Pages of unsubscribes read from each platform in one run (Mailchimp 1,000 a page, ActiveCampaign 100); the rest waits for the next run',
	},
];

/**
 * Once per execution: reads the unsubscribes made on Mailchimp and ActiveCampaign since the last run (HubSpot and
 * Marketo report theirs by webhook: use Record Unsubscribe) and applies each new one everywhere else.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const engine = await openFanOut(this);
	const collected = await engine.collectUnsubscribes(this.getNodeParameter('maxPages', 0, 20) as number);
	const fresh = collected.unsubscribes.filter((result) => result.recorded);
	const pairedItem = items.length > 0 ? { item: 0 } : undefined;
	const done = fresh.filter((result) => result.platforms.every((platform) => platform.ok)).map((result) => ({ json: unsubscribeJson(result), pairedItem }));
	const failed = fresh.filter((result) => result.platforms.some((platform) => !platform.ok)).map((result) => ({ json: unsubscribeJson(result), pairedItem }));
	const unreadable = collected.errors.map((error) => ({ json: { unreadablePlatform: error.platform, error: { code: error.code, message: error.message } }, pairedItem }));
	return [done, [], [...failed, ...unreadable]];
}
