import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation } from '../../shared/operationRouter';
import * as cancel from './cancel.operation';
import * as capture from './capture.operation';
import * as explain from './explain.operation';
import * as get from './get.operation';
import * as route from './route.operation';
import * as verifyEvent from './verifyEvent.operation';

const operations = { route, explain, get, capture, cancel, verifyEvent };

/** Outputs: Succeeded, Failed (where a failed operation's error items go under Continue On Fail). */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeOperation(this, operations, { count: 2, errorOutput: 1 });
}
