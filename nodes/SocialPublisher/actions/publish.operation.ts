import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { failedItem, hintFailures } from '../../shared/itemFailures';
import { itemParameters } from '../../shared/inputs';
import { openNodePublisher } from './engine';

const showFor = { show: { operation: ['publish'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '={{ $json.text }}',
		displayOptions: showFor,
		description: "The post's text; each platform's limit is checked before anything is sent (X 280 as X counts, LinkedIn 3,000, Facebook 63,206, Instagram 2,200)",
	},
	{
		displayName: 'Link',
		name: 'link',
		type: 'string',
		default: '',
		placeholder: 'https://shop.example.com/sale',
		displayOptions: showFor,
		description: "A link: LinkedIn's and Facebook's link preview; appended to the text on X and Instagram",
	},
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		default: '',
		placeholder: 'https://cdn.example.com/sale.jpg',
		displayOptions: showFor,
		description: 'A public image: Instagram needs one, as JPEG; X and LinkedIn get it uploaded, Facebook and Instagram fetch it',
	},
	{
		displayName: 'Alt Text',
		name: 'altText',
		type: 'string',
		default: '',
		displayOptions: showFor,
		description: "The image's description for screen readers",
	},
	{
		displayName: 'Scheduled At',
		name: 'scheduledAt',
		type: 'string',
		default: '',
		placeholder: '2026-12-24T09:00:00Z',
		displayOptions: showFor,
		description: "Facebook only (10 minutes to 30 days ahead), as a date and time with its offset; for the other channels leave it empty and start the workflow with n8n's Schedule Trigger when the post is due",
	},
];

/**
 * Each item is one post, published once per post ID on every chosen platform. A channel that fails stops the item
 * naming it (the others were published; a re-run publishes only the failed ones), or under On Error "Continue" goes
 * to the error output with every channel's result in its details.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const publisher = await openNodePublisher(this);
	const output: INodeExecutionData[] = [];
	let failed = 0;
	for (let item = 0; item < items.length; item++) {
		try {
			const outcome = await publisher.publish(itemParameters(this, ['postId', 'text', 'link', 'imageUrl', 'altText', 'scheduledAt'], item));
			if (outcome.failed === 0) {
				output.push({ json: outcome as unknown as IDataObject, pairedItem: { item } });
				continue;
			}
			failed++;
			const failures = outcome.results.filter((result) => !result.ok);
			output.push(
				failedItem(this, item, {
					subject: `Post ${outcome.postId}`,
					message: failures.map((result) => `${result.platform}: ${'error' in result ? result.error : ''}`).join('; '),
					code: failures.map((result) => ('code' in result ? result.code : undefined)).find(Boolean),
					details: { postId: outcome.postId, results: outcome.results as unknown as IDataObject[] },
				}),
			);
		} catch (error) {
			failed++;
			output.push(failedItem(this, item, error));
		}
	}
	hintFailures(this, failed, items.length, 'posts');
	return [output];
}
