import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { InventoryFanOut, type ChannelRules, type StoreOutcome, type StoreTarget } from '../../../lib/inventory';
import { platformDefinition } from '../../../lib/platforms/catalog';
import { parseSettings } from '../../../lib/platforms/settings';
import type { StateStore } from '../../../lib/store';
import { platformTransport } from '../../shared/engineContext';
import { chosenCredential } from '../../shared/platformCredentials';
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

/** The store's declared settings (location, source…) from its credential; a bad value stops the node naming the field. */
function parseStoreSettings(context: IExecuteFunctions, platform: string, values: Record<string, unknown>) {
	try {
		return parseSettings(platformDefinition(platform), values);
	} catch (error) {
		throw new NodeOperationError(context.getNode(), (error as Error).message);
	}
}

/** The credential's values with the location picked on the node in place of the credential's own, when one is picked. */
function withPickedLocation(context: IExecuteFunctions, platform: string, values: Record<string, unknown>): Record<string, unknown> {
	const located = locatedStores.find((candidate) => candidate.platform === platform);
	const picked = located ? pickedValue(context, locationParameter(platform)) : '';
	return located && picked ? { ...values, [located.setting]: picked } : values;
}

/** The engine over the selected stores, each through its credential's transport. */
export async function buildFanOut(context: IExecuteFunctions, store: StateStore): Promise<InventoryFanOut> {
	const selected = context.getNodeParameter('stores', 0) as string[];
	if (selected.length === 0) throw new NodeOperationError(context.getNode(), 'Select at least one store');
	const rules = rulesByStore(context);
	const targets: StoreTarget[] = await Promise.all(
		selected.map(async (platform) => {
			const definition = platformDefinition(platform);
			if (!definition.inventory) throw new NodeOperationError(context.getNode(), `${definition.displayName} has no inventory connector`);
			const credential = chosenCredential(platform, context.getNode().credentials);
			const settings = parseStoreSettings(context, platform, withPickedLocation(context, platform, await context.getCredentials(credential.type)));
			const transport = await platformTransport(context, platform, store);
			return { id: platform, connector: definition.inventory.connector(transport, settings), rules: rules.get(platform) };
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
