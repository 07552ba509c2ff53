import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation, type NodeOutputs } from '../../shared/operationRouter';
import * as listDeadLetters from './listDeadLetters.operation';
import { nodeOutputNames } from './common';
import { FAILED, FIXED_OUTPUTS } from './outputs';
import * as replay from './replay.operation';
import * as route from './route.operation';
import * as routeLog from './routeLog.operation';

const operations = { route, listDeadLetters, replay, routeLog };

export type EventRouterOperation = keyof typeof operations;

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as EventRouterOperation;
	return await routeOperation(this, operations, outputsOf(this, operation));
}

/**
 * Listing dead letters or the route log has one output; routing and replay have the fixed branches plus one per
 * Node Outputs name. A configuration error concerns the whole batch: every item leaves on Failed with the reason.
 */
function outputsOf(context: IExecuteFunctions, operation: EventRouterOperation): NodeOutputs {
	if (operation === 'listDeadLetters' || operation === 'routeLog') return { count: 1, errorOutput: 0 };
	return { count: FIXED_OUTPUTS + nodeOutputNames(context).length, errorOutput: FAILED };
}
