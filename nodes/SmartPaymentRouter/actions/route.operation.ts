import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachPayment, nodeRouter } from './common';
import { readPayment } from './payment';

export const description: INodeProperties[] = [];

/** Charges each item's payment through the best processor; succeeded → output 0, failed → output 1. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const router = await nodeRouter(this);
	return await forEachPayment(
		this,
		items,
		async (item) => {
			const result = await router.process(readPayment(this, item));
			return { passed: result.status === 'succeeded', json: { ...result } };
		},
		(message) => ({ status: 'failed', reason: 'invalid_request', message }),
	);
}
