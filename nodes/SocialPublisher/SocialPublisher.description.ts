import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { platformOptions, platformsServing } from '../shared/platformOptions';
import * as publish from './actions/publish.operation';

/** The operations, in alphabetical order. */
export const operationOptions: INodePropertyOptions[] = [
	{ name: 'Delete Post', value: 'delete', action: 'Delete a post', description: 'Delete what a post ID published on each chosen platform' },
	{ name: 'Publish Post', value: 'publish', action: 'Publish a post', description: 'Publish a post once per post ID on each chosen platform, its rules checked first' },
];

export const socialPublisherProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: operationOptions,
		default: 'publish',
	},
	{
		displayName: 'Platforms',
		name: 'platforms',
		type: 'multiOptions',
		noDataExpression: true,
		required: true,
		options: platformOptions('social'),
		default: platformsServing('social').map((definition) => definition.id),
		description: 'The channels to publish to; set the credential of each chosen one (the others may stay empty)',
	},
	{
		displayName: 'Post ID',
		name: 'postId',
		type: 'string',
		required: true,
		default: '={{ $json.postId }}',
		description: 'Your ID for the post: it is published at most once per ID on each channel account, across retries and duplicates',
	},
	...publish.description,
];
