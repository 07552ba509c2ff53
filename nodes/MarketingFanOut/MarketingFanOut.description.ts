import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import * as collectUnsubscribes from './actions/collectUnsubscribes.operation';
import * as fanOut from './actions/fanOut.operation';
import { platformProperties } from './actions/properties';
import * as recordUnsubscribe from './actions/recordUnsubscribe.operation';

/** The operations, in alphabetical order. */
export const operationOptions: INodePropertyOptions[] = [
	{ name: 'Collect Unsubscribes', value: 'collectUnsubscribes', action: 'Collect unsubscribes from the platforms', description: 'Read unsubscribes made on Mailchimp and ActiveCampaign and apply them everywhere' },
	{ name: 'Fan Out Contacts', value: 'fanOut', action: 'Fan out contacts to marketing platforms', description: 'Subscribe each contact with consent on every platform, in its segments, and start the welcome campaign once' },
	{ name: 'Record Unsubscribe', value: 'recordUnsubscribe', action: 'Record an unsubscribe', description: 'Unsubscribe an address for good and on every other platform' },
	{ name: 'Retry Pending', value: 'retryPending', action: 'Retry pending platform changes', description: 'Send again what a platform could not take before' },
];

export const marketingFanOutProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: operationOptions,
		default: 'fanOut',
	},
	...platformProperties,
	...fanOut.description,
	...recordUnsubscribe.description,
	...collectUnsubscribes.description,
];
