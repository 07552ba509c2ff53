import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { crmCredentials, entityProperty, integrationProperty, mappingProperties, platformProperty } from './actions/common';
import * as pull from './actions/pull.operation';
import * as push from './actions/push.operation';
import * as recordPurchase from './actions/recordPurchase.operation';
import { router } from './actions/router';
import * as sync from './actions/sync.operation';
import * as verifyWebhook from './actions/verifyWebhook.operation';
import { integrationStateStoreTest } from '../shared/stateStoreCredentialTest';

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
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Pull', value: 'pull', action: 'Pull changes from a platform', description: 'Records changed on the platform since the last pull, page by page' },
					{ name: 'Push', value: 'push', action: 'Push records to a platform', description: 'Create or update records on the platform through the ID map, in batches' },
					{ name: 'Record Purchase', value: 'recordPurchase', action: 'Record a purchase on the customer', description: 'Count an order once and write the customer\'s total spent and last purchase to the CRM contact' },
					{ name: 'Sync', value: 'sync', action: 'Sync every platform', description: 'Pull every platform, resolve conflicts, push the winners to the others' },
					{ name: 'Verify Webhook', value: 'verifyWebhook', action: 'Verify a webhook signature', description: 'Pass genuine HubSpot, Zendesk or Intercom deliveries, reject forged ones' },
				],
				default: 'push',
			},
			platformProperty,
			entityProperty,
			integrationProperty,
			...push.description,
			...pull.description,
			...sync.description,
			...verifyWebhook.description,
			...recordPurchase.description,
			...mappingProperties,
		],
	};

	methods = { credentialTest: { integrationStateStoreTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
