import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { openSync, purchaseKeysSchema, toMinorUnits } from '../../../lib/sync';
import { readInput } from '../../shared/inputs';
import { platformOptions } from '../../shared/platformOptions';
import { failedItem } from '../../shared/itemFailures';
import { pushFailure } from './push.operation';
import { nodeEngine } from '../../shared/engineContext';

const show = { show: { operation: ['recordPurchase'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Order ID',
		name: 'purchaseOrderId',
		type: 'string',
		default: '={{ $json.orderId }}',
		displayOptions: show,
		description: 'The order counts once per store and order ID, however often it arrives',
	},
	{
		displayName: 'Store',
		name: 'purchaseStore',
		type: 'string',
		default: '={{ $json.sourceStore }}',
		displayOptions: show,
		description: `The store the order came from (e.g. ${platformOptions('inventory')[0].value}); order IDs are unique per store`,
	},
	{
		displayName: 'Customer Email',
		name: 'purchaseEmail',
		type: 'string',
		placeholder: 'name@email.com',
		default: '={{ $json.customerEmail }}',
		displayOptions: show,
		description: 'Matches the CRM contact',
	},
	{
		displayName: 'Order Total',
		name: 'purchaseTotal',
		type: 'string',
		default: '={{ $json.total }}',
		displayOptions: show,
		description: 'In major units with at most 2 decimals, e.g. 25.50',
	},
	{
		displayName: 'Purchased At',
		name: 'purchaseTime',
		type: 'string',
		default: '={{ $json.createdAt }}',
		displayOptions: show,
		description: 'ISO 8601 time of the order; empty means now',
	},
];

/**
 * Each item is one order: recorded once in the purchase ledger, then the customer's total spent and last purchase,
 * computed from the ledger, are written to the contact matched by email. An order that fails (invalid input, the CRM
 * refusing the contact, retries exhausted) follows the node's On Error setting.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const platform = this.getNodeParameter('platform', 0) as string;
	const integration = this.getNodeParameter('integration', 0) as string;
	const recordPurchase = await openSync(await nodeEngine(this)).purchaseRecorder(platform);
	const runId = this.getExecutionId() ?? String(Date.now());
	const output: INodeExecutionData[] = [];
	for (let item = 0; item < items.length; item++) {
		try {
			const keys = readInput(this, purchaseKeysSchema, {
				platform: this.getNodeParameter('purchaseStore', item, null),
				orderId: this.getNodeParameter('purchaseOrderId', item, null),
				customerEmail: this.getNodeParameter('purchaseEmail', item, null),
			}, item);
			const purchase = {
				...keys,
				amount: toMinorUnits(this.getNodeParameter('purchaseTotal', item) as string),
				purchasedAt: new Date(String(this.getNodeParameter('purchaseTime', item, '') || Date.now())).toISOString(),
			};
			const result = await recordPurchase({ integration, purchase, runId });
			const json = { orderId: purchase.orderId, customerEmail: purchase.customerEmail, ...result };
			output.push(result.outcome.status === 'failed' ? failedItem(this, item, { ...pushFailure(result.outcome), details: { orderId: purchase.orderId, customerEmail: purchase.customerEmail, recorded: result.recorded } }) : { json, pairedItem: { item } });
		} catch (error) {
			output.push(failedItem(this, item, error));
		}
	}
	return [output];
}
