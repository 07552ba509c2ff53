import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import * as explain from './actions/explain.operation';
import { paymentProperties } from './actions/payment';
import { routingProperties } from './actions/routingProperties';
import * as route from './actions/route.operation';
import { router } from './actions/router';
import * as verifyEvent from './actions/verifyEvent.operation';
import { integrationStateStoreTest } from '../shared/stateStoreCredentialTest';

export class SmartPaymentRouter implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Smart Payment Router',
		name: 'smartPaymentRouter',
		icon: { light: 'file:smartPaymentRouter.svg', dark: 'file:smartPaymentRouter.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Charge each payment through the best of Stripe, PayPal, Square and Braintree, with fallback and never a double charge',
		defaults: { name: 'Smart Payment Router' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Succeeded', 'Failed'],
		credentials: [
			{ name: 'integrationStripeApi', required: false },
			{ name: 'integrationPayPalApi', required: false },
			{ name: 'integrationSquareApi', required: false },
			{ name: 'integrationBraintreeApi', required: false },
			{ name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' },
		],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Route Payment', value: 'route', action: 'Route and charge a payment', description: 'Charge through the best processor, falling back on processor failures' },
					{ name: 'Explain Route', value: 'explain', action: 'Explain how a payment would be routed', description: 'Rank the processors with each factor’s contribution, without charging' },
					{ name: 'Get Payment', value: 'get', action: 'Get a stored payment', description: 'The stored transaction of a payment ID: state, processor, fee and every attempt' },
					{ name: 'Capture Payment', value: 'capture', action: 'Capture an authorized payment', description: 'Capture a payment routed with Capture off, once however often it is repeated' },
					{ name: 'Cancel Payment', value: 'cancel', action: 'Cancel an authorized payment', description: 'Release the hold of a payment routed with Capture off, once however often it is repeated' },
					{ name: 'Verify Processor Event', value: 'verifyEvent', action: 'Verify a processor webhook signature', description: 'Pass genuine Stripe or Square events, reject forged ones' },
				],
				default: 'route',
			},
			...paymentProperties,
			...route.description,
			...explain.description,
			...verifyEvent.description,
			...routingProperties,
		],
	};

	methods = { credentialTest: { integrationStateStoreTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
