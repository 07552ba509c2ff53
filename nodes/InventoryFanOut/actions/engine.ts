import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { openInventory, type ChannelRules, type InventoryFanOut, type StoreOutcome } from '../../../lib/inventory';
import { nodePlatforms, type StateStore } from '../../shared/engineContext';
import { failedItem, hintFailures, type RecordFailure } from '../../shared/itemFailures';
import { pickedValue } from '../../shared/resourceLocator';
import { storeChoice } from '../../shared/platformCredentials';
import { listedOf, pickedStores, type PickedStore } from '../../shared/storeLists';
import { locatedStores, locationParameter } from './properties';
import { readGroupMembers, readStockGroup, readStoreLabel } from './storeLabel';
import { platformsServing } from '../../shared/platformOptions';

interface RuleRow {
	store: string;
	safetyBuffer?: number;
	allocationPercent?: number;
	maxListed?: number;
}

/**
 * The channel rules by the store they name: a store picked on the node (`shopify-2`) or a store of a list (`shopify@us`).
 * A rule naming a listed store the node does not have (a label mistyped, a store removed from the list) is an error,
 * not a rule silently dropped.
 */
function rulesByStore(context: IExecuteFunctions, stores: PickedStore[]): Map<string, ChannelRules> {
	const rows = (context.getNodeParameter('channelRules.rule', 0, []) as RuleRow[]) ?? [];
	const names = stores.map((store) => store.selection);
	const unknown = rows.find((row) => typeof row.store === 'string' && row.store.includes('@') && !names.includes(row.store));
	if (unknown) throw new NodeOperationError(context.getNode(), `Channel Rules name the store "${unknown.store}", which is not among this node's stores (${names.join(', ')})`);
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

/** The engine over the selected stores (a list credential's stores each on their own), each through its credential. */
export async function buildFanOut(context: IExecuteFunctions, store: StateStore): Promise<InventoryFanOut> {
	const selected = context.getNodeParameter('stores', 0) as string[];
	if (selected.length === 0) throw new NodeOperationError(context.getNode(), 'Select at least one store');
	const stores = await pickedStores(context, 'inventory', selected, readStoreLabel(context));
	const rules = rulesByStore(context, stores);
	const inventory = openInventory({ store, platforms: nodePlatforms(context, store, listedOf(stores)) });
	// A platform's second store (`shopify-2`) and a listed store keep the location on their credential: the pickers are the first store's.
	return await inventory.fanOut(
		stores.map(({ platform, id, selection, listed }) => ({ platform, id, rules: rules.get(selection), settings: selection === platform && !listed ? pickedLocation(context, platform) : undefined })),
		stockGroupOptions(context),
	);
}

/** The node's stock group and the other nodes' stores it declares. */
function stockGroupOptions(context: IExecuteFunctions): { group?: string; groupMembers: string[] } {
	const group = readStockGroup(context);
	return { group, groupMembers: readGroupMembers(context, platformsServing('inventory').map((definition) => definition.id), group) };
}

/** A selected store's id in the ledger and in outputs: with the node's Store Label, `shopify@eu`. */
export function stockStoreId(store: string, label: string): string {
	return storeChoice('inventory', store, label).id;
}

/**
 * Applied changes → Applied; pending ones (the store was unavailable: kept and applied by Retry Pending) → Pending; one a
 * store refused for good (an unknown SKU…) follows the node's On Error setting, after the others were applied.
 */
export function splitOutcomes(context: IExecuteFunctions, outcomes: Array<StoreOutcome & { item: number }>): INodeExecutionData[][] {
	const applied: INodeExecutionData[] = [];
	const pending: INodeExecutionData[] = [];
	hintFailures(context, outcomes.filter((outcome) => outcome.status === 'failed').length, outcomes.length, 'stock changes');
	for (const { item, ...outcome } of outcomes) {
		if (outcome.status === 'failed') applied.push(failedItem(context, item, stockFailure(outcome)));
		else (outcome.status === 'applied' ? applied : pending).push({ json: { ...outcome }, pairedItem: { item } });
	}
	return [applied, pending];
}

/** A stock change a store refused, named by order line, SKU and store. */
function stockFailure(outcome: StoreOutcome): RecordFailure {
	return {
		subject: `stock of ${outcome.sku} on ${outcome.store} (order ${outcome.orderId}, line ${outcome.lineId})`,
		message: outcome.error?.message ?? 'not applied',
		code: outcome.error?.code,
		details: { ...outcome, error: outcome.error?.message ?? null },
	};
}
