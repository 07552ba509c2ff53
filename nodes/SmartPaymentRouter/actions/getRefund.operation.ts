import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { refundIdSchema } from '../../../lib/payments';
import { itemParameters, readInput } from '../../shared/inputs';
import { forEachPayment, nodeRouter } from './engine';

export const description: INodeProperties[] = [];

/** Each item's refund as it stands (a failed one too), looked up at the processor while pending → Found; unknown refund ids → Not Found. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const router = await nodeRouter(this);
	return await forEachPayment(this, items, async (item) => {
		const { refundId } = readInput(this, refundIdSchema, itemParameters(this, ['refundId'], item), item);
		const result = await router.refundStatus(refundId);
		return { output: result.status === 'failed' && result.reason === 'unknown_refund' ? 1 : 0, json: { ...result } };
	});
}
