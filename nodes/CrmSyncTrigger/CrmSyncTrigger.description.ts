import type { INodeProperties } from 'n8n-workflow';

import { mappingProperties } from '../CrmSync/actions/mappingParameters';
import { deletesProperty, entityProperty, integrationProperty, platformProperty } from '../CrmSync/actions/properties';
import { startFromProperties } from '../shared/startFrom';

export const crmSyncTriggerProperties: INodeProperties[] = [
	{ ...platformProperty, displayOptions: undefined },
	entityProperty,
	integrationProperty,
	...startFromProperties({
		now: 'Only changes made after the workflow is published',
		beginning: 'Every record the platform holds, then the changes',
		date: 'Changes made at or after a date',
	}),
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
