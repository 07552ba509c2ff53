import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { paymentIdSchema, toMajorString } from '../../../lib/payments';
import { itemParameters, readInput } from '../../shared/inputs';
import { forEachPayment, nodeRouter } from './engine';

export const description: INodeProperties[] = [];

/** The stored transaction of each item's payment id (state, processor, fee, every attempt) → Found; unknown ids → Not Found. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const router = await nodeRouter(this);
	return await forEachPayment(this, items, async (item) => {
		const { paymentId } = readInput(this, paymentIdSchema, itemParameters(this, ['paymentId'], item), item);
		const record = await router.payments.transaction(paymentId);
		if (!record) return { output: 1, json: { paymentId, found: false } };
		const amounts = { amount: toMajorString(record.amountMinor, record.currency), fee: record.feeMinor === undefined ? undefined : toMajorString(record.feeMinor, record.currency) };
		return { output: 0, json: { ...record, ...amounts, found: true } };
	});
}
