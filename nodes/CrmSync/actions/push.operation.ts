import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { openSync, type CrmEntity, type InternalRecord, type PushOutcome } from '../../../lib/sync';
import { failedItem, hintFailures, type RecordFailure } from '../../shared/itemFailures';
import { nodeEngine } from '../../shared/engineContext';
import { pickedCreateDefaults } from './createDefaults';
import { readMappings } from './mappingParameters';

export const description: INodeProperties[] = [
	{
		displayName: 'Record ID Field',
		name: 'recordIdField',
		type: 'string',
		default: 'id',
		displayOptions: { show: { operation: ['push'] } },
		description: 'Field of each item that holds its internal ID; the ID map links it to the platform record',
	},
];

/** Internal records (one per item) → the chosen platform, created or updated through the ID map, batched. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const platform = this.getNodeParameter('platform', 0) as string;
	const entity = this.getNodeParameter('entity', 0) as CrmEntity;
	const integration = this.getNodeParameter('integration', 0) as string;
	const idField = this.getNodeParameter('recordIdField', 0) as string;
	const mappings = readMappings(this, platform, entity);
	const sync = openSync(await nodeEngine(this));
	const records: InternalRecord[] = items.map((item) => ({ ...item.json, id: item.json[idField] as string }));
	const createDefaults = pickedCreateDefaults(this, platform, entity);
	const result = await sync.push(platform, { integration, entity, mappings, records, createDefaults, runId: this.getExecutionId() ?? String(Date.now()) });

	const output: INodeExecutionData[] = [];
	for (const outcome of [...result.outcomes].sort((a, b) => a.index - b.index)) {
		const { index, ...json } = outcome;
		output.push(outcome.status === 'failed' ? failedItem(this, index, pushFailure(outcome)) : { json, pairedItem: { item: index } });
	}
	hintFailures(this, result.outcomes.filter((outcome) => outcome.status === 'failed').length, result.outcomes.length);
	return [output];
}

/** A record the platform refused (or that could not be sent), named for the error. */
export function pushFailure(outcome: PushOutcome): RecordFailure {
	return {
		subject: `${outcome.platform} ${outcome.entity} ${outcome.internalId || '(no id)'}`,
		message: outcome.error?.message ?? 'not written',
		code: outcome.error?.code,
		details: { internalId: outcome.internalId, platform: outcome.platform, entity: outcome.entity, status: outcome.status },
	};
}
