import type { INodeProperties } from 'n8n-workflow';

import { orderPollPlatforms } from '../../lib/inventory';
import { startFromProperties } from '../shared/startFrom';
import { listOptionsOf } from '../shared/storeLists';

/** The stores polled for orders (those without order webhooks), from the catalog; the first is the default. */
export const ORDER_POLL_PLATFORMS = orderPollPlatforms().map((definition) => ({ name: definition.displayName, value: definition.id, credential: definition.credentials.type }));

/** The lists of such stores (a store list credential): every listed store is polled, each with a cursor of its own. */
export const ORDER_POLL_LISTS = listOptionsOf(orderPollPlatforms());

export const orderPollTriggerProperties: INodeProperties[] = [
	{
		displayName: 'Platform',
		name: 'platform',
		type: 'options',
		noDataExpression: true,
		options: [...ORDER_POLL_PLATFORMS.map(({ name, value }) => ({ name, value })), ...ORDER_POLL_LISTS],
		default: ORDER_POLL_PLATFORMS[0]?.value ?? '',
		description: 'The store whose orders start the workflow, or a list of stores (each polled, each order once)',
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
