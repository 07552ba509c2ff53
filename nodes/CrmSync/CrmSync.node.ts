import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { entityProperty, integrationProperty, mappingProperties, platformProperty } from './actions/common';
import * as push from './actions/push.operation';
import { router } from './actions/router';
import { integrationStateStoreTest } from '../shared/stateStoreCredentialTest';

export class CrmSync implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CRM Sync',
		name: 'crmSync',
		icon: { light: 'file:crmSync.svg', dark: 'file:crmSync.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["platform"] + " " + $parameter["entity"]}}',
		description: 'Keep contacts, companies, deals and tickets in step across CRM and support platforms',
		defaults: { name: 'CRM Sync' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Success', 'Failed'],
		credentials: [
			{ name: 'integrationHubSpotApi', required: true, displayOptions: { show: { platform: ['hubspot'] } } },
			{ name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' },
		],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Push', value: 'push', action: 'Push records to a platform', description: 'Create or update records on the platform through the ID map, in batches' },
				],
				default: 'push',
			},
			platformProperty,
			entityProperty,
			integrationProperty,
			...push.description,
			...mappingProperties,
		],
	};

	methods = { credentialTest: { integrationStateStoreTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
