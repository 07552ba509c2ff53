import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { openMeter, planReader, targets } from './common';

export const description: INodeProperties[] = [];

/** Per customer: the invoice the period would produce (the stored final one once the period is closed). */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const meter = await openMeter(this);
	const planOf = planReader(this);
	const output: INodeExecutionData[] = [];
	for (const { customerId, period, itemIndex } of await targets(this, meter, items.length)) {
		const invoice = await meter.preview(customerId, planOf(itemIndex), period);
		output.push({ json: { ...invoice, period: { ...invoice.period } }, pairedItem: { item: itemIndex } });
	}
	return [output];
}
