import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { recordEachItem } from './books';
import { paymentInput } from './itemInput';

/** Each item is one payment against an invoice, posted once per Source Transaction ID. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	return await recordEachItem(this, items, 'payment', (item) => paymentInput(this, item));
}
