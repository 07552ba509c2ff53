import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { postLookupSchema } from '../../../lib/social';
import { failedItem } from '../../shared/itemFailures';
import { itemParameters, readInput } from '../../shared/inputs';
import { openNodePublisher } from './engine';

/** Each item names a post ID; what it published on each chosen platform is deleted (a second delete sends nothing). */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const publisher = await openNodePublisher(this);
	const platforms = this.getNodeParameter('platforms', 0) as string[];
	const output: INodeExecutionData[] = [];
	for (let item = 0; item < items.length; item++) {
		try {
			const { postId } = readInput(this, postLookupSchema, itemParameters(this, ['postId'], item), item);
			const deleted = [];
			for (const platform of platforms) deleted.push(await publisher.delete(postId, platform));
			output.push({ json: { postId, deleted } as unknown as IDataObject, pairedItem: { item } });
		} catch (error) {
			output.push(failedItem(this, item, error));
		}
	}
	return [output];
}
