import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import * as route from './route.operation';

export const description: INodeProperties[] = [];

/**
 * Authorizes each item's payment on the best processor that can hold it (Route Payment with Capture off):
 * authorized → Authorized with `expiresAt`, a decline → Declined, other failures → On Error.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	return await route.execute.call(this, items, true);
}
