import type { IExecuteFunctions, ILoadOptionsFunctions, INodeProperties, INodePropertyOptions, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { crmDefaultMappings, openSync, type CrmEntity, type FieldMapping, MappingError, type ValueTransform, withValueMaps } from '../../../lib/sync';
import { nodeEngine } from '../../shared/engineContext';
import { parseJsonParameter } from '../../shared/jsonParameter';
import { platformOptions } from '../../shared/platformOptions';

const transformOptions = [
	{ name: 'Date (YYYY-MM-DD)', value: 'date' },
	{ name: 'E.164 Phone', value: 'e164' },
	{ name: 'Lower Case', value: 'lowercase' },
	{ name: 'Trim', value: 'trim' },
	{ name: 'Upper Case', value: 'uppercase' },
];

/**
 * A value map as the first CRM platform whose default mappings have one would extend it, for the examples:
 * `{"<platform>": {"<field>": {"<internal value>": "Discovery"}}}` (its deal stage, as the catalog lists the platforms).
 */
function valueMapExample(label: string): string {
	for (const { value: platform } of platformOptions('crm')) {
		for (const entity of ['deals', 'tickets', 'contacts', 'companies'] as const) {
			const mapping = crmDefaultMappings(platform, entity)?.find((candidate) => candidate.values);
			if (mapping?.values) return `{"${platform}": {"${mapping.external}": {"${Object.keys(mapping.values.out)[0]}": ${label}}}}`;
		}
	}
	return `{"<platform>": {"<field>": {"<internal value>": ${label}}}}`;
}

export const mappingProperties: INodeProperties[] = [
	{
		displayName: 'Field Mapping',
		name: 'mappingMode',
		type: 'options',
		options: [
			{ name: 'Platform Defaults', value: 'defaults', description: 'The built-in mapping for this platform and entity' },
			{ name: 'Mapping Table', value: 'table', description: 'Map each field in the editor' },
			{ name: 'JSON', value: 'json', description: 'A JSON array of mappings, for bulk edits' },
		],
		default: 'defaults',
		displayOptions: { hide: { operation: ['recordPurchase'] } },
	},
	{
		displayName: 'Mappings',
		name: 'mappings',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		displayOptions: { show: { mappingMode: ['table'] } },
		default: {},
		options: [
			{
				name: 'field',
				displayName: 'Field',
				values: [
					{ displayName: 'Internal Field', name: 'internal', type: 'string', default: '', placeholder: 'e.g. address.city', description: 'Path in the item; dots reach nested fields' },
					{
						displayName: 'Platform Field Name or ID',
						name: 'external',
						type: 'options',
						typeOptions: { loadOptionsMethod: 'platformFields', loadOptionsDependsOn: ['platform', 'entity'] },
						default: '',
						description: 'The field on the chosen platform, as its API lists them for the entity. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>. With Sync, name a field every synced platform has.',
					},
					{ displayName: 'Transforms', name: 'transforms', type: 'multiOptions', options: transformOptions, default: [] },
					{
						displayName: 'Value Map (JSON)',
						name: 'valueMap',
						type: 'json',
						default: '{}',
						description: 'For a field with fixed options (stage, status, priority…): the platform option for each internal value, e.g. {"PROSPECTING": "appointmentscheduled"}. A value neither here nor among the platform\'s options fails its record.',
					},
				],
			},
		],
	},
	{
		displayName: 'Mappings (JSON)',
		name: 'mappingsJson',
		type: 'json',
		displayOptions: { show: { mappingMode: ['json'] } },
		default: '[\n  { "internal": "email", "external": "email", "transforms": ["trim", "lowercase"] }\n]',
		description: 'Array of {internal, external, transforms?, values?}, or an object of such arrays keyed by platform (for sync); a transform is "trim", "lowercase", "uppercase", "e164", "date" or {"map": {…}}; values is {"out": {internal value: platform option}}',
	},
	{
		displayName: 'Value Maps (JSON)',
		name: 'valueMaps',
		type: 'json',
		default: '{}',
		displayOptions: { hide: { operation: ['recordPurchase'] } },
		placeholder: valueMapExample('"Discovery"'),
		description: 'Extends or overrides the value maps of fields with fixed options, per platform and platform field: internal value → the platform\'s option (its ID or label). Applies to whichever field mapping is chosen.',
	},
];

/** The chosen platform's fields for the chosen entity, read from its API through the node's credential (the Mapping Table's list). */
export async function platformFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const platform = this.getCurrentNodeParameter('platform') as string;
	const entity = this.getCurrentNodeParameter('entity') as CrmEntity;
	const connector = await openSync(await nodeEngine(this)).connector(platform);
	return (await connector.fieldNames(entity)).sort((a, b) => a.localeCompare(b)).map((name) => ({ name, value: name }));
}

/** A node-level parameter in an action (item 0) or a trigger (no items). */
export function nodeParameter(context: IExecuteFunctions | IPollFunctions, name: string, fallback: unknown): unknown {
	if ('getInputData' in context) return context.getNodeParameter(name, 0, fallback);
	return context.getNodeParameter(name, fallback);
}

/** The mappings the user chose with their value maps applied, read once per execution (they do not vary per item). */
export function readMappings(context: IExecuteFunctions | IPollFunctions, platform: string, entity: CrmEntity): FieldMapping[] {
	const overrides = parseJsonParameter<Record<string, unknown> | null>(context, nodeParameter(context, 'valueMaps', '{}'), 'Value Maps (JSON)');
	const mappings = chosenMappings(context, platform, entity);
	if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) {
		throw new NodeOperationError(context.getNode(), `Value Maps (JSON) must be an object keyed by platform, e.g. ${valueMapExample('"…"')}`);
	}
	try {
		return withValueMaps(mappings, overrides[platform], `${platform} ${entity}`);
	} catch (error) {
		const message = error instanceof MappingError ? `Value Maps (JSON): ${error.message}` : (error as Error).message;
		throw new NodeOperationError(context.getNode(), message);
	}
}

function chosenMappings(context: IExecuteFunctions | IPollFunctions, platform: string, entity: CrmEntity): FieldMapping[] {
	const mode = nodeParameter(context, 'mappingMode', 'defaults') as string;
	if (mode === 'json') {
		const parsed = parseJsonParameter<FieldMapping[] | Record<string, FieldMapping[]>>(context, nodeParameter(context, 'mappingsJson', '[]'), 'Mappings (JSON)');
		if (Array.isArray(parsed)) return parsed;
		// An object keyed by platform gives each platform its own mappings; platforms it leaves out use their defaults.
		if (parsed[platform]) return parsed[platform];
	}
	if (mode === 'table') {
		const rows = (nodeParameter(context, 'mappings.field', []) as Array<{ internal: string; external: string; transforms?: string[]; valueMap?: string }>) ?? [];
		return rows.map((row) => {
			const valueMap = parseJsonParameter<Record<string, string>>(context, row.valueMap || '{}', `Value map of "${row.internal}"`);
			const transforms = (row.transforms ?? []) as ValueTransform[];
			const values = Object.keys(valueMap).length > 0 ? { out: valueMap } : undefined;
			return { internal: row.internal, external: row.external, transforms, values };
		});
	}
	const defaults = crmDefaultMappings(platform, entity);
	if (!defaults) throw new NodeOperationError(context.getNode(), `No default mapping for ${platform} ${entity}; choose Mapping Table or JSON`);
	return defaults;
}
