import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation } from '../../shared/operationRouter';
import * as collectUnsubscribes from './collectUnsubscribes.operation';
import * as fanOut from './fanOut.operation';
import * as recordUnsubscribe from './recordUnsubscribe.operation';
import * as retryPending from './retryPending.operation';

const operations = { fanOut, recordUnsubscribe, collectUnsubscribes, retryPending };

export type MarketingFanOutOperation = keyof typeof operations;

/** Outputs: Sent, Skipped, Failed (where a failed operation's error items go under Continue On Fail). */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeOperation(this, operations, { count: 3, errorOutput: 2 });
}
