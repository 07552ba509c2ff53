import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { openNodeBooks } from './books';

/**
 * One pull for the run (not per item): each document or customer changed or deleted in the books since the last pull
 * (or since Changed Since) becomes an item, with the source id it was recorded under when this package recorded it.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const books = await openNodeBooks(this);
	const changedSince = String(this.getNodeParameter('changedSince', 0, '') ?? '').trim();
	const { since, until, changes } = await books.pullChanges({ since: changedSince || undefined });
	return [changes.map((change) => ({ json: { ...change, since, until } as IDataObject, pairedItem: { item: 0 } }))];
}
