import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { toNodeError } from '../../shared/errors';
import * as explain from './explain.operation';
import * as get from './get.operation';
import * as route from './route.operation';
import * as verifyEvent from './verifyEvent.operation';

const operations = { route, explain, get, verifyEvent };

export type SmartPaymentRouterOperation = keyof typeof operations;

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as SmartPaymentRouterOperation;
	try {
		return await operations[operation].execute.call(this, items);
	} catch (error) {
		if (!this.continueOnFail()) throw toNodeError(this.getNode(), error);
		const message = toNodeError(this.getNode(), error).message;
		return [[], items.map((_, item) => ({ json: { error: message }, pairedItem: { item } }))];
	}
}
