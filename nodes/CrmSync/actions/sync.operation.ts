import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { failedItem, hintFailures } from '../../shared/itemFailures';
import { pushFailure } from './push.operation';
import { NodeOperationError } from 'n8n-workflow';

import { openSync, type ConflictStrategy, type CrmEntity, type DeletePolicy } from '../../../lib/sync';
import { fieldPoliciesProperty, readFieldPolicies } from '../../shared/fieldPolicies';
import { nodeEngine } from '../../shared/engineContext';
import { pickedCreateDefaults } from './createDefaults';
import { readMappings } from './mappingParameters';
import { crmPlatformOptions, deletesProperty, firstCrmPlatform } from './properties';

const show = { show: { operation: ['sync'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Platforms',
		name: 'platforms',
		type: 'multiOptions',
		options: crmPlatformOptions,
		default: [],
		required: true,
		displayOptions: show,
		description: 'Every platform to keep in step; each needs its credential set on this node',
	},
	{
		displayName: 'Conflict Strategy',
		name: 'strategy',
		type: 'options',
		displayOptions: show,
		options: [
			{ name: 'Last Write Wins', value: 'lastWriteWins', description: "The platform whose record changed last wins the field; equal times go by platform priority" },
			{ name: 'Manual Review', value: 'manual', description: 'Conflicting fields wait in the review queue; each platform keeps its value until decided' },
			{ name: 'Prefer One Platform', value: 'prefer', description: 'The chosen platform wins every field both changed' },
		],
		default: 'lastWriteWins',
	},
	{
		displayName: 'Preferred Platform',
		name: 'preferredPlatform',
		type: 'options',
		options: crmPlatformOptions,
		default: firstCrmPlatform,
		displayOptions: { show: { operation: ['sync'], strategy: ['prefer'] } },
	},
	{
		displayName: 'Platform Priority',
		name: 'platformPriority',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Platform',
		default: {},
		displayOptions: show,
		description: 'Tie-break order for changes with equal modified times, first wins (drag to reorder); unlisted platforms follow by name',
		options: [{ displayName: 'Platform', name: 'platform', values: [{ displayName: 'Platform', name: 'platform', type: 'options', options: crmPlatformOptions, default: firstCrmPlatform }] }],
	},
	fieldPoliciesProperty(
		{
			noun: 'Platform',
			fieldDescription: 'Internal field name (dots for nested fields)',
			party: { displayName: 'Platform', options: crmPlatformOptions, default: firstCrmPlatform, description: 'The owning or preferred platform' },
		},
		show,
	),
	{ ...deletesProperty, displayOptions: show },
];

/**
 * The tie-break order as picked (rows of `{ platform }`), or as the comma-separated text earlier versions of the node
 * saved; a platform the node does not know, or one listed twice, is an error naming the field.
 */
export function readPlatformPriority(context: IExecuteFunctions): string[] {
	const raw = context.getNodeParameter('platformPriority', 0, {}) as string | { platform?: Array<{ platform?: string }> };
	const names = typeof raw === 'string' ? raw.split(',').map((name) => name.trim()).filter(Boolean) : (raw.platform ?? []).map((row) => String(row.platform ?? ''));
	const known = crmPlatformOptions.map((option) => option.value);
	for (const [index, name] of names.entries()) {
		if (!known.includes(name)) throw new NodeOperationError(context.getNode(), `Platform Priority: "${name}" is not a CRM platform (${known.join(', ')})`);
		if (names.indexOf(name) !== index) throw new NodeOperationError(context.getNode(), `Platform Priority: ${name} is listed twice`);
	}
	return names;
}

export function readStrategy(context: IExecuteFunctions): ConflictStrategy {
	const strategy = context.getNodeParameter('strategy', 0) as string;
	if (strategy === 'prefer') return { kind: 'prefer', side: context.getNodeParameter('preferredPlatform', 0) as string };
	return { kind: strategy as 'lastWriteWins' | 'manual' };
}

/**
 * Pulls every chosen platform, resolves conflicts against the last synced version, pushes the winners everywhere; the
 * summary goes out as one item.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const entity = this.getNodeParameter('entity', 0) as CrmEntity;
	const integration = this.getNodeParameter('integration', 0) as string;
	const platforms = this.getNodeParameter('platforms', 0) as string[];
	if (platforms.length < 2) throw new NodeOperationError(this.getNode(), 'Sync needs at least two platforms');
	const chosen = platforms.map((platform) => ({ platform, mappings: readMappings(this, platform, entity), createDefaults: pickedCreateDefaults(this, platform, entity) }));
	const policies = readFieldPolicies(this);
	const priority = readPlatformPriority(this);
	const summary = await openSync(await nodeEngine(this)).sync(chosen, {
		integration, entity,
		strategy: readStrategy(this),
		fieldPolicies: policies,
		platformPriority: priority,
		deletes: this.getNodeParameter('deletes', 0) as DeletePolicy,
		runId: this.getExecutionId() ?? String(Date.now()),
	});
	const { failures, ...counts } = summary;
	// Each record a platform refused follows On Error (stop naming it, or an error item beside the summary).
	const failed = failures.map((failure) => failedItem(this, 0, pushFailure(failure)));
	const written = Object.values(summary.platforms).reduce((sum, counts) => sum + counts.created + counts.updated, 0);
	hintFailures(this, failures.length, failures.length + written, 'record writes');
	return [[{ json: counts as unknown as INodeExecutionData['json'], pairedItem: { item: 0 } }, ...failed]];
}
