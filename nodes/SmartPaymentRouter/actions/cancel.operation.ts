import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { paymentIdSchema } from '../../../lib/payments';
import { itemParameters, readInput } from '../../shared/inputs';
import { forEachPayment, nodeRouter, paymentFailure } from './engine';

export const description: INodeProperties[] = [];

/** Voids each item's authorized payment (releases the hold) once; voided → the output, refused → On Error. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const router = await nodeRouter(this);
	return await forEachPayment(this, items, async (item) => {
		const { paymentId } = readInput(this, paymentIdSchema, itemParameters(this, ['paymentId'], item), item);
		const result = await router.cancel(paymentId);
		return result.status === 'failed' ? paymentFailure('payment', { ...result }) : { output: 0, json: { ...result } };
	});
}
