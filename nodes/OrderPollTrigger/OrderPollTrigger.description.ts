import type { INodeProperties } from 'n8n-workflow';

import { orderPollPlatforms } from '../../lib/inventory';

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
	{
		displayName: 'Start From',
		name: 'startFrom',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Now', value: 'now', description: 'Only orders created or updated after the workflow is published' },
			{ name: 'Beginning', value: 'beginning', description: 'Every order the store holds, then the changes' },
			{ name: 'A Date', value: 'date', description: 'Orders created or updated at or after a date' },
		],
		default: 'now',
		description: 'Where the first poll starts; later polls go on from where the last one stopped',
	},
	{
		displayName: 'Start Date',
		name: 'startDate',
		type: 'dateTime',
		required: true,
		default: '',
		displayOptions: { show: { startFrom: ['date'] } },
	},
];
