import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation } from '../../shared/operationRouter';
import * as pull from './pull.operation';
import * as push from './push.operation';
import * as recordPurchase from './recordPurchase.operation';
import * as sync from './sync.operation';
import * as verifyWebhook from './verifyWebhook.operation';

const operations = { push, pull, sync, verifyWebhook, recordPurchase };

/** Outputs: Success, Failed (which also takes the error items under Continue On Fail). */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return routeOperation(this, operations, { count: 2, errorOutput: 1 });
}
