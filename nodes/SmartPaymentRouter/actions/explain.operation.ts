import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachPayment, nodeRouter } from './engine';
import { readPayment } from './paymentProperties';

export const description: INodeProperties[] = [];

/** The explained ranking for each item's payment, without charging anything. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const router = await nodeRouter(this);
	return await forEachPayment(this, items, async (item) => {
		const payment = readPayment(this, item);
		const ranking = await router.explain(payment);
		return { output: 0, json: { paymentId: payment.paymentId, order: ranking.filter((entry) => entry.eligible).map((entry) => entry.processor), ranking } };
	});
}
