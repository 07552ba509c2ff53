import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import * as collectUnsubscribes from './actions/collectUnsubscribes.operation';
import * as fanOut from './actions/fanOut.operation';
import * as leaveSegments from './actions/leaveSegments.operation';
import { platformProperties, unsubscribeSourceNames } from './actions/properties';
import * as recordUnsubscribe from './actions/recordUnsubscribe.operation';
import * as startRetention from './actions/startRetention.operation';
import * as updateLifecycleStage from './actions/updateLifecycleStage.operation';

/** The operations, in alphabetical order. */
export const operationOptions: INodePropertyOptions[] = [
	{ name: 'Collect Unsubscribes', value: 'collectUnsubscribes', action: 'Collect unsubscribes from the platforms', description: `Read unsubscribes made on ${unsubscribeSourceNames} and apply them everywhere` },
	{ name: 'Fan Out Contacts', value: 'fanOut', action: 'Fan out contacts to marketing platforms', description: 'Subscribe each contact with consent on every platform, in its segments, and start the welcome campaign once' },
	{ name: 'Record Unsubscribe', value: 'recordUnsubscribe', action: 'Record an unsubscribe', description: 'Unsubscribe an address for good and on every other platform' },
	{ name: 'Remove From Segments', value: 'leaveSegments', action: 'Remove a contact from segments', description: 'Take a contact that left segments out of them on every platform, once' },
	{ name: 'Retry Pending', value: 'retryPending', action: 'Retry pending platform changes', description: 'Send again what a platform could not take before' },
	{ name: 'Start Retention Campaign', value: 'startRetention', action: 'Start the retention campaign for inactive customers', description: 'Start the win-back journey for customers inactive past a threshold, once per inactivity spell' },
	{ name: 'Update Lifecycle Stage', value: 'updateLifecycleStage', action: 'Start or stop the nurture by lifecycle stage', description: 'A lead starts the nurture journey; becoming a customer stops it' },
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
	...leaveSegments.description,
	...updateLifecycleStage.description,
	...startRetention.description,
];
