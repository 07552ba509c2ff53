import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { OrderCursors } from '../../../lib/inventory';
import { nodeStore } from '../../shared/engineContext';
import { failedItem } from '../../shared/itemFailures';
import { buildFanOut, splitOutcomes } from './engine';

export const description: INodeProperties[] = [
	{
		displayName: 'Cursor Name',
		name: 'cursorName',
		type: 'string',
		default: 'default',
		displayOptions: { show: { operation: ['pollOrders'] } },
		description: 'Keeps the polling position of separate workflows apart; use one name per set of stores',
	},
];

/**
 * Pulls new orders from the stores (Shopify and Magento `updated_at`, WooCommerce `modified_after`, BigCommerce v2) and fans
 * each out like an order webhook: applied changes → Applied, pending → Pending, refused → On Error. A store that cannot
 * be polled (an error answer, a store down) follows On Error too, after the other stores were polled all the same.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const store = await nodeStore(this);
	const fanOut = await buildFanOut(this, store);
	const integration = `inventory:${this.getNodeParameter('cursorName', 0) as string}`;
	const cursors: OrderCursors = {
		get: (storeId) => store.cursors.get({ integration, platform: storeId, entity: 'orders' }),
		set: (storeId, cursor) => store.cursors.set({ integration, platform: storeId, entity: 'orders' }, cursor),
	};
	const polled = await fanOut.pollOrders(cursors);
	// One run for the whole input: every result pairs with the item that triggered it.
	const [applied, pending] = splitOutcomes(this, polled.flatMap((entry) => entry.outcomes.map((outcome) => ({ ...outcome, item: 0 }))));
	const unpolled = polled
		.filter((entry) => entry.status === 'failed')
		.map((entry) =>
			failedItem(this, 0, {
				subject: `orders on ${entry.store}`,
				message: `not polled: ${entry.error?.message ?? 'failed'}`,
				code: entry.error?.code,
				details: { store: entry.store, platform: entry.platform, operation: 'pollOrders', status: entry.status, ...(entry.error?.status === undefined ? {} : { httpStatus: entry.error.status }) },
			}),
		);
	return [[...applied, ...unpolled], pending];
}
