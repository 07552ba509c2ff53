import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { toNodeError } from '../../shared/errors';
import * as pull from './pull.operation';
import * as push from './push.operation';
import * as sync from './sync.operation';
import * as verifyWebhook from './verifyWebhook.operation';

const operations = { push, pull, sync, verifyWebhook };

export type CrmSyncOperation = keyof typeof operations;

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as CrmSyncOperation;
	try {
		return await operations[operation].execute.call(this, items);
	} catch (error) {
		if (!this.continueOnFail()) throw toNodeError(this.getNode(), error);
		const message = toNodeError(this.getNode(), error).message;
		return [[], items.map((_, item) => ({ json: { error: message }, pairedItem: { item } }))];
	}
}
