import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { settleAuthorizations } from './engine';

export const description: INodeProperties[] = [];

/** Cancels each item's authorized payment (releases the hold) once; canceled → output 0, refused → output 1. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	return await settleAuthorizations(this, items, 'cancel');
}
