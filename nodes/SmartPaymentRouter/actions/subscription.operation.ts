import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { type SubscriptionChange, type SubscriptionRequest } from '../../../lib/payments';
import { InputError } from '../../shared/inputs';
import { platformOptions } from '../../shared/platformOptions';
import { requirePickedAccount } from './accountProperties';
import { forEachPayment, nodeRouter, paymentFailure } from './engine';
import { checkedPlans, planProperties } from './planProperties';

/** The node's subscription operations and the change each asks of the subscription. */
export const SUBSCRIPTION_OPERATIONS: Record<string, SubscriptionChange> = {
	createSubscription: 'create',
	changeSubscriptionPlan: 'changePlan',
	pauseSubscription: 'pause',
	cancelSubscription: 'cancel',
};

const all = Object.keys(SUBSCRIPTION_OPERATIONS);
/** The catalog's first processor: the one a new node bills with, and the examples'. */
const firstProcessor = platformOptions('payments')[0].value;
const on = (...operations: string[]) => ({ show: { operation: operations } });

export const description: INodeProperties[] = [
	...planProperties,
	{
		displayName: 'Request ID',
		name: 'subscriptionRequestId',
		type: 'string',
		required: true,
		default: '={{ $json.requestId }}',
		displayOptions: on(...all),
		description: 'Your unique ID for this request: the same ID is done at most once, across retries and duplicates',
	},
	{
		displayName: 'Processor',
		name: 'subscriptionProcessor',
		type: 'options',
		options: platformOptions('payments'),
		default: firstProcessor,
		displayOptions: on('createSubscription'),
		description: 'The processor that bills the subscription',
	},
	{
		displayName: 'Plan',
		name: 'subscriptionPlan',
		type: 'string',
		required: true,
		default: '={{ $json.plan }}',
		displayOptions: on('createSubscription', 'changeSubscriptionPlan'),
		description: 'Your ID of one of the plans above (its Plan ID)',
	},
	{
		displayName: 'Customer',
		name: 'subscriptionCustomer',
		type: 'string',
		default: '',
		displayOptions: on('createSubscription'),
		description: 'The processor’s customer to bill (with a default payment method), where the processor bills a stored customer; empty where the subscriber approves on the processor’s own page instead',
	},
	{
		displayName: 'Payment Method',
		name: 'subscriptionPaymentMethod',
		type: 'string',
		default: '',
		displayOptions: on('createSubscription'),
		description: 'A stored payment method of the customer to charge (the processor’s ID); empty: the customer’s default',
	},
	{
		displayName: 'Return URL',
		name: 'subscriptionReturnUrl',
		type: 'string',
		default: '',
		displayOptions: on('createSubscription'),
		description: 'Where the subscriber comes back after approving on the processor’s page (processors whose subscribers approve there)',
	},
	{
		displayName: 'Subscription ID',
		name: 'subscriptionId',
		type: 'string',
		required: true,
		default: '={{ $json.subscriptionId }}',
		displayOptions: on('changeSubscriptionPlan', 'pauseSubscription', 'cancelSubscription'),
		description: 'The subscription’s ID, as Create Subscription gave it',
	},
];

/**
 * Creates, moves to another plan, pauses or cancels each item's subscription, once per request ID: done → output 0;
 * for Create, a subscription waiting for its subscriber's approval (PayPal) → output 1 (Action Required). A refusal or
 * an unknown outcome follows the node's On Error setting.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const change = SUBSCRIPTION_OPERATIONS[operation];
	const router = await nodeRouter(this);
	const plans = change === 'create' || change === 'changePlan' ? checkedPlans(this) : [];
	return await forEachPayment(this, items, async (item) => {
		const read = (name: string) => {
			const value = this.getNodeParameter(name, item, '') as unknown;
			return value === '' ? undefined : value;
		};
		const request = {
			requestId: read('subscriptionRequestId'),
			change,
			...(change === 'create' ? { processor: read('subscriptionProcessor'), customer: read('subscriptionCustomer'), paymentMethod: read('subscriptionPaymentMethod'), returnUrl: read('subscriptionReturnUrl') } : { subscriptionId: read('subscriptionId') }),
			...(change === 'create' || change === 'changePlan' ? { plan: read('subscriptionPlan') } : {}),
		} as SubscriptionRequest;
		if (change === 'create') requirePickedAccount(this, request.processor, 'subscriptions', item);
		const outcome = await router.subscriptions.run(request, plans).catch((error: unknown) => {
			if (!(error instanceof InputError)) throw error;
			// The engine names its fields (`plan`); the user sees this node's (Plan).
			throw new InputError(error.violations.map((violation) => ({ ...violation, field: FIELD_NAMES[violation.field] ?? violation.field })), `Item ${item}`);
		});
		if (outcome.status === 'failed') return paymentFailure('subscription request', { ...outcome });
		return { output: outcome.state === 'pending' && outcome.action ? 1 : 0, json: { ...outcome } as IDataObject };
	});
}

const FIELD_NAMES: Record<string, string> = {
	requestId: 'subscriptionRequestId',
	processor: 'subscriptionProcessor',
	plan: 'subscriptionPlan',
	customer: 'subscriptionCustomer',
	paymentMethod: 'subscriptionPaymentMethod',
	returnUrl: 'subscriptionReturnUrl',
};
