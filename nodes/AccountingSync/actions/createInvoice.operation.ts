import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { forEachItem, openNodeBooks } from './books';
import { linesEntryInput } from './itemInput';

/** Each item is one invoice, posted once per Source Transaction ID; a repeat returns the first entry with replayed true. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const books = await openNodeBooks(this);
	return await forEachItem(this, items, async (item) => ({ ...(await books.createInvoice(linesEntryInput(this, item))) }) as IDataObject);
}
