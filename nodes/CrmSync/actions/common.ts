import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { platformCatalog, platformEntry } from '../../../lib/platforms/catalog';
import type { CrmEntity } from '../../../lib/platforms/crm';
import type { FieldMapping, ValueTransform } from '../../../lib/sync/mapping';

const crmPlatforms = Object.entries(platformCatalog)
	.filter(([, entry]) => 'crm' in entry)
	.map(([value, entry]) => ({ name: entry.displayName, value }));

export const platformProperty: INodeProperties = {
	displayName: 'Platform',
	name: 'platform',
	type: 'options',
	options: crmPlatforms,
	default: 'hubspot',
	description: 'The platform to sync with',
};

export const entityProperty: INodeProperties = {
	displayName: 'Entity',
	name: 'entity',
	type: 'options',
	options: [
		{ name: 'Company', value: 'companies' },
		{ name: 'Contact', value: 'contacts' },
		{ name: 'Deal', value: 'deals' },
		{ name: 'Ticket', value: 'tickets' },
	],
	default: 'contacts',
};

export const integrationProperty: INodeProperties = {
	displayName: 'Integration Name',
	name: 'integration',
	type: 'string',
	default: 'default',
	description: 'Keeps the ID map, cursors and logs of separate integrations apart; use the same name in every node of one integration',
};

const transformOptions = [
	{ name: 'E.164 Phone', value: 'e164' },
	{ name: 'Lower Case', value: 'lowercase' },
	{ name: 'Trim', value: 'trim' },
	{ name: 'Upper Case', value: 'uppercase' },
];

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
					{ displayName: 'Platform Field', name: 'external', type: 'string', default: '', placeholder: 'e.g. city' },
					{ displayName: 'Transforms', name: 'transforms', type: 'multiOptions', options: transformOptions, default: [] },
					{ displayName: 'Value Map (JSON)', name: 'valueMap', type: 'json', default: '{}', description: 'Picklist translation, e.g. {"hot": "HIGH"}' },
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
		description: 'Array of {internal, external, transforms?}; a transform is "trim", "lowercase", "uppercase", "e164" or {"map": {…}}',
	},
];

function parseJson<T>(context: IExecuteFunctions, text: unknown, what: string): T {
	if (typeof text !== 'string') return text as T;
	try {
		return JSON.parse(text) as T;
	} catch (error) {
		throw new NodeOperationError(context.getNode(), `${what} is not valid JSON: ${(error as Error).message}`);
	}
}

/** The mappings the user chose, read once per execution (mappings do not vary per item). */
export function readMappings(context: IExecuteFunctions, platform: string, entity: CrmEntity): FieldMapping[] {
	const mode = context.getNodeParameter('mappingMode', 0) as string;
	if (mode === 'json') return parseJson<FieldMapping[]>(context, context.getNodeParameter('mappingsJson', 0), 'Mappings (JSON)');
	if (mode === 'table') {
		const rows = (context.getNodeParameter('mappings.field', 0, []) as Array<{ internal: string; external: string; transforms?: string[]; valueMap?: string }>) ?? [];
		return rows.map((row) => {
			const valueMap = parseJson<Record<string, string>>(context, row.valueMap || '{}', `Value map of "${row.internal}"`);
			const transforms: ValueTransform[] = [...((row.transforms ?? []) as ValueTransform[])];
			if (Object.keys(valueMap).length > 0) transforms.push({ map: valueMap });
			return { internal: row.internal, external: row.external, transforms };
		});
	}
	const defaults = platformEntry(platform).crm?.defaultMappings[entity];
	if (!defaults) throw new NodeOperationError(context.getNode(), `No default mapping for ${platform} ${entity}; choose Mapping Table or JSON`);
	return defaults;
}
