import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getPath, openConflict, twoWayRecordSchema, type TwoWayRecord, type TwoWayStrategy } from '../../../lib/conflict';
import { nodeStore } from '../../shared/engineContext';
import { toNodeError } from '../../shared/errors';
import { fieldPoliciesProperty, readFieldPolicies } from '../../shared/fieldPolicies';
import { InputViolationError, readInput, type Parsed } from '../../shared/inputs';
import { APPLY_TO_EXTERNAL, APPLY_TO_LOCAL, NEEDS_REVIEW } from './outputs';

const show = { show: { operation: ['resolve'] } };

function pathProperty(displayName: string, name: string, value: string, description: string): INodeProperties {
	return { displayName, name, type: 'string', default: value, displayOptions: show, description };
}

export const description: INodeProperties[] = [
	pathProperty('Record Key Field', 'recordKeyField', 'id', 'Field of each item that identifies the record (the base and reviews are kept per key)'),
	pathProperty('Local Version Field', 'localField', 'local', 'Field holding the local (internal) version of the record as an object'),
	pathProperty('External Version Field', 'externalField', 'external', 'Field holding the external version of the record as an object'),
	pathProperty('Local Modified At Field', 'localModifiedField', 'localModifiedAt', 'ISO time or epoch ms of the last local change, for last-write-wins'),
	pathProperty('External Modified At Field', 'externalModifiedField', 'externalModifiedAt', 'ISO time or epoch ms of the last external change'),
	pathProperty('Base Field', 'baseField', '', 'Optional field with the last synced version; empty: the base this node stored on the previous run'),
	{
		displayName: 'Strategy',
		name: 'strategy',
		type: 'options',
		displayOptions: show,
		options: [
			{ name: 'Last Write Wins', value: 'lastWriteWins', description: 'The side modified last wins each field both changed' },
			{ name: 'Manual Review', value: 'manual', description: 'Fields both changed go to the review queue and the Needs Review output' },
			{ name: 'Prefer External', value: 'preferExternal' },
			{ name: 'Prefer Local', value: 'preferLocal' },
		],
		default: 'lastWriteWins',
	},
	{
		displayName: 'Tie Break',
		name: 'tieBreak',
		type: 'options',
		displayOptions: { show: { operation: ['resolve'], strategy: ['lastWriteWins'] } },
		options: [
			{ name: 'External Wins', value: 'external' },
			{ name: 'Local Wins', value: 'local' },
		],
		default: 'local',
		description: 'Who wins when both sides have the same modified time',
	},
	fieldPoliciesProperty(
		{
			noun: 'Side',
			fieldDescription: 'Field name; dots reach nested fields',
			party: { displayName: 'Side', options: [{ name: 'External', value: 'external' }, { name: 'Local', value: 'local' }], default: 'local' },
		},
		show,
	),
	{
		displayName: 'Save Base',
		name: 'saveBase',
		type: 'boolean',
		default: true,
		displayOptions: show,
		description: 'Whether to store the merged record as the base the next run measures changes from',
	},
];

/** Each item's two versions → what each side must change, and what waits for review. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const read = (name: string) => this.getNodeParameter(name, 0) as string;
	const baseField = read('baseField');
	const outputs: INodeExecutionData[][] = [[], [], []];
	const records: Array<{ item: number; record: TwoWayRecord }> = [];
	// The item fields each part of a record is read from, so a violation names the field the user configured.
	const paths: Record<string, string> = { recordKey: read('recordKeyField'), local: read('localField'), external: read('externalField'), ...(baseField ? { base: baseField } : {}) };
	for (const [item, { json }] of items.entries()) {
		const input = { recordKey: getPath(json, paths.recordKey), local: getPath(json, paths.local), external: getPath(json, paths.external), base: baseField ? getPath(json, baseField) : undefined };
		let checked: Parsed<typeof twoWayRecordSchema>;
		try {
			checked = readInput(this, twoWayRecordSchema, input, item, paths);
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, item);
			if (!this.continueOnFail()) throw nodeError;
			outputs[NEEDS_REVIEW].push({ json: nodeError instanceof InputViolationError ? nodeError.itemJson() : { error: nodeError.message }, pairedItem: { item } });
			continue;
		}
		const { recordKey, local, external, base } = checked;
		records.push({
			item,
			record: {
				recordKey,
				local: local ?? {},
				external: external ?? {},
				localModifiedAt: getPath(json, read('localModifiedField')) as string | undefined,
				externalModifiedAt: getPath(json, read('externalModifiedField')) as string | undefined,
				base,
			},
		});
	}
	const outcomes = await openConflict({ store: await nodeStore(this) }).resolve(records.map(({ record }) => record), {
		scope: read('scope'),
		strategy: read('strategy') as TwoWayStrategy,
		tieBreak: (this.getNodeParameter('tieBreak', 0, 'local') as 'local' | 'external'),
		fieldPolicies: readFieldPolicies(this),
		saveBase: this.getNodeParameter('saveBase', 0) as boolean,
	});
	outcomes.forEach((outcome, position) => {
		const pairedItem = { item: records[position].item };
		const common = { recordKey: outcome.recordKey, merged: outcome.merged, conflicts: outcome.conflicts };
		if (Object.keys(outcome.applyToLocal).length > 0) outputs[APPLY_TO_LOCAL].push({ json: { ...common, changes: outcome.applyToLocal }, pairedItem });
		if (Object.keys(outcome.applyToExternal).length > 0) outputs[APPLY_TO_EXTERNAL].push({ json: { ...common, changes: outcome.applyToExternal }, pairedItem });
		if (outcome.reviewId) {
			const record = records[position].record;
			outputs[NEEDS_REVIEW].push({ json: { ...common, reviewId: outcome.reviewId, fields: outcome.review, local: record.local, external: record.external }, pairedItem });
		}
	});
	return outputs;
}
