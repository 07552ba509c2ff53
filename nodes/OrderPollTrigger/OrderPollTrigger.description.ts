import type { INodeProperties } from 'n8n-workflow';

import { orderPollPlatforms } from '../../lib/inventory';
import { startFromProperties } from '../shared/startFrom';

/** The stores polled for orders (those without order webhooks), from the catalog; the first is the default. */
export const ORDER_POLL_PLATFORMS = orderPollPlatforms().map((definition) => ({ name: definition.displayName, value: definition.id, credential: definition.credentials.type }));

export const orderPollTriggerProperties: INodeProperties[] = [
	{
		displayName: 'Platform',
		name: 'platform',
		type: 'options',
		noDataExpression: true,
		options: ORDER_POLL_PLATFORMS.map(({ name, value }) => ({ name, value })),
		default: ORDER_POLL_PLATFORMS[0]?.value ?? '',
		description: 'The store whose orders start the workflow',
	},
	{
		displayName: 'Event',
		name: 'event',
		type: 'options',
		noDataExpression: true,
		options: [{ name: 'Order Created or Updated', value: 'createdOrUpdated', description: 'Each order once per change: a new order, and again each time it is updated' }],
		default: 'createdOrUpdated',
	},
	...startFromProperties({
		now: 'Only orders created or updated after the workflow is published',
		beginning: 'Every order the store holds, then the changes',
		date: 'Orders created or updated at or after a date',
	}),
];
