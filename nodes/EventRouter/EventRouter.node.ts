import type { ICredentialsDecrypted, ICredentialTestFunctions, IExecuteFunctions, INodeCredentialTestResult, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { integrationStateStoreTest } from '../shared/stateStoreCredentialTest';
import { configurationProperties, webhookSecretProblems } from './actions/common';
import * as listDeadLetters from './actions/listDeadLetters.operation';
import { configuredOutputs } from './actions/outputs';
import * as replay from './actions/replay.operation';
import * as route from './actions/route.operation';
import * as routeLog from './actions/routeLog.operation';
import { router } from './actions/router';

const routingOperations = { show: { operation: ['route', 'replay'] } };

export class EventRouter implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Event Router',
		name: 'eventRouter',
		icon: { light: 'file:eventRouter.svg', dark: 'file:eventRouter.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
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
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Route', value: 'route', action: 'Route events to destinations', description: 'Match each event against the rules and deliver it to every matching destination' },
					{ name: 'List Dead Letters', value: 'listDeadLetters', action: 'List dead letters', description: 'Events that could not be delivered or transformed, with the reason' },
					{ name: 'Replay Dead Letters', value: 'replay', action: 'Replay dead letters', description: 'Deliver dead letters again through the current rules' },
					{ name: 'Get Route Log', value: 'routeLog', action: 'Get the route log', description: 'Where each event went: rule, destination, status, attempts, time' },
				],
				default: 'route',
			},
			...configurationProperties,
			...route.description,
			...listDeadLetters.description,
			...replay.description,
			...routeLog.description,
		],
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
		return router.call(this);
	}
}
