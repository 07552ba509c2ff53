import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { InventoryFanOut, type ChannelRules, type StoreOutcome, type StoreTarget } from '../../../lib/inventory';
import { platformCatalog, platformEntry } from '../../../lib/platforms/catalog';
import type { StateStore } from '../../../lib/store';
import { platformTransport } from '../../shared/engineContext';
import { chosenCredential } from '../../shared/platformCredentials';

/** The platforms with an inventory connector; each is one store, named by its platform (e.g. `shopify`). */
export const inventoryPlatforms = Object.entries(platformCatalog)
	.filter(([, entry]) => 'inventory' in entry)
	.map(([value, entry]) => ({ name: entry.displayName, value }));

export const storesProperty: INodeProperties = {
	displayName: 'Stores',
	name: 'stores',
	type: 'multiOptions',
	options: inventoryPlatforms,
	default: [],
	required: true,
	description: 'The stores kept in step; set a credential for each. The store named as an order\'s source is skipped.',
};

export const rulesProperty: INodeProperties = {
	displayName: 'Channel Rules',
	name: 'channelRules',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	default: {},
	placeholder: 'Add Channel Rule',
	description: 'A store with rules gets an absolute listed quantity computed from the expected stock instead of a delta',
	options: [
		{
			name: 'rule',
			displayName: 'Rule',
			values: [
				{ displayName: 'Store', name: 'store', type: 'options', options: inventoryPlatforms, default: 'shopify' },
				{ displayName: 'Safety Buffer', name: 'safetyBuffer', type: 'number', typeOptions: { minValue: 0 }, default: 0, description: 'Units held back: the store lists available minus this' },
				{ displayName: 'Allocation (%)', name: 'allocationPercent', type: 'number', typeOptions: { minValue: 0, maxValue: 100 }, default: 100, description: 'Share of the available stock this store lists (rounded down)' },
				{ displayName: 'Maximum Listed', name: 'maxListed', type: 'number', typeOptions: { minValue: 0 }, default: 0, description: 'The most this store ever lists; 0 for no maximum' },
			],
		},
	],
};

interface RuleRow {
	store: string;
	safetyBuffer?: number;
	allocationPercent?: number;
	maxListed?: number;
}

function rulesByStore(context: IExecuteFunctions): Map<string, ChannelRules> {
	const rows = (context.getNodeParameter('channelRules.rule', 0, []) as RuleRow[]) ?? [];
	return new Map(
		rows.map((row) => [
			row.store,
			{
				safetyBuffer: row.safetyBuffer || undefined,
				allocationPercent: row.allocationPercent === undefined || row.allocationPercent === 100 ? undefined : row.allocationPercent,
				maxListed: row.maxListed || undefined,
			},
		]),
	);
}

/** The engine over the selected stores, each through its credential's transport. */
export async function buildFanOut(context: IExecuteFunctions, store: StateStore): Promise<InventoryFanOut> {
	const selected = context.getNodeParameter('stores', 0) as string[];
	if (selected.length === 0) throw new NodeOperationError(context.getNode(), 'Select at least one store');
	const rules = rulesByStore(context);
	const targets: StoreTarget[] = await Promise.all(
		selected.map(async (platform) => {
			const credential = chosenCredential(platform, context.getNode().credentials);
			if (!credential) throw new NodeOperationError(context.getNode(), `No credential type for ${platform}`);
			const settings = await context.getCredentials(credential.type);
			const transport = await platformTransport(context, platform, store);
			const connector = platformEntry(platform).inventory?.connector(transport, settings);
			if (!connector) throw new NodeOperationError(context.getNode(), `${platform} has no inventory connector`);
			return { id: platform, connector, rules: rules.get(platform) };
		}),
	);
	return new InventoryFanOut({ db: store.db, stores: targets });
}

/** Applied changes → output 0; pending and failed ones (the error output) → output 1. */
export function splitOutcomes(outcomes: Array<StoreOutcome & { item: number }>): INodeExecutionData[][] {
	const applied: INodeExecutionData[] = [];
	const errors: INodeExecutionData[] = [];
	for (const { item, ...outcome } of outcomes) {
		(outcome.status === 'applied' ? applied : errors).push({ json: { ...outcome }, pairedItem: { item } });
	}
	return [applied, errors];
}
