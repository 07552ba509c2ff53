import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import * as collectUnsubscribes from './actions/collectUnsubscribes.operation';
import * as fanOut from './actions/fanOut.operation';
import * as leaveSegments from './actions/leaveSegments.operation';
import { marketingCredentials, marketingListSearch, marketingPlatformNames } from './actions/properties';
import * as recordUnsubscribe from './actions/recordUnsubscribe.operation';
import * as retryPending from './actions/retryPending.operation';
import * as startRetention from './actions/startRetention.operation';
import * as updateLifecycleStage from './actions/updateLifecycleStage.operation';
import { marketingFanOutProperties, operationOptions } from './MarketingFanOut.description';
import { routeOperation } from '../shared/operationRouter';
import { integrationStateStoreTest, stateStoreNotice } from '../shared/stateStoreCredentialTest';
import { operationSubtitle, platformNamesOf } from '../shared/subtitle';

const operations = { fanOut, recordUnsubscribe, collectUnsubscribes, retryPending, leaveSegments, updateLifecycleStage, startRetention };

/**
 * The outputs for the chosen operation, computed by n8n in the editor from the parameters (so it must be
 * self-contained): Fan Out Contacts sorts contacts into Sent and Skipped (no consent, unsubscribed, no valid email),
 * Update Lifecycle Stage into Nurture Started, Nurture Stopped and Unchanged, Start Retention Campaign into Started and
 * Not Started; the others have one output. What a platform refused is no output of its own: it follows On Error.
 */
const marketingOutputs = (parameters: { operation?: string }) =>
	(
		({ fanOut: ['Sent', 'Skipped'], updateLifecycleStage: ['Nurture Started', 'Nurture Stopped', 'Unchanged'], startRetention: ['Started', 'Not Started'] } as Record<string, string[]>)[
			parameters.operation ?? 'fanOut'
		] ?? ['Output']
	).map((displayName) => ({ type: 'main', displayName }));

/** Each operation's outputs: how many, and the outcome each stands for (what an AI agent reads on output 0). */
const outputsOf: Record<string, { count: number; errorOutput: number; outcomes?: string[] }> = {
	fanOut: { count: 2, errorOutput: 0, outcomes: ['sent', 'skipped'] },
	updateLifecycleStage: { count: 3, errorOutput: 0, outcomes: ['nurture_started', 'nurture_stopped', 'unchanged'] },
	startRetention: { count: 2, errorOutput: 0, outcomes: ['started', 'not_started'] },
};

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
		description: `Add new contacts to ${marketingPlatformNames} with segments, a welcome campaign and consent kept in step`,
		defaults: { name: 'Marketing Fan-out' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${marketingOutputs})($parameter)}}`,
		credentials: [...marketingCredentials(), { name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' }],
		properties: [stateStoreNotice, ...marketingFanOutProperties],
	};

	methods = { credentialTest: { integrationStateStoreTest }, listSearch: marketingListSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeOperation(this, operations, outputsOf[this.getNodeParameter('operation', 0) as string] ?? { count: 1, errorOutput: 0 });
	}
}
