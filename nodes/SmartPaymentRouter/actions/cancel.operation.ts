import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { paymentIdSchema } from '../../../lib/payments';
import { itemParameters, readInput } from '../../shared/inputs';
import { forEachPayment, nodeRouter } from './engine';

export const description: INodeProperties[] = [];

/** Voids each item's authorized payment (releases the hold) once; voided → output 0, refused → output 1. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const router = await nodeRouter(this);
	return await forEachPayment(this, items, async (item) => {
		const { paymentId } = readInput(this, paymentIdSchema, itemParameters(this, ['paymentId'], item), item);
		const result = await router.cancel(paymentId);
		return { passed: result.status !== 'failed', json: { ...result } };
	});
}
