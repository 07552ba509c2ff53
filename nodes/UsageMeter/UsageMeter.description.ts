import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import * as closePeriod from './actions/closePeriod.operation';
import * as exportUsage from './actions/export.operation';
import * as getUsage from './actions/getUsage.operation';
import * as previewInvoice from './actions/previewInvoice.operation';
import { customerProperties, namespaceProperty, periodSettingsProperty, planProperties } from './actions/properties';
import * as record from './actions/record.operation';
import * as recordApiCalls from './actions/recordApiCalls.operation';

/** The operations, in alphabetical order. */
export const operationOptions: INodePropertyOptions[] = [
	{ name: 'Close Period', value: 'closePeriod', action: 'Close a billing period', description: 'Finalise the invoice; later events for the period are reported as late, not counted' },
	{ name: 'Export Usage', value: 'export', action: 'Export usage events', description: 'Counted events as CloudEvents JSON or CSV for a billing system' },
	{ name: 'Get Usage', value: 'getUsage', action: 'Get usage and running charge', description: 'Usage by meter in a period and the charge so far' },
	{ name: 'Preview Invoice', value: 'previewInvoice', action: 'Preview an invoice', description: 'The invoice a period would produce under a plan' },
	{ name: 'Record API Calls', value: 'recordApiCalls', action: 'Record API calls', description: 'Count the API calls this package\'s nodes sent, per finished hour, as api_calls usage of a customer' },
	{ name: 'Record Usage', value: 'record', action: 'Record usage', description: 'Count one usage event per item (once per event ID) and pass the items on unchanged' },
];

export const usageMeterProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: operationOptions,
		default: 'record',
	},
	namespaceProperty,
	...record.description,
	...recordApiCalls.description,
	...customerProperties,
	...getUsage.description,
	...previewInvoice.description,
	...closePeriod.description,
	...exportUsage.description,
	...planProperties,
	periodSettingsProperty,
];
