import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { configurationProperties } from './actions/configurationProperties';
import * as listDeadLetters from './actions/listDeadLetters.operation';
import * as replay from './actions/replay.operation';
import * as route from './actions/route.operation';
import * as routeLog from './actions/routeLog.operation';

/** The operations, in alphabetical order. */
export const operationOptions: INodePropertyOptions[] = [
	{ name: 'Get Route Log', value: 'routeLog', action: 'Get the route log', description: 'Where each event went: rule, destination, status, attempts, time' },
	{ name: 'List Dead Letters', value: 'listDeadLetters', action: 'List dead letters', description: 'Events that could not be delivered or transformed, with the reason' },
	{ name: 'Replay Dead Letters', value: 'replay', action: 'Replay dead letters', description: 'Deliver dead letters again through the current rules' },
	{ name: 'Route', value: 'route', action: 'Route events to destinations', description: 'Match each event against the rules and deliver it to every matching destination' },
];

export const eventRouterProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: operationOptions,
		default: 'route',
	},
	...configurationProperties,
	...route.description,
	...listDeadLetters.description,
	...replay.description,
	...routeLog.description,
];
