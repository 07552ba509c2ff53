import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { openSync, type CrmEntity, type DeletePolicy, type PulledChange, type SampledRecord } from '../../../lib/sync';
import { nodeEngine } from '../../shared/engineContext';
import { readMappings } from './mappingParameters';
import { deletesProperty } from './properties';

export const description: INodeProperties[] = [
	{ ...deletesProperty, displayOptions: { show: { operation: ['pull'] } } },
	{
		displayName: 'Max Changes per Run',
		name: 'maxChanges',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1000,
		displayOptions: { show: { operation: ['pull'] } },
		description: 'Stops after the page that reaches this many changes; the next run continues from there',
	},
];

/** One output item per change: the record in internal field names, plus where it came from under `_crm`. */
export function changeItem(change: PulledChange | SampledRecord): INodeExecutionData['json'] {
	return {
		...(change.record as INodeExecutionData['json']),
		id: change.internalId ?? `${change.platform}:${change.externalId}`,
		_crm: {
			platform: change.platform, entity: change.entity, externalId: change.externalId, internalId: change.internalId ?? null,
			kind: change.kind, modifiedAt: change.modifiedAt ?? null,
		},
	};
}

/** Changes on one platform since its cursor, page by page; the cursor moves once a page is in the output. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const platform = this.getNodeParameter('platform', 0) as string;
	const entity = this.getNodeParameter('entity', 0) as CrmEntity;
	const integration = this.getNodeParameter('integration', 0) as string;
	const sync = openSync(await nodeEngine(this));
	const changes: PulledChange[] = [];
	await sync.pull(platform, {
		integration, entity,
		mappings: readMappings(this, platform, entity),
		deletes: this.getNodeParameter('deletes', 0) as DeletePolicy,
		maxChanges: this.getNodeParameter('maxChanges', 0) as number,
		runId: this.getExecutionId() ?? String(Date.now()),
		onPage: async (page) => {
			changes.push(...page);
		},
	});
	return [changes.map((change) => ({ json: changeItem(change), pairedItem: { item: 0 } }))];
}
