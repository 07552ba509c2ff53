import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import * as pull from './actions/pull.operation';
import * as push from './actions/push.operation';
import * as recordPurchase from './actions/recordPurchase.operation';
import * as sync from './actions/sync.operation';
import * as verifyWebhook from './actions/verifyWebhook.operation';
import { crmCredentials } from './actions/properties';
import { crmSyncProperties } from './CrmSync.description';
import { routeOperation } from '../shared/operationRouter';
import { integrationStateStoreTest } from '../shared/stateStoreCredentialTest';

const operations = { push, pull, sync, verifyWebhook, recordPurchase };

export class CrmSync implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CRM Sync',
		name: 'crmSync',
		icon: { light: 'file:crmSync.svg', dark: 'file:crmSync.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + ($parameter["operation"] === "sync" ? ($parameter["platforms"] || []).join(", ") : $parameter["platform"]) + " " + $parameter["entity"]}}',
		description: 'Keep contacts, companies, deals and tickets in step across CRM and support platforms',
		defaults: { name: 'CRM Sync' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Success', 'Failed'],
		credentials: [
			...crmCredentials(),
			{ name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' },
		],
		properties: crmSyncProperties,
	};

	methods = { credentialTest: { integrationStateStoreTest } };

	/** Outputs: Success, Failed (which also takes the error items under Continue On Fail). */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeOperation(this, operations, { count: 2, errorOutput: 1 });
	}
}
