import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { toNodeError } from '../../shared/errors';
import { nodeRouter } from './common';
import { readPayment } from './payment';

export const description: INodeProperties[] = [];

/** The explained ranking for each item's payment, without charging anything. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const router = await nodeRouter(this);
	const ranked: INodeExecutionData[] = [];
	const failed: INodeExecutionData[] = [];
	for (let item = 0; item < items.length; item++) {
		try {
			const payment = readPayment(this, item);
			const ranking = await router.explain(payment);
			ranked.push({ json: { paymentId: payment.paymentId, order: ranking.filter((entry) => entry.eligible).map((entry) => entry.processor), ranking }, pairedItem: { item } });
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, item);
			if (!this.continueOnFail()) throw nodeError;
			failed.push({ json: { error: nodeError.message }, pairedItem: { item } });
		}
	}
	return [ranked, failed];
}
