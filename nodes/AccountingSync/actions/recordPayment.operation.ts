import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { forEachItem, openNodeBooks } from './books';
import { paymentInput } from './itemInput';

/** Each item is one payment against an invoice, posted once per Source Transaction ID. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const books = await openNodeBooks(this);
	return await forEachItem(this, items, async (item) => ({ ...(await books.recordPayment(paymentInput(this, item))) }) as IDataObject);
}
