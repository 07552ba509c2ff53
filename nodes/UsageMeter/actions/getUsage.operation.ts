import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachPricedTarget } from './engine';

export const description: INodeProperties[] = [];

/** Per customer: the period's usage by meter and the charge it has run up so far under the plan. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	return await forEachPricedTarget(this, items, async ({ meter, customerId, period, plan }) => {
		const usage = await meter.usage(customerId, period);
		const invoice = await meter.preview(customerId, plan, period);
		return { customerId, period: { ...period }, status: invoice.status, meters: usage.meters, runningCharge: invoice.total, overPlan: invoice.overPlan };
	});
}
