import type { INodeProperties } from 'n8n-workflow';

/** Output positions: what the local side must change, what the external side must change, what waits for a person. */
export const APPLY_TO_LOCAL = 0;
export const APPLY_TO_EXTERNAL = 1;
export const NEEDS_REVIEW = 2;

export const scopeProperty: INodeProperties = {
	displayName: 'Scope',
	name: 'scope',
	type: 'string',
	default: 'default',
	description: 'Keeps the bases and reviews of separate flows apart. CRM Sync reviews use crm:&lt;integration&gt;:&lt;entity&gt;.',
};
