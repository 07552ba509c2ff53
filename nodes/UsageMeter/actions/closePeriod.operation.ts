import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { openMeter, planReader, targets } from './common';

export const description: INodeProperties[] = [];

/**
 * Per customer: closes the period with its final invoice. Events for it that arrive later are not counted; they are
 * listed here (`late`) and sent to the Late Usage output of the recording node.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const meter = await openMeter(this);
	const planOf = planReader(this);
	const output: INodeExecutionData[] = [];
	for (const { customerId, period, itemIndex } of await targets(this, meter, items.length)) {
		const { invoice, closedNow, late } = await meter.close(customerId, planOf(itemIndex), period);
		output.push({ json: { ...invoice, period: { ...invoice.period }, closedNow, late: late.map((event) => ({ ...event })) }, pairedItem: { item: itemIndex } });
	}
	return [output];
}
