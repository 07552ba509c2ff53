import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { scopeProperty } from './actions/common';
import * as decide from './actions/decide.operation';
import * as listReviews from './actions/listReviews.operation';
import * as resolve from './actions/resolve.operation';
import { router } from './actions/router';
import { integrationStateStoreTest } from '../shared/stateStoreCredentialTest';

export class ConflictResolver implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Conflict Resolver',
		name: 'conflictResolver',
		icon: { light: 'file:conflictResolver.svg', dark: 'file:conflictResolver.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["scope"]}}',
		description: 'Resolve two versions of a record field by field against the last synced version, or queue them for review',
		defaults: { name: 'Conflict Resolver' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Apply to Local', 'Apply to External', 'Needs Review'],
		credentials: [{ name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Apply Decision', value: 'decide', action: 'Apply a reviewer s decision', description: 'Record which side wins a queued review and emit the changes it implies' },
					{ name: 'List Reviews', value: 'listReviews', action: 'List conflict reviews', description: 'The review queue, oldest first' },
					{ name: 'Resolve', value: 'resolve', action: 'Resolve conflicts between two versions', description: 'Detect field-level conflicts against the last synced version and pick winners' },
				],
				default: 'resolve',
			},
			scopeProperty,
			...resolve.description,
			...listReviews.description,
			...decide.description,
		],
	};

	methods = { credentialTest: { integrationStateStoreTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
