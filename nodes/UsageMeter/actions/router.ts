import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { toNodeError } from '../../shared/errors';
import * as closePeriod from './closePeriod.operation';
import * as exportUsage from './export.operation';
import * as getUsage from './getUsage.operation';
import * as previewInvoice from './previewInvoice.operation';
import * as record from './record.operation';

const operations = { record, getUsage, previewInvoice, closePeriod, export: exportUsage };

export type UsageMeterOperation = keyof typeof operations;

/** Every operation fills the first output; recording also fills Quota Alerts and Late Usage. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as UsageMeterOperation;
	try {
		const [main, alerts = [], late = []] = await operations[operation].execute.call(this, items);
		return [main, alerts, late];
	} catch (error) {
		if (!this.continueOnFail()) throw toNodeError(this.getNode(), error);
		const message = toNodeError(this.getNode(), error).message;
		return [items.map((_, item) => ({ json: { error: message }, pairedItem: { item } })), [], []];
	}
}
