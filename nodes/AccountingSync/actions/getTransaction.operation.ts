import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { transactionLookupSchema, type EntryKind } from '../../../lib/accounting';
import { itemParameters, readInput } from '../../shared/inputs';
import { forEachItem, openNodeBooks } from './books';

/** What the node recorded for each item's source transaction (state, platform ID, total), and with Refresh its balance now. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const books = await openNodeBooks(this);
	return await forEachItem(this, items, async (item) => {
		const { sourceId } = readInput(this, transactionLookupSchema, itemParameters(this, ['sourceId'], item), item);
		const kind = this.getNodeParameter('transactionKind', item) as EntryKind;
		const refresh = this.getNodeParameter('refresh', item, false) as boolean;
		return { ...(await books.transaction(kind, sourceId, { refresh })) } as IDataObject;
	});
}
