import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { integrationStateStoreTest } from '../shared/stateStoreCredentialTest';
import * as closePeriod from './actions/closePeriod.operation';
import { customerProperties, namespaceProperty, periodSettingsProperty, planProperties } from './actions/common';
import * as exportUsage from './actions/export.operation';
import * as getUsage from './actions/getUsage.operation';
import * as previewInvoice from './actions/previewInvoice.operation';
import * as record from './actions/record.operation';
import { router } from './actions/router';

export class UsageMeter implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Usage Meter',
		name: 'usageMeter',
		icon: { light: 'file:usageMeter.svg', dark: 'file:usageMeter.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ($parameter["operation"] === "record" ? ": " + $parameter["meter"] : "")}}',
		description: 'Count usage exactly once and price it: tiers, per transaction, minimums, subscriptions with quotas',
		defaults: { name: 'Usage Meter' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Output', 'Quota Alerts', 'Late Usage'],
		credentials: [{ name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Close Period', value: 'closePeriod', action: 'Close a billing period', description: 'Finalise the invoice; later events for the period are reported as late, not counted' },
					{ name: 'Export Usage', value: 'export', action: 'Export usage events', description: 'Counted events as CloudEvents JSON or CSV for a billing system' },
					{ name: 'Get Usage', value: 'getUsage', action: 'Get usage and running charge', description: 'Usage by meter in a period and the charge so far' },
					{ name: 'Preview Invoice', value: 'previewInvoice', action: 'Preview an invoice', description: 'The invoice a period would produce under a plan' },
					{ name: 'Record Usage', value: 'record', action: 'Record usage', description: 'Count one usage event per item (once per event ID) and pass the items on unchanged' },
				],
				default: 'record',
			},
			namespaceProperty,
			...record.description,
			...customerProperties,
			...getUsage.description,
			...previewInvoice.description,
			...closePeriod.description,
			...exportUsage.description,
			...planProperties,
			periodSettingsProperty,
		],
	};

	methods = { credentialTest: { integrationStateStoreTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
