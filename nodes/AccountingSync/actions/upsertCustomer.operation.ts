import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { forEachItem, openNodeBooks } from './books';
import { customerInput } from './itemInput';

/** Each item's customer, matched by email (the ID map, then the platform): created when new, else updated. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const books = await openNodeBooks(this);
	return await forEachItem(this, items, async (item) => ({ ...(await books.upsertCustomer(customerInput(this, item))) }) as IDataObject);
}
