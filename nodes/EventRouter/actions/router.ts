import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { toNodeError } from '../../shared/errors';
import * as listDeadLetters from './listDeadLetters.operation';
import { nodeOutputNames } from './common';
import { FAILED, FIXED_OUTPUTS } from './outputs';
import * as replay from './replay.operation';
import * as route from './route.operation';
import * as routeLog from './routeLog.operation';

const operations = { route, listDeadLetters, replay, routeLog };

export type EventRouterOperation = keyof typeof operations;

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as EventRouterOperation;
	try {
		return await operations[operation].execute.call(this, items);
	} catch (error) {
		if (!this.continueOnFail()) throw toNodeError(this.getNode(), error);
		// A configuration error concerns the whole batch: every item leaves on Failed with the reason.
		const message = toNodeError(this.getNode(), error).message;
		const failed = items.map((_, item) => ({ json: { error: message }, pairedItem: { item } }));
		if (operation === 'listDeadLetters' || operation === 'routeLog') return [failed];
		const branches: INodeExecutionData[][] = Array.from({ length: FIXED_OUTPUTS + nodeOutputNames(this).length }, () => []);
		branches[FAILED] = failed;
		return branches;
	}
}
