import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation } from '../../shared/operationRouter';
import * as apply from './apply.operation';
import * as completeStep from './completeStep.operation';
import * as pollOrders from './pollOrders.operation';
import * as reconcile from './reconcile.operation';
import * as recordOrder from './recordOrder.operation';
import * as resumeOrders from './resumeOrders.operation';
import * as retryPending from './retryPending.operation';
import * as verifyOrder from './verifyOrder.operation';

const operations = { apply, completeStep, pollOrders, reconcile, recordOrder, resumeOrders, retryPending, verifyOrder };

export type InventoryFanOutOperation = keyof typeof operations;

/** Two outputs, named for the operation; the second takes a failed operation's error items under Continue On Fail. */
export const configuredOutputs = (parameters: { operation?: string }) => {
	const names: Record<string, string[]> = {
		recordOrder: ['New Orders', 'Seen Before'],
		resumeOrders: ['Pending Orders', 'Needs Attention'],
		completeStep: ['Completed', 'Errors'],
	};
	return (names[parameters.operation ?? ''] ?? ['Applied', 'Errors']).map((displayName) => ({ type: 'main', displayName }));
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeOperation(this, operations, { count: 2, errorOutput: 1 });
}
