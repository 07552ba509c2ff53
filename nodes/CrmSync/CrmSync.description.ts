import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { createDefaultProperties } from './actions/createDefaults';
import { mappingProperties } from './actions/mappingParameters';
import { entityProperty, integrationProperty, platformProperty } from './actions/properties';
import * as pull from './actions/pull.operation';
import * as push from './actions/push.operation';
import * as recordPurchase from './actions/recordPurchase.operation';
import * as sync from './actions/sync.operation';
import * as verifyWebhook from './actions/verifyWebhook.operation';

/** The operations, in alphabetical order. */
export const operationOptions: INodePropertyOptions[] = [
	{ name: 'Pull', value: 'pull', action: 'Pull changes from a platform', description: 'Records changed on the platform since the last pull, page by page' },
	{ name: 'Push', value: 'push', action: 'Push records to a platform', description: 'Create or update records on the platform through the ID map, in batches' },
	{ name: 'Record Purchase', value: 'recordPurchase', action: 'Record a purchase on the customer', description: 'Count an order once and write the customer\'s total spent and last purchase to the CRM contact' },
	{ name: 'Sync', value: 'sync', action: 'Sync every platform', description: 'Pull every platform, resolve conflicts, push the winners to the others' },
	{ name: 'Verify Webhook', value: 'verifyWebhook', action: 'Verify a webhook signature', description: `Pass genuine ${verifyWebhook.crmWebhookSourceNames} deliveries, reject forged ones` },
];

export const crmSyncProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: operationOptions,
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
	...createDefaultProperties,
	...mappingProperties,
];
