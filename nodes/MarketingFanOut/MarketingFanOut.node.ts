import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import * as collectUnsubscribes from './actions/collectUnsubscribes.operation';
import * as fanOut from './actions/fanOut.operation';
import { marketingCredentials, marketingListSearch } from './actions/properties';
import * as recordUnsubscribe from './actions/recordUnsubscribe.operation';
import * as retryPending from './actions/retryPending.operation';
import { marketingFanOutProperties, operationOptions } from './MarketingFanOut.description';
import { routeOperation } from '../shared/operationRouter';
import { integrationStateStoreTest, stateStoreNotice } from '../shared/stateStoreCredentialTest';
import { operationSubtitle, platformNamesOf } from '../shared/subtitle';

const operations = { fanOut, recordUnsubscribe, collectUnsubscribes, retryPending };

export class MarketingFanOut implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Marketing Fan-out',
		name: 'marketingFanOut',
		icon: { light: 'file:marketingFanOut.svg', dark: 'file:marketingFanOut.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(operationOptions, {
			fanOut: `"Fan out contacts to " + ${platformNamesOf('platforms')}`,
			collectUnsubscribes: `"Collect unsubscribes from " + ${platformNamesOf('platforms')}`,
		}),
		description: 'Add new contacts to Mailchimp, HubSpot, Marketo and ActiveCampaign with segments, a welcome campaign and consent kept in step',
		defaults: { name: 'Marketing Fan-out' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Sent', 'Skipped', 'Failed'],
		credentials: [...marketingCredentials(), { name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' }],
		properties: [stateStoreNotice, ...marketingFanOutProperties],
	};

	methods = { credentialTest: { integrationStateStoreTest }, listSearch: marketingListSearch };

	/** Outputs: Sent, Skipped, Failed (where a failed operation's error items go under Continue On Fail). */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeOperation(this, operations, { count: 3, errorOutput: 2, outcomes: ['sent', 'skipped', 'failed'] });
	}
}
