import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { openInventory, type ChannelRules, type InventoryFanOut, type StoreOutcome } from '../../../lib/inventory';
import { nodePlatforms, type StateStore } from '../../shared/engineContext';
import { pickedValue } from '../../shared/resourceLocator';
import { locatedStores, locationParameter } from './properties';

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

/** The location picked on the node in place of the credential's own, when one is picked. */
function pickedLocation(context: IExecuteFunctions, platform: string): Record<string, string> | undefined {
	const located = locatedStores.find((candidate) => candidate.platform === platform);
	const picked = located ? pickedValue(context, locationParameter(platform)) : '';
	return located && picked ? { [located.setting]: picked } : undefined;
}

/** The engine over the selected stores, each through its credential. */
export async function buildFanOut(context: IExecuteFunctions, store: StateStore): Promise<InventoryFanOut> {
	const selected = context.getNodeParameter('stores', 0) as string[];
	if (selected.length === 0) throw new NodeOperationError(context.getNode(), 'Select at least one store');
	const rules = rulesByStore(context);
	const inventory = openInventory({ store, platforms: nodePlatforms(context, store) });
	return await inventory.fanOut(selected.map((platform) => ({ platform, rules: rules.get(platform), settings: pickedLocation(context, platform) })));
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
