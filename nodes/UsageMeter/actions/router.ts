import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeOperation } from '../../shared/operationRouter';
import * as closePeriod from './closePeriod.operation';
import * as exportUsage from './export.operation';
import * as getUsage from './getUsage.operation';
import * as previewInvoice from './previewInvoice.operation';
import * as record from './record.operation';

const operations = { record, getUsage, previewInvoice, closePeriod, export: exportUsage };

/** Every operation fills the first output; recording also fills Quota Alerts and Late Usage. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeOperation(this, operations, { count: 3, errorOutput: 0 });
}
