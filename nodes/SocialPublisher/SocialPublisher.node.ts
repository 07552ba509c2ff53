import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import * as deletePost from './actions/delete.operation';
import * as publish from './actions/publish.operation';
import { operationOptions, socialPublisherProperties } from './SocialPublisher.description';
import { routeOperation } from '../shared/operationRouter';
import { credentialSlots } from '../shared/platformCredentials';
import { integrationStateStoreTest, stateStoreNotice } from '../shared/stateStoreCredentialTest';
import { operationSubtitle } from '../shared/subtitle';

const operations = { publish, delete: deletePost };

// Not offered to AI agents as a tool (it publishes in the brand's name): n8n offers a node as a tool only when usableAsTool is set.
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class SocialPublisher implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Social Publisher',
		name: 'socialPublisher',
		icon: { light: 'file:socialPublisher.svg', dark: 'file:socialPublisher.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: operationSubtitle(operationOptions),
		description: 'Publish a post to X, LinkedIn, Facebook Pages and Instagram exactly once per post ID, each platform’s rules checked first',
		defaults: { name: 'Social Publisher' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [...credentialSlots('social', 'platforms'), { name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' }],
		properties: [stateStoreNotice, ...socialPublisherProperties],
	};

	methods = { credentialTest: { integrationStateStoreTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// One output; failed items go to n8n's error output under "Continue (using error output)".
		return await routeOperation(this, operations, { count: 1, errorOutput: 0 });
	}
}
