import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { toDecimalString } from '../../../lib/platforms/payments';
import { toNodeError } from '../../shared/errors';
import { nodeRouter } from './common';

export const description: INodeProperties[] = [];

/** The stored transaction of each item's payment id (state, processor, fee, every attempt); unknown ids → output 1. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const router = await nodeRouter(this);
	const found: INodeExecutionData[] = [];
	const missing: INodeExecutionData[] = [];
	for (let item = 0; item < items.length; item++) {
		try {
			const paymentId = String(this.getNodeParameter('paymentId', item));
			const record = await router.payments.transaction(paymentId);
			if (!record) {
				missing.push({ json: { paymentId, found: false }, pairedItem: { item } });
				continue;
			}
			const amounts = { amount: toDecimalString(record.amountMinor, record.currency), fee: record.feeMinor === undefined ? undefined : toDecimalString(record.feeMinor, record.currency) };
			found.push({ json: { ...record, ...amounts, found: true }, pairedItem: { item } });
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, item);
			if (!this.continueOnFail()) throw nodeError;
			missing.push({ json: { error: nodeError.message }, pairedItem: { item } });
		}
	}
	return [found, missing];
}
