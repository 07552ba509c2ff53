import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { toNodeError } from '../../shared/errors';
import { nodeRouter } from './common';
import { readPayment } from './payment';

export const description: INodeProperties[] = [];

/** Charges each item's payment through the best processor; succeeded → output 0, failed → output 1. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const router = await nodeRouter(this);
	const succeeded: INodeExecutionData[] = [];
	const failed: INodeExecutionData[] = [];
	for (let item = 0; item < items.length; item++) {
		try {
			const result = await router.process(readPayment(this, item));
			(result.status === 'succeeded' ? succeeded : failed).push({ json: { ...result }, pairedItem: { item } });
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, item);
			if (!this.continueOnFail()) throw nodeError;
			failed.push({ json: { status: 'failed', reason: 'invalid_request', message: nodeError.message }, pairedItem: { item } });
		}
	}
	return [succeeded, failed];
}
