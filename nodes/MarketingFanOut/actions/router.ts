import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { toNodeError } from '../../shared/errors';
import * as collectUnsubscribes from './collectUnsubscribes.operation';
import * as fanOut from './fanOut.operation';
import * as recordUnsubscribe from './recordUnsubscribe.operation';
import * as retryPending from './retryPending.operation';

const operations = { fanOut, recordUnsubscribe, collectUnsubscribes, retryPending };

export type MarketingFanOutOperation = keyof typeof operations;

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as MarketingFanOutOperation;
	try {
		return await operations[operation].execute.call(this, items);
	} catch (error) {
		if (!this.continueOnFail()) throw toNodeError(this.getNode(), error);
		const message = toNodeError(this.getNode(), error).message;
		return [[], [], items.map((_, item) => ({ json: { error: message }, pairedItem: { item } }))];
	}
}
