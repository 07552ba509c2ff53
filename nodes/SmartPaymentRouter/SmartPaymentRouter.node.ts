import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { accountListSearch } from './actions/accountProperties';
import { planListSearch } from './actions/planProperties';
import * as authorize from './actions/authorize.operation';
import * as cancel from './actions/cancel.operation';
import * as completeAction from './actions/completeAction.operation';
import * as createInvoice from './actions/createInvoice.operation';
import * as capture from './actions/capture.operation';
import * as explain from './actions/explain.operation';
import * as get from './actions/get.operation';
import * as getRefund from './actions/getRefund.operation';
import * as listExpiring from './actions/listExpiring.operation';
import * as recordBillingEvent from './actions/recordBillingEvent.operation';
import * as recordDispute from './actions/recordDispute.operation';
import * as refund from './actions/refund.operation';
import * as route from './actions/route.operation';
import * as subscription from './actions/subscription.operation';
import * as verifyEvent from './actions/verifyEvent.operation';
import { smartPaymentRouterProperties, operationOptions } from './SmartPaymentRouter.description';
import { routeOperation } from '../shared/operationRouter';
import { credentialSlots } from '../shared/platformCredentials';
import { namesInSentence, platformOptions } from '../shared/platformOptions';
import { integrationStateStoreTest, stateStoreNotice } from '../shared/stateStoreCredentialTest';
import { operationSubtitle } from '../shared/subtitle';

const operations = { route, authorize, completeAction, createInvoice, explain, get, capture, cancel, listExpiring, refund, getRefund, verifyEvent, recordDispute, recordBillingEvent, ...Object.fromEntries(Object.keys(subscription.SUBSCRIPTION_OPERATIONS).map((operation) => [operation, subscription])) };

/**
 * The outputs for the chosen operation, computed by n8n in the editor from the parameters (so it must be
 * self-contained), each named for a business outcome: Route Payment and Complete Customer Action → Succeeded / Declined /
 * Action Required (waiting for the customer: 3-D Secure); Authorize Payment → Authorized / Declined / Action Required; Get Payment and Get
 * Refund → Found / Not Found; Verify Event → Verified / Rejected; Record Dispute → Needs Response / Under Review / Won /
 * Lost / Unchanged; Record Billing Event → Renewal Paid / Renewal Failed / Subscription Canceled / Invoice Updated /
 * Unchanged; Create Subscription → Subscribed / Action Required (the subscriber approves first: PayPal); the others
 * one output. A payment the processors
 * refused otherwise, or invalid input, is no output of its own: it follows the node's On Error setting.
 */
const paymentOutputs = (parameters: { operation?: string }) => {
	const names: Record<string, string[]> = {
		route: ['Succeeded', 'Declined', 'Action Required'],
		authorize: ['Authorized', 'Declined', 'Action Required'],
		completeAction: ['Succeeded', 'Declined', 'Action Required'],
		get: ['Found', 'Not Found'],
		getRefund: ['Found', 'Not Found'],
		verifyEvent: ['Verified', 'Rejected'],
		recordDispute: ['Needs Response', 'Under Review', 'Won', 'Lost', 'Unchanged'],
		recordBillingEvent: ['Renewal Paid', 'Renewal Failed', 'Subscription Canceled', 'Invoice Updated', 'Unchanged'],
		createSubscription: ['Subscribed', 'Action Required'],
	};
	return (names[parameters.operation ?? 'route'] ?? ['Output']).map((displayName) => ({ type: 'main', displayName }));
};

const twoOutputs = ['get', 'getRefund', 'verifyEvent', 'createSubscription'];
/** The operations whose payment may wait for its customer (3-D Secure, approval): a third output, Action Required. */
const threeOutputs = ['route', 'authorize', 'completeAction'];

// Not offered to AI agents as a tool (it charges, captures, cancels and refunds payments): n8n offers a node as a tool only when usableAsTool is set.
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class SmartPaymentRouter implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Smart Payment Router',
		name: 'smartPaymentRouter',
		icon: { light: 'file:smartPaymentRouter.svg', dark: 'file:smartPaymentRouter.dark.svg' },
		group: ['transform'],
		// 1.1: Create Subscription and Change Subscription Plan start with plans as rows (1 read them as JSON only).
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: operationSubtitle(operationOptions),
		description: `Charge each payment through the best of ${namesInSentence(platformOptions('payments').map((option) => option.name), 'and')}, with fallback and never a double charge`,
		defaults: { name: 'Smart Payment Router' },
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${paymentOutputs})($parameter)}}`,
		credentials: [
			...credentialSlots('payments', 'processors'),
			{ name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' },
		],
		properties: [stateStoreNotice, ...smartPaymentRouterProperties],
	};

	methods = { credentialTest: { integrationStateStoreTest }, listSearch: { ...accountListSearch, ...planListSearch } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		const count = operation === 'recordDispute' || operation === 'recordBillingEvent' ? 5 : threeOutputs.includes(operation) ? 3 : twoOutputs.includes(operation) ? 2 : 1;
		return await routeOperation(this, operations, { count, errorOutput: 0 });
	}
}
