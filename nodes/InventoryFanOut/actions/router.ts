import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation } from '../../shared/operationRouter';
import * as apply from './apply.operation';
import * as pollOrders from './pollOrders.operation';
import * as reconcile from './reconcile.operation';
import * as retryPending from './retryPending.operation';
import * as verifyOrder from './verifyOrder.operation';

const operations = { apply, pollOrders, reconcile, retryPending, verifyOrder };

export type InventoryFanOutOperation = keyof typeof operations;

/** Outputs: Applied, Errors (where a failed operation's error items go under Continue On Fail). */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeOperation(this, operations, { count: 2, errorOutput: 1 });
}
