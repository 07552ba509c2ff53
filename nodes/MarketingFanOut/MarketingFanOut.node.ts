import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { integrationStateStoreTest } from '../shared/stateStoreCredentialTest';
import * as collectUnsubscribes from './actions/collectUnsubscribes.operation';
import { marketingCredentials, platformProperties } from './actions/common';
import * as fanOut from './actions/fanOut.operation';
import * as recordUnsubscribe from './actions/recordUnsubscribe.operation';
import { router } from './actions/router';

export class MarketingFanOut implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Marketing Fan-out',
		name: 'marketingFanOut',
		icon: { light: 'file:marketingFanOut.svg', dark: 'file:marketingFanOut.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + ($parameter["platforms"] || []).join(", ")}}',
		description: 'Add new contacts to Mailchimp, HubSpot, Marketo and ActiveCampaign with segments, a welcome campaign and consent kept in step',
		defaults: { name: 'Marketing Fan-out' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Sent', 'Skipped', 'Failed'],
		credentials: [...marketingCredentials(), { name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Collect Unsubscribes', value: 'collectUnsubscribes', action: 'Collect unsubscribes from the platforms', description: 'Read unsubscribes made on Mailchimp and ActiveCampaign and apply them everywhere' },
					{ name: 'Fan Out Contacts', value: 'fanOut', action: 'Fan out contacts to marketing platforms', description: 'Subscribe each contact with consent on every platform, in its segments, and start the welcome campaign once' },
					{ name: 'Record Unsubscribe', value: 'recordUnsubscribe', action: 'Record an unsubscribe', description: 'Unsubscribe an address for good and on every other platform' },
					{ name: 'Retry Pending', value: 'retryPending', action: 'Retry pending platform changes', description: 'Send again what a platform could not take before' },
				],
				default: 'fanOut',
			},
			...platformProperties,
			...fanOut.description,
			...recordUnsubscribe.description,
			...collectUnsubscribes.description,
		],
	};

	methods = { credentialTest: { integrationStateStoreTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
