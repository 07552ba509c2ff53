import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { openInventory, type OrderIntake } from '../../../lib/inventory';
import { nodePlatforms, type StateStore } from '../../shared/engineContext';

/** How long an execution holds the orders it took, shared by Record Order and Resume Pending Orders. */
export const resumeAfterProperty: INodeProperties = {
	displayName: 'Resume After (Seconds)',
	name: 'resumeAfter',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 300,
	displayOptions: { show: { operation: ['recordOrder', 'resumeOrders'] } },
	description: 'How long the execution that records (or resumes) an order has to complete its steps before Resume Pending Orders takes the order over. Longer than the workflow\'s longest run.',
};

/** Where each operation on orders finds the item's order: Order ID, Source Store and Line Items, each the item's own field by default. */
export function orderProperties(operation: string, descriptions: { orderId: string; sourceStore: string; lines: string }): INodeProperties[] {
	const displayOptions = { show: { operation: [operation] } };
	return [
		{ displayName: 'Order ID', name: 'orderId', type: 'string', default: '={{ $json.orderId }}', required: true, displayOptions, description: descriptions.orderId },
		{ displayName: 'Source Store', name: 'sourceStore', type: 'string', default: '={{ $json.sourceStore }}', displayOptions, description: descriptions.sourceStore },
		{ displayName: 'Line Items', name: 'lines', type: 'json', default: '={{ $json.lines }}', required: true, displayOptions, description: descriptions.lines },
	];
}

/** The order intake on the node's store, through the inventory capability (whose ledger decides the stock step). */
export function orderIntake(context: IExecuteFunctions, store: StateStore, resumeAfterSeconds: number): OrderIntake {
	return openInventory({ store, platforms: nodePlatforms(context, store) }).orderIntake({ holdMs: resumeAfterSeconds * 1000 });
}
