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

/**
 * The outputs for the chosen operation, computed by n8n in the editor from the parameters (so it must be
 * self-contained): Fan Out Contacts sorts contacts into Sent and Skipped (no consent, unsubscribed, no valid email);
 * the others have one output. What a platform refused is no output of its own: it follows the node's On Error setting.
 */
const marketingOutputs = (parameters: { operation?: string }) =>
	(parameters.operation === 'fanOut' || parameters.operation === undefined ? ['Sent', 'Skipped'] : ['Output']).map((displayName) => ({ type: 'main', displayName }));

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
		outputs: `={{(${marketingOutputs})($parameter)}}`,
		credentials: [...marketingCredentials(), { name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' }],
		properties: [stateStoreNotice, ...marketingFanOutProperties],
	};

	methods = { credentialTest: { integrationStateStoreTest }, listSearch: marketingListSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		if (this.getNodeParameter('operation', 0) === 'fanOut') return await routeOperation(this, operations, { count: 2, errorOutput: 0, outcomes: ['sent', 'skipped'] });
		return await routeOperation(this, operations, { count: 1, errorOutput: 0 });
	}
}
