import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import * as pull from './actions/pull.operation';
import * as push from './actions/push.operation';
import * as recordPurchase from './actions/recordPurchase.operation';
import * as sync from './actions/sync.operation';
import * as verifyWebhook from './actions/verifyWebhook.operation';
import { createDefaultListSearch } from './actions/createDefaults';
import { platformFields } from './actions/mappingParameters';
import { crmCredentials } from './actions/properties';
import { crmSyncProperties, operationOptions } from './CrmSync.description';
import { routeOperation } from '../shared/operationRouter';
import { integrationStateStoreTest, stateStoreNotice } from '../shared/stateStoreCredentialTest';
import { operationSubtitle, platformNameOf, platformNamesOf } from '../shared/subtitle';

const operations = { push, pull, sync, verifyWebhook, recordPurchase };

/**
 * The outputs for the chosen operation, computed by n8n in the editor from the parameters (so it must be
 * self-contained): Verify Webhook sorts deliveries into Verified and Rejected; every other operation has one output.
 * Failed records are no output of their own: they follow the node's On Error setting.
 */
const crmSyncOutputs = (parameters: { operation?: string }) =>
	(parameters.operation === 'verifyWebhook' ? ['Verified', 'Rejected'] : ['Output']).map((displayName) => ({ type: 'main', displayName }));

export class CrmSync implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CRM Sync',
		name: 'crmSync',
		icon: { light: 'file:crmSync.svg', dark: 'file:crmSync.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(operationOptions, {
			push: `"Push " + $parameter["entity"] + " to " + ${platformNameOf('platform')}`,
			pull: `"Pull " + $parameter["entity"] + " from " + ${platformNameOf('platform')}`,
			sync: `"Sync " + $parameter["entity"] + ": " + ${platformNamesOf('platforms')}`,
			verifyWebhook: `"Verify " + ${platformNameOf('webhookSource')} + " webhook"`,
			recordPurchase: `"Record purchase on " + ${platformNameOf('platform')}`,
		}),
		description: 'Keep contacts, companies, deals and tickets in step across CRM and support platforms',
		defaults: { name: 'CRM Sync' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${crmSyncOutputs})($parameter)}}`,
		credentials: [
			...crmCredentials(),
			{ name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' },
		],
		properties: [stateStoreNotice, ...crmSyncProperties],
	};

	methods = { credentialTest: { integrationStateStoreTest }, loadOptions: { platformFields }, listSearch: createDefaultListSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		if (this.getNodeParameter('operation', 0) === 'verifyWebhook') return await routeOperation(this, operations, { count: 2, errorOutput: 0, outcomes: ['verified', 'rejected'] });
		return await routeOperation(this, operations, { count: 1, errorOutput: 0 });
	}
}
