import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { openSync, type ConflictStrategy } from '../../../lib/sync';
import { nodeEngine } from '../../shared/engineContext';
import { storeOptions } from '../../shared/platformCredentials';
import { listedOf, pickedStores, storeAndListOptions } from '../../shared/storeLists';
import { readStoreLabel, storeLabelProperty } from './storeLabel';

const show = { show: { operation: ['syncProducts'] } };

/** The stores whose vendor folder declares a product catalogue connector, each platform's second store after its first. */
const productStores = storeOptions('products').map(({ name, value }) => ({ name, value }));

export const description: INodeProperties[] = [
	{
		displayName: 'Product Stores',
		name: 'productStores',
		type: 'multiOptions',
		options: storeAndListOptions('products'),
		default: [],
		required: true,
		displayOptions: show,
		description: 'The stores whose catalogues are kept in step; set a credential for each (a Store List: every store of its credential)',
	},
	{
		displayName: 'Source of Truth',
		name: 'sourceOfTruth',
		type: 'options',
		options: [{ name: 'Latest Edit Wins', value: '' }, ...productStores],
		default: '',
		displayOptions: show,
		description: 'When a product was edited differently on two stores since the last run: the latest edit, or this store, wins each field',
	},
	{
		displayName: 'Catalogue Name',
		name: 'catalogue',
		type: 'string',
		default: 'catalog',
		displayOptions: show,
		description: 'Names this set of stores in the state store (ID map, positions, last seen values): keep it when you change the node',
	},
	storeLabelProperty('syncProducts', 'Catalogue Name'),
];

/** One run for the whole input: every store pulled since its position, the changes written to the others once. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const stores = await pickedStores(this, 'products', this.getNodeParameter('productStores', 0) as string[], readStoreLabel(this));
	if (stores.length < 2) throw new NodeOperationError(this.getNode(), 'Select at least two Product Stores to keep in step');
	const source = this.getNodeParameter('sourceOfTruth', 0) as string;
	const preferred = stores.find((store) => store.selection === source);
	if (source && !preferred) throw new NodeOperationError(this.getNode(), `Source of Truth "${source}" is not among the Product Stores`);
	const strategy: ConflictStrategy = preferred ? { kind: 'prefer', side: preferred.id } : { kind: 'lastWriteWins' };
	const summary = await openSync(await nodeEngine(this, listedOf(stores))).syncProducts(stores.map(({ platform, id }) => ({ platform, id })), {
		integration: this.getNodeParameter('catalogue', 0) as string,
		strategy,
		runId: this.getExecutionId() ?? String(Date.now()),
	});
	const applied = Object.entries(summary.platforms).map(([store, counts]) => ({ json: { store, ...counts }, pairedItem: { item: 0 } }));
	const failed = summary.failures.map((failure) => ({ json: { ...failure }, pairedItem: { item: 0 } }));
	return [applied, failed];
}
