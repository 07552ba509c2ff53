import { NodeConnectionTypes, type ICredentialsDecrypted, type ICredentialTestFunctions, type IExecuteFunctions, type INodeCredentialTestResult, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { webhookSecretProblems } from './actions/configuration';
import * as listDeadLetters from './actions/listDeadLetters.operation';
import { configuredOutputs, outputsOf } from './actions/outputs';
import * as replay from './actions/replay.operation';
import * as route from './actions/route.operation';
import * as routeLog from './actions/routeLog.operation';
import { eventRouterProperties, operationOptions } from './EventRouter.description';
import { routeOperation } from '../shared/operationRouter';
import { integrationStateStoreTest, stateStoreNotice } from '../shared/stateStoreCredentialTest';
import { operationSubtitle } from '../shared/subtitle';

const operations = { route, listDeadLetters, replay, routeLog };

const routingOperations = { show: { operation: ['route', 'replay'] } };

export class EventRouter implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Event Router',
		name: 'eventRouter',
		icon: { light: 'file:eventRouter.svg', dark: 'file:eventRouter.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(operationOptions),
		description: 'Route events from source systems to destinations by rules: filters, transforms, signed webhooks, retries and dead letters',
		defaults: { name: 'Event Router' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${configuredOutputs})($parameter)}}`,
		credentials: [
			{ name: 'integrationWebhookDestinationApi', required: false, displayOptions: routingOperations, testedBy: 'integrationWebhookDestinationTest' },
			{ name: 'integrationHttpDestinationApi', required: false, displayOptions: routingOperations },
			{ name: 'integrationEventIngestApi', required: false, displayOptions: { show: { operation: ['route'] } }, testedBy: 'integrationEventIngestTest' },
			{ name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' },
		],
		properties: [stateStoreNotice, ...eventRouterProperties],
	};

	methods = {
		credentialTest: {
			integrationStateStoreTest,
			async integrationEventIngestTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				const problems = webhookSecretProblems({ signingSecret: credential.data?.signingSecret ?? '' });
				return problems.length === 0 ? { status: 'OK', message: 'The signing secret is well-formed' } : { status: 'Error', message: problems.join('; ') };
			},
			async integrationWebhookDestinationTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				const problems = webhookSecretProblems(credential.data ?? {});
				return problems.length === 0 ? { status: 'OK', message: 'The signing secrets are well-formed' } : { status: 'Error', message: problems.join('; ') };
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as keyof typeof operations;
		return await routeOperation(this, operations, outputsOf(this, operation));
	}
}
