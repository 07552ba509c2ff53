import type { INodeProperties } from 'n8n-workflow';

import { mappingProperties } from '../CrmSync/actions/mappingParameters';
import { deletesProperty, entityProperty, integrationProperty, platformProperty } from '../CrmSync/actions/properties';

export const crmSyncTriggerProperties: INodeProperties[] = [
	{ ...platformProperty, displayOptions: undefined },
	entityProperty,
	integrationProperty,
	{
		displayName: 'Start From',
		name: 'startFrom',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Now', value: 'now', description: 'Only changes made after the workflow is published' },
			{ name: 'Beginning', value: 'beginning', description: 'Every record the platform holds, then the changes' },
			{ name: 'A Date', value: 'date', description: 'Changes made at or after a date' },
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
	{ ...deletesProperty, default: 'ignore' },
	{
		displayName: 'Max Changes per Poll',
		name: 'maxChanges',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 500,
		description: 'Stops after the page that reaches this many changes; the next poll continues from there',
	},
	...mappingProperties,
];
