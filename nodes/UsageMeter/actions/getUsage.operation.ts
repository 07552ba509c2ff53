import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { openMeter, planReader, targets } from './common';

export const description: INodeProperties[] = [];

/** Per customer: the period's usage by meter and the charge it has run up so far under the plan. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const meter = await openMeter(this);
	const planOf = planReader(this);
	const output: INodeExecutionData[] = [];
	for (const { customerId, period, itemIndex } of await targets(this, meter, items.length)) {
		const plan = planOf(itemIndex);
		const usage = await meter.usage(customerId, period);
		const invoice = await meter.preview(customerId, plan, period);
		output.push({
			json: { customerId, period: { ...period }, status: invoice.status, meters: usage.meters, runningCharge: invoice.total, overPlan: invoice.overPlan },
			pairedItem: { item: itemIndex },
		});
	}
	return [output];
}
