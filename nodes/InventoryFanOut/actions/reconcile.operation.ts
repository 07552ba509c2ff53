import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { skuListSchema } from '../../../lib/inventory';
import { nodeStore } from '../../shared/engineContext';
import { readInput } from '../../shared/inputs';
import { failedItem, hintFailures } from '../../shared/itemFailures';
import { buildFanOut, stockStoreId } from './engine';
import { readStoreLabel } from './storeLabel';
import { listedStoreExamples } from '../../shared/storeLists';

const showFor = { show: { operation: ['reconcile'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'SKUs',
		name: 'skus',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'SKU-1, SKU-2',
		displayOptions: showFor,
		description: 'Comma-separated SKUs to compare on every store, or an expression giving an array',
	},
	{
		displayName: 'Correct Drift',
		name: 'correct',
		type: 'boolean',
		default: false,
		displayOptions: showFor,
		description: 'Whether to set drifted stores to the expected quantity (compare-and-set where the platform has it) and close the changes they still owed',
	},
	{
		displayName: 'Baseline Store Name or ID',
		name: 'baselineStore',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'baselineStores', loadOptionsDependsOn: ['stores'] },
		default: '',
		displayOptions: showFor,
		description:
			`For SKUs the ledger has no expected quantity for yet, adopt this store's quantity as the baseline (a store of a Store List: ${listedStoreExamples('us')}). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
	},
];

/** Comma-separated text, or a list whose every entry is a SKU as text (a number or an object is refused by name, never String()-ed). */
function skuList(context: IExecuteFunctions, item: number): string[] {
	const value = context.getNodeParameter('skus', item) as unknown;
	const list = typeof value === 'string' ? value.split(',') : readInput(context, skuListSchema, { skus: value ?? [] }, item).skus;
	return list.map((sku) => sku.trim()).filter(Boolean);
}

/** The baseline store chosen, named as this node's stores are (with its Store Label). */
const baselineStore = (chosen: string, label: string): string | undefined => {
	if (!chosen) return undefined;
	// A listed store's id is its own (`shopify@us`); a picked store takes the node's Store Label.
	return chosen.includes('@') ? chosen : stockStoreId(chosen, label);
};

/** One item per store and SKU: in sync or corrected → In Step; drift, unknown SKU, no baseline → Drift; a store that could not be read → On Error. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const store = await nodeStore(this);
	const fanOut = await buildFanOut(this, store);
	const label = readStoreLabel(this);
	const ok: INodeExecutionData[] = [];
	const attention: INodeExecutionData[] = [];
	let unread = 0;
	let total = 0;
	for (let item = 0; item < items.length; item++) {
		const entries = await fanOut.reconcile(skuList(this, item), {
			correct: this.getNodeParameter('correct', item) as boolean,
			baselineFrom: baselineStore(this.getNodeParameter('baselineStore', item) as string, label),
		});
		total += entries.length;
		for (const entry of entries) {
			if (entry.status === 'error') {
				unread++;
				const failure = { subject: `stock of ${entry.sku} on ${entry.store}`, message: `not read: ${entry.error?.message ?? 'failed'}`, code: entry.error?.code, details: { ...entry, error: entry.error?.message ?? null } };
				ok.push(failedItem(this, item, failure));
			} else {
				(entry.status === 'in_sync' || entry.status === 'corrected' ? ok : attention).push({ json: { ...entry }, pairedItem: { item } });
			}
		}
	}
	hintFailures(this, unread, total, 'store reads');
	return [ok, attention];
}
