import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { toNodeError } from '../../shared/errors';
import * as apply from './apply.operation';
import * as pollOrders from './pollOrders.operation';
import * as reconcile from './reconcile.operation';
import * as retryPending from './retryPending.operation';
import * as verifyOrder from './verifyOrder.operation';

const operations = { apply, pollOrders, reconcile, retryPending, verifyOrder };

export type InventoryFanOutOperation = keyof typeof operations;

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as InventoryFanOutOperation;
	try {
		return await operations[operation].execute.call(this, items);
	} catch (error) {
		if (!this.continueOnFail()) throw toNodeError(this.getNode(), error);
		const message = toNodeError(this.getNode(), error).message;
		return [[], items.map((_, item) => ({ json: { error: message }, pairedItem: { item } }))];
	}
}
