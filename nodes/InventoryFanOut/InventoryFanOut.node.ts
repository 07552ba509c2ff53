import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import * as apply from './actions/apply.operation';
import * as pollOrders from './actions/pollOrders.operation';
import { rulesProperty, storesProperty } from './actions/common';
import * as reconcile from './actions/reconcile.operation';
import * as retryPending from './actions/retryPending.operation';
import { router } from './actions/router';
import * as verifyOrder from './actions/verifyOrder.operation';
import { integrationStateStoreTest } from '../shared/stateStoreCredentialTest';

export class InventoryFanOut implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Inventory Fan-out',
		name: 'inventoryFanOut',
		icon: { light: 'file:inventoryFanOut.svg', dark: 'file:inventoryFanOut.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Change stock on every store exactly once per order line: Shopify, WooCommerce, Magento and BigCommerce in parallel',
		defaults: { name: 'Inventory Fan-out' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Applied', 'Errors'],
		credentials: [
			// One credential per store; the stores selected (or the order source verified) say which are used.
			{ name: 'integrationShopifyApi', required: false },
			{ name: 'integrationWooCommerceApi', required: false },
			{ name: 'integrationMagentoApi', required: false },
			{ name: 'integrationBigCommerceApi', required: false },
			{ name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' },
		],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Apply Order or Stock Movement', value: 'apply', action: 'Apply an order or stock movement to every store', description: 'Change stock on every store but the source, once per order line and store' },
					{ name: 'Poll Orders', value: 'pollOrders', action: 'Poll stores for new orders and apply them', description: 'Pull orders placed since the last poll and change stock on every other store' },
					{ name: 'Reconcile', value: 'reconcile', action: 'Reconcile stores with the inventory ledger', description: 'Compare every store with the expected quantity; report or correct drift' },
					{ name: 'Retry Pending', value: 'retryPending', action: 'Retry pending stock changes', description: 'Apply the changes earlier runs could not (a store that was down)' },
					{ name: 'Verify Order Webhook', value: 'verifyOrder', action: 'Verify an order webhook signature', description: 'Pass genuine Shopify or WooCommerce orders as order lines, reject forged ones' },
				],
				default: 'apply',
			},
			{ ...storesProperty, displayOptions: { show: { operation: ['apply', 'pollOrders', 'reconcile', 'retryPending'] } } },
			...apply.description,
			...pollOrders.description,
			...reconcile.description,
			...retryPending.description,
			...verifyOrder.description,
			{ ...rulesProperty, displayOptions: { show: { operation: ['apply', 'pollOrders', 'reconcile', 'retryPending'] } } },
		],
	};

	methods = { credentialTest: { integrationStateStoreTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
