import type { INodeProperties } from 'n8n-workflow';

import { InventoryLedger, OrderIntake } from '../../../lib/inventory';
import type { StateStore } from '../../shared/engineContext';

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

/** The order intake on the node's store; the ledger the stock step writes decides when that step is done. */
export function orderIntake(store: StateStore, resumeAfterSeconds: number): OrderIntake {
	return new OrderIntake(store.outbox, { holdMs: resumeAfterSeconds * 1000, ledger: new InventoryLedger(store.db) });
}
