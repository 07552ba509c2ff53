import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import * as authorize from './actions/authorize.operation';
import * as cancel from './actions/cancel.operation';
import * as capture from './actions/capture.operation';
import * as explain from './actions/explain.operation';
import * as get from './actions/get.operation';
import * as getRefund from './actions/getRefund.operation';
import * as listExpiring from './actions/listExpiring.operation';
import * as refund from './actions/refund.operation';
import * as route from './actions/route.operation';
import * as verifyEvent from './actions/verifyEvent.operation';
import { smartPaymentRouterProperties, operationOptions } from './SmartPaymentRouter.description';
import { routeOperation } from '../shared/operationRouter';
import { credentialSlots } from '../shared/platformCredentials';
import { integrationStateStoreTest, stateStoreNotice } from '../shared/stateStoreCredentialTest';
import { operationSubtitle } from '../shared/subtitle';

const operations = { route, authorize, explain, get, capture, cancel, listExpiring, refund, getRefund, verifyEvent };

// Not offered to AI agents as a tool (it charges, captures, cancels and refunds payments): n8n offers a node as a tool only when usableAsTool is set.
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class SmartPaymentRouter implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Smart Payment Router',
		name: 'smartPaymentRouter',
		icon: { light: 'file:smartPaymentRouter.svg', dark: 'file:smartPaymentRouter.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(operationOptions),
		description: 'Charge each payment through the best of Stripe, PayPal, Square and Braintree, with fallback and never a double charge',
		defaults: { name: 'Smart Payment Router' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Succeeded', 'Failed'],
		credentials: [
			...credentialSlots('payments', 'processors'),
			{ name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' },
		],
		properties: [stateStoreNotice, ...smartPaymentRouterProperties],
	};

	methods = { credentialTest: { integrationStateStoreTest } };

	/** Outputs: Succeeded, Failed (where a failed operation's error items go under Continue On Fail). */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeOperation(this, operations, { count: 2, errorOutput: 1 });
	}
}
