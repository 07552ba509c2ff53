import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachPricedTarget } from './engine';

export const description: INodeProperties[] = [];

/**
 * Per customer: closes the period with its final invoice. Events for it that arrive later are not counted; they are
 * listed here (`late`) and sent to the Late Usage output of the recording node.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	return await forEachPricedTarget(this, items, async ({ meter, customerId, period, plan }) => {
		const { invoice, closedNow, late } = await meter.close(customerId, plan, period);
		return { ...invoice, period: { ...invoice.period }, closedNow, late: late.map((event) => ({ ...event })) };
	});
}
