import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import * as decide from './actions/decide.operation';
import * as listReviews from './actions/listReviews.operation';
import * as resolve from './actions/resolve.operation';

const scopeProperty: INodeProperties = {
	displayName: 'Scope',
	name: 'scope',
	type: 'string',
	default: 'default',
	description: 'Keeps the bases and reviews of separate flows apart. CRM Sync reviews use crm:&lt;integration&gt;:&lt;entity&gt;.',
};

/** The operations, in alphabetical order. */
export const operationOptions: INodePropertyOptions[] = [
	{ name: 'Apply Decision', value: 'decide', action: 'Apply a reviewer s decision', description: 'Record which side wins a queued review and emit the changes it implies' },
	{ name: 'List Reviews', value: 'listReviews', action: 'List conflict reviews', description: 'The review queue, oldest first' },
	{ name: 'Resolve', value: 'resolve', action: 'Resolve conflicts between two versions', description: 'Detect field-level conflicts against the last synced version and pick winners' },
];

export const conflictResolverProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: operationOptions,
		default: 'resolve',
	},
	scopeProperty,
	...resolve.description,
	...listReviews.description,
	...decide.description,
];
