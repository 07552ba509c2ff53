import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { getPath, type ContactResult, type FieldMapping, type SegmentRule, type SegmentCondition } from '../../../lib/marketing';
import { failedItem, hintFailures } from '../../shared/itemFailures';
import { parseJsonParameter } from '../../shared/jsonParameter';
import { openFanOut } from './engine';
import { marketingFailure } from './failures';
import { operatorOptions, segmentsBecome, unsubscribeSourceNames } from './properties';
import { platformOptions } from '../../shared/platformOptions';

const show = { show: { operation: ['fanOut'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Contact Field',
		name: 'contactField',
		type: 'string',
		default: '',
		placeholder: 'e.g. body',
		displayOptions: show,
		description: 'Where the contact is in each item: empty for the item itself, "body" behind a Webhook node. Its fields: email, firstName, lastName, phone, company, consent and any your segment rules or mappings use.',
	},
	{
		displayName: 'Consent Field',
		name: 'consentField',
		type: 'string',
		default: 'consent',
		displayOptions: show,
		description: 'Field of each contact that says it agreed to marketing (true, yes, 1, opt-in). Without it the contact is subscribed nowhere.',
	},
	{
		displayName: 'Segment Rules',
		name: 'segmentRules',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Condition',
		default: {},
		displayOptions: show,
		description: `A contact is in a segment when all conditions with that segment name hold. Segments become ${segmentsBecome}.`,
		options: [
			{
				displayName: 'Condition',
				name: 'condition',
				values: [
					{ displayName: 'Segment', name: 'segment', type: 'string', default: '', placeholder: 'e.g. enterprise', description: 'Name of the segment (list or tag) on every platform' },
					{ displayName: 'Field', name: 'field', type: 'string', default: '', placeholder: 'e.g. plan or address.country', description: 'Contact field; dots reach into nested objects' },
					{ displayName: 'Operator', name: 'operator', type: 'options', options: operatorOptions, default: 'equals' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '', description: 'Compared ignoring case; for Is One Of, a comma-separated list' },
				],
			},
		],
	},
	{
		displayName: 'Check Unsubscribes First',
		name: 'collectFirst',
		type: 'boolean',
		default: true,
		displayOptions: show,
		description: `Whether to read new unsubscribes from ${unsubscribeSourceNames} (one call each) before sending, so an unsubscribe made there minutes ago is not met with a welcome elsewhere`,
	},
	{
		displayName: 'Field Mappings (JSON)',
		name: 'mappingsJson',
		type: 'json',
		default: '{}',
		displayOptions: show,
		description: `Per platform, a list of {"internal", "external", "transforms"} replacing its defaults, e.g. {"${platformOptions('marketing')[0].value}": [{"internal": "email", "external": "email"}, {"internal": "plan", "external": "plan"}]}`,
	},
];

function readRules(context: IExecuteFunctions): SegmentRule[] {
	const rows = ((context.getNodeParameter('segmentRules', 0, {}) as IDataObject).condition ?? []) as Array<SegmentCondition & { segment: string }>;
	const bySegment = new Map<string, SegmentCondition[]>();
	for (const row of rows) {
		const segment = String(row.segment ?? '').trim();
		if (!segment) throw new NodeOperationError(context.getNode(), 'Every segment rule condition needs a segment name');
		bySegment.set(segment, [...(bySegment.get(segment) ?? []), { field: row.field, operator: row.operator, value: row.value }]);
	}
	return [...bySegment].map(([segment, conditions]) => ({ segment, conditions }));
}

function readMappings(context: IExecuteFunctions): Record<string, FieldMapping[]> {
	const raw = context.getNodeParameter('mappingsJson', 0, '{}') as string | IDataObject;
	const parsed = parseJsonParameter<unknown>(context, raw === '' ? '{}' : raw, 'Field Mappings (JSON)');
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new NodeOperationError(context.getNode(), 'Field Mappings (JSON) is not valid: expected an object keyed by platform');
	}
	return parsed as Record<string, FieldMapping[]>;
}

function toJson(result: ContactResult): IDataObject {
	const { index: _index, platforms, ...rest } = result;
	return {
		...rest,
		welcomedOn: platforms.filter((platform) => platform.welcomed).map((platform) => platform.platform),
		failedOn: platforms.filter((platform) => !platform.ok).map((platform) => platform.platform),
		platforms: Object.fromEntries(platforms.map(({ platform, ...outcome }) => [platform, outcome as IDataObject])),
	};
}

/**
 * Each item is a contact: consent checked, segments decided once, every platform updated in its own batches, the
 * welcome campaign started once per contact and platform. Changes that failed earlier are retried first. A contact no
 * platform took follows the node's On Error setting (stop naming it, error output, or error item), after the others
 * are sent; its changes stay pending for the next run.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const engine = await openFanOut(this, {
		rules: readRules(this),
		consentField: this.getNodeParameter('consentField', 0, 'consent') as string,
		mappings: readMappings(this),
		collectUnsubscribesFirst: this.getNodeParameter('collectFirst', 0, true) as boolean,
	});
	const contactField = String(this.getNodeParameter('contactField', 0, '') ?? '').trim();
	const report = await engine.fanOut(items.map((item) => (contactField ? ((getPath(item.json, contactField) ?? {}) as Record<string, unknown>) : item.json)));
	const sent: INodeExecutionData[] = [];
	const skipped: INodeExecutionData[] = [];
	const failed = report.contacts.filter((result) => result.status === 'failed');
	hintFailures(this, failed.length, report.contacts.length, 'contacts');
	for (const result of report.contacts) {
		const json = toJson(result);
		if (result.status === 'failed') sent.push(failedItem(this, result.index, marketingFailure('contact', result.email, result.platforms, json)));
		else if (result.status === 'fanned_out' || result.status === 'partial') sent.push({ json, pairedItem: { item: result.index } });
		else skipped.push({ json, pairedItem: { item: result.index } });
	}
	return [sent, skipped];
}
