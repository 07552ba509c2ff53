import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import * as apply from './actions/apply.operation';
import * as completeStep from './actions/completeStep.operation';
import { resumeAfterProperty } from './actions/orders';
import * as pollOrders from './actions/pollOrders.operation';
import { locationProperties, rulesProperty, storesProperty } from './actions/properties';
import * as reconcile from './actions/reconcile.operation';
import * as recordOrder from './actions/recordOrder.operation';
import * as restockOrder from './actions/restockOrder.operation';
import * as resumeOrders from './actions/resumeOrders.operation';
import * as retryPending from './actions/retryPending.operation';
import * as syncCustomers from './actions/syncCustomers.operation';
import * as syncProducts from './actions/syncProducts.operation';
import * as verifyOrder from './actions/verifyOrder.operation';
import { stockGroupProperties } from './actions/storeLabel';
import { namesInSentence } from '../shared/platformOptions';

/** The operations that work on the chosen stores. */
const storeOperations = ['apply', 'pollOrders', 'reconcile', 'restockOrder', 'retryPending'];

/** The operations, in alphabetical order. */
export const operationOptions: INodePropertyOptions[] = [
	{ name: 'Apply Order or Stock Movement', value: 'apply', action: 'Apply an order or stock movement to every store', description: 'Change stock on every store but the source, once per order line and store' },
	{ name: 'Complete Order Step', value: 'completeStep', action: 'Mark a step of a recorded order done', description: 'Mark one step (stock, fulfillment, accounting, CRM) of a recorded order done, once' },
	{ name: 'Poll Orders', value: 'pollOrders', action: 'Poll stores for new orders and apply them', description: 'Pull orders placed since the last poll and change stock on every other store' },
	{ name: 'Reconcile', value: 'reconcile', action: 'Reconcile stores with the inventory ledger', description: 'Compare every store with the expected quantity; report or correct drift' },
	{ name: 'Record Order', value: 'recordOrder', action: 'Record an order before answering its webhook', description: 'Record each order once, with its steps to do, before the caller is answered; pass on only orders not seen before' },
	{
		name: 'Restock Cancelled or Refunded Order',
		value: 'restockOrder',
		action: 'Restock a cancelled or refunded order on every store',
		description: 'Give back what the order\'s sale took off every other store, once per order line, never more than was sold',
	},
	{ name: 'Resume Pending Orders', value: 'resumeOrders', action: 'Resume recorded orders with steps left', description: 'Pass on recorded orders whose steps were left unfinished (a crash, a failed step), each with the steps left' },
	{ name: 'Retry Pending', value: 'retryPending', action: 'Retry pending stock changes', description: 'Apply the changes earlier runs could not (a store that was down)' },
	{
		name: 'Sync Customers',
		value: 'syncCustomers',
		action: 'Keep the stores\' customers in step and copy them to the CRM',
		description: 'Copy customers created or edited on one store (email, name, phone, marketing consent) to the other stores and the CRM, matched by email, created where missing',
	},
	{
		name: 'Sync Products',
		value: 'syncProducts',
		action: 'Keep the stores\' product catalogues in step',
		description: 'Copy products edited on one store (title, description, SKU, prices, status, weight) to the others, matched by SKU, created where missing',
	},
	{ name: 'Verify Order Webhook', value: 'verifyOrder', action: 'Verify an order webhook signature', description: `Pass genuine ${namesInSentence(verifyOrder.verifiableOrderStores.map((store) => store.name))} orders as order lines, reject forged ones` },
];

export const inventoryFanOutProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: operationOptions,
		default: 'apply',
	},
	{ ...storesProperty, displayOptions: { show: { operation: storeOperations } } },
	...locationProperties(storeOperations),
	...apply.description,
	...recordOrder.description,
	...restockOrder.description,
	resumeAfterProperty,
	...resumeOrders.description,
	...completeStep.description,
	...pollOrders.description,
	...reconcile.description,
	...retryPending.description,
	...syncCustomers.description,
	...syncProducts.description,
	...verifyOrder.description,
	{ ...rulesProperty, displayOptions: { show: { operation: storeOperations } } },
	...stockGroupProperties(storeOperations),
];
