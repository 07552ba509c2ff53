import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachPricedTarget } from './engine';

export const description: INodeProperties[] = [];

/** Per customer: the invoice the period would produce (the stored final one once the period is closed). */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	return await forEachPricedTarget(this, items, async ({ meter, customerId, period, plan }) => {
		const invoice = await meter.preview(customerId, plan, period);
		return { ...invoice, period: { ...invoice.period } };
	});
}
