import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { recordEachItem } from './books';
import { linesEntryInput } from './itemInput';

/** Each item is one sale, posted once per Source Transaction ID; a repeat returns the first entry with replayed true. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	return await recordEachItem(this, items, 'sale', (item) => linesEntryInput(this, item));
}
