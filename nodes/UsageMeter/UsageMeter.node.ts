import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import * as closePeriod from './actions/closePeriod.operation';
import * as exportUsage from './actions/export.operation';
import * as getUsage from './actions/getUsage.operation';
import * as previewInvoice from './actions/previewInvoice.operation';
import * as record from './actions/record.operation';
import * as recordApiCalls from './actions/recordApiCalls.operation';
import { operationOptions, usageMeterProperties } from './UsageMeter.description';
import { routeOperation } from '../shared/operationRouter';
import { integrationStateStoreTest, stateStoreNotice } from '../shared/stateStoreCredentialTest';
import { operationSubtitle } from '../shared/subtitle';

const operations = { record, recordApiCalls, getUsage, previewInvoice, closePeriod, export: exportUsage };

export class UsageMeter implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Usage Meter',
		name: 'usageMeter',
		icon: { light: 'file:usageMeter.svg', dark: 'file:usageMeter.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(operationOptions, { record: '"Record " + $parameter["meter"] + " usage"' }),
		description: 'Count usage exactly once and price it: tiers, per transaction, minimums, subscriptions with quotas',
		defaults: { name: 'Usage Meter' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Output', 'Quota Alerts', 'Late Usage'],
		credentials: [{ name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' }],
		properties: [stateStoreNotice, ...usageMeterProperties],
	};

	methods = { credentialTest: { integrationStateStoreTest } };

	/** Every operation fills the first output; recording also fills Quota Alerts and Late Usage. */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeOperation(this, operations, { count: 3, errorOutput: 0, outcomes: ['output', 'quotaAlert', 'lateUsage'] });
	}
}
