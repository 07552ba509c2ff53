import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import * as decide from './actions/decide.operation';
import * as listReviews from './actions/listReviews.operation';
import { NEEDS_REVIEW } from './actions/outputs';
import * as resolve from './actions/resolve.operation';
import { conflictResolverProperties, operationOptions } from './ConflictResolver.description';
import { routeOperation } from '../shared/operationRouter';
import { integrationStateStoreTest, stateStoreNotice } from '../shared/stateStoreCredentialTest';
import { operationSubtitle } from '../shared/subtitle';

const operations = { resolve, listReviews, decide };

export class ConflictResolver implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Conflict Resolver',
		name: 'conflictResolver',
		icon: { light: 'file:conflictResolver.svg', dark: 'file:conflictResolver.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(operationOptions),
		description: 'Resolve two versions of a record field by field against the last synced version, or queue them for review',
		defaults: { name: 'Conflict Resolver' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Apply to Local', 'Apply to External', 'Needs Review'],
		credentials: [{ name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' }],
		properties: [stateStoreNotice, ...conflictResolverProperties],
	};

	methods = { credentialTest: { integrationStateStoreTest } };

	/** Outputs: Apply to Local, Apply to External, Needs Review (which also takes the error items under Continue On Fail). */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeOperation(this, operations, { count: 3, errorOutput: NEEDS_REVIEW, outcomes: ['applyToLocal', 'applyToExternal', 'needsReview'] });
	}
}
