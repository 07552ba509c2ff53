import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { platformOptions, platformsServing } from '../shared/platformOptions';

import { accountProperties } from './actions/accountProperties';
import * as capture from './actions/capture.operation';
import * as completeAction from './actions/completeAction.operation';
import * as createInvoice from './actions/createInvoice.operation';
import * as explain from './actions/explain.operation';
import * as listExpiring from './actions/listExpiring.operation';
import { paymentProperties } from './actions/paymentProperties';
import * as recordBillingEvent from './actions/recordBillingEvent.operation';
import * as recordDispute from './actions/recordDispute.operation';
import * as refund from './actions/refund.operation';
import * as route from './actions/route.operation';
import * as subscription from './actions/subscription.operation';
import { routingProperties } from './actions/routingProperties';
import * as verifyEvent from './actions/verifyEvent.operation';

/** The operations, in alphabetical order. */
export const operationOptions: INodePropertyOptions[] = [
	{ name: 'Authorize Payment', value: 'authorize', action: 'Authorize a payment', description: 'Hold the amount on the best processor without charging it, to capture or void before the hold ends' },
	{ name: 'Cancel Subscription', value: 'cancelSubscription', action: 'Cancel a subscription', description: 'End a subscription on the processor that bills it, once per request ID' },
	{ name: 'Capture Payment', value: 'capture', action: 'Capture an authorized payment', description: 'Capture all or part of an authorized payment, once however often it is repeated (the rest is released)' },
	{ name: 'Change Subscription Plan', value: 'changeSubscriptionPlan', action: 'Change the plan of a subscription', description: 'Move a subscription to another of your plans, once per request ID' },
	{ name: 'Complete Customer Action', value: 'completeAction', action: 'Complete a payment after customer action', description: 'Finish a payment that waited for 3-D Secure or approval, once, when the processor’s event says the customer acted' },
	{ name: 'Create Invoice', value: 'createInvoice', action: 'Create and send an invoice', description: 'Make an invoice at a processor that issues them and send it to the customer to pay, once per request ID' },
	{ name: 'Create Subscription', value: 'createSubscription', action: 'Create a subscription', description: 'Subscribe a customer to one of your plans on a processor that bills subscriptions, once per request ID' },
	{ name: 'Explain Route', value: 'explain', action: 'Explain how a payment would be routed', description: 'Rank the processors with each factor’s contribution, without charging' },
	{ name: 'Get Payment', value: 'get', action: 'Get a stored payment', description: 'The stored transaction of a payment ID: state, processor, fee and every attempt' },
	{ name: 'Get Refund', value: 'getRefund', action: 'Get a refund', description: 'Where a refund stands, looked up at the processor while it is pending' },
	{ name: 'List Expiring Authorizations', value: 'listExpiring', action: 'List authorizations expiring soon', description: 'Authorized payments whose hold ends before a time, soonest first, to capture or void them in time' },
	{ name: 'Pause Subscription', value: 'pauseSubscription', action: 'Pause a subscription', description: 'Stop billing a subscription without ending it, once per request ID' },
	{ name: 'Record Billing Event', value: 'recordBillingEvent', action: 'Record a subscription or invoice event', description: 'Keep a processor’s renewal, cancel or invoice event once, follow the invoice’s state, and send it on by what happened' },
	{ name: 'Record Dispute', value: 'recordDispute', action: 'Record a dispute or chargeback', description: 'Keep a processor’s dispute event against its payment, once, and send it on by where the dispute stands' },
	{ name: 'Refund Payment', value: 'refund', action: 'Refund a payment', description: 'Refund all or part of a captured payment on the processor that charged it, once per refund ID' },
	{ name: 'Route Payment', value: 'route', action: 'Route and charge a payment', description: 'Charge through the best processor, falling back on processor failures' },
	{ name: 'Verify Processor Event', value: 'verifyEvent', action: 'Verify a processor webhook signature', description: `Pass genuine ${verifyEvent.eventSourceNames} events, reject forged ones` },
	{ name: 'Void Authorization', value: 'cancel', action: 'Void an authorized payment', description: 'Release the hold of an authorized payment, once however often it is repeated' },
];

export const smartPaymentRouterProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: operationOptions,
		default: 'route',
	},
	{
		displayName: 'Processors',
		name: 'processors',
		type: 'multiOptions',
		options: platformOptions('payments'),
		default: platformsServing('payments').map((definition) => definition.id),
		description: 'The processors this router may charge; each shows its credential slot once chosen, and one without a credential is ranked but never charged',
	},
	...accountProperties,
	...paymentProperties,
	...route.description,
	...capture.description,
	...completeAction.description,
	...listExpiring.description,
	...refund.description,
	...recordDispute.description,
	...recordBillingEvent.description,
	...subscription.description,
	...createInvoice.description,
	...explain.description,
	...verifyEvent.description,
	...routingProperties,
];
