import { NodeConnectionTypes, type INodeExecutionData, type INodeType, type INodeTypeDescription, type IPollFunctions } from 'n8n-workflow';

import { openSync, type CrmEntity, type DeletePolicy, type PulledChange } from '../../lib/sync';
import { readMappings } from '../CrmSync/actions/mappingParameters';
import { crmCredentials } from '../CrmSync/actions/properties';
import { changeItem } from '../CrmSync/actions/pull.operation';
import { nodeEngine } from '../shared/engineContext';
import { toNodeError } from '../shared/errors';
import { integrationStateStoreTest, stateStoreNotice } from '../shared/stateStoreCredentialTest';
import { crmSyncTriggerProperties } from './CrmSyncTrigger.description';
import { platformNameOf } from '../shared/subtitle';
import { startFrom } from '../shared/startFrom';

/** How many records a manual test run shows when nothing changed. */
const SAMPLE_SIZE = 3;

/**
 * Polls one platform on n8n's schedule and emits only records that changed since the last poll: our own writes
 * coming back and edits to unsynced fields are not changes. The cursor moves once the poll's changes are emitted.
 */
export class CrmSyncTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CRM Sync Trigger',
		name: 'crmSyncTrigger',
		icon: { light: 'file:crmSyncTrigger.svg', dark: 'file:crmSyncTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: `={{"Changed " + $parameter["entity"] + " on " + ${platformNameOf('platform')}}}`,
		description: 'Starts a workflow when contacts, companies, deals or tickets change on a CRM or support platform',
		defaults: { name: 'CRM Sync Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [...crmCredentials(), { name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' }],
		properties: [stateStoreNotice, ...crmSyncTriggerProperties],
	};

	methods = { credentialTest: { integrationStateStoreTest } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const platform = this.getNodeParameter('platform') as string;
		const entity = this.getNodeParameter('entity') as CrmEntity;
		const startAt = startFrom(this);
		const manual = this.getMode() === 'manual';
		try {
			const sync = openSync(await nodeEngine(this));
			const integration = this.getNodeParameter('integration') as string;
			const mappings = readMappings(this, platform, entity);
			const changes: PulledChange[] = [];
			await sync.pull(platform, {
				entity, integration, mappings, startAt,
				deletes: this.getNodeParameter('deletes') as DeletePolicy,
				maxChanges: this.getNodeParameter('maxChanges') as number,
				// A manual test run shows changes without consuming them.
				peek: manual,
				onPage: async (page) => {
					changes.push(...page);
				},
			});
			if (changes.length > 0) return [changes.map((change) => ({ json: changeItem(change) }))];
			if (!manual) return null;
			// Nothing new: the latest records, so fields can be mapped; the cursor stays where it is.
			const sample = await sync.sample(platform, { integration, entity, mappings, limit: SAMPLE_SIZE });
			return sample.length > 0 ? [sample.map((record) => ({ json: changeItem(record) }))] : null;
		} catch (error) {
			throw toNodeError(this.getNode(), error);
		}
	}
}
