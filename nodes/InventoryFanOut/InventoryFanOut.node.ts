import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import * as apply from './actions/apply.operation';
import * as completeStep from './actions/completeStep.operation';
import { configuredOutputs, outputCount } from './actions/outputs';
import { channelRuleLoadOptions, locationListSearch, storeNames } from './actions/properties';
import * as pollOrders from './actions/pollOrders.operation';
import * as reconcile from './actions/reconcile.operation';
import * as recordOrder from './actions/recordOrder.operation';
import * as restockOrder from './actions/restockOrder.operation';
import * as resumeOrders from './actions/resumeOrders.operation';
import * as retryPending from './actions/retryPending.operation';
import * as syncCustomers from './actions/syncCustomers.operation';
import * as syncProducts from './actions/syncProducts.operation';
import * as verifyOrder from './actions/verifyOrder.operation';
import { inventoryFanOutProperties, operationOptions } from './InventoryFanOut.description';
import { routeOperation } from '../shared/operationRouter';
import { credentialSlots, secondStoreSlots } from '../shared/platformCredentials';
import { storeListSlots } from '../shared/storeLists';
import { integrationStoreListTest } from '../shared/storeListCredentialTest';
import { integrationStateStoreTest, stateStoreNotice } from '../shared/stateStoreCredentialTest';
import { operationSubtitle, platformNamesOf } from '../shared/subtitle';

const operations = { apply, completeStep, pollOrders, reconcile, recordOrder, restockOrder, resumeOrders, retryPending, syncCustomers, syncProducts, verifyOrder };

// Not offered to AI agents as a tool (it moves stock): n8n offers a node as a tool only when usableAsTool is set.
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class InventoryFanOut implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Inventory Fan-out',
		name: 'inventoryFanOut',
		icon: { light: 'file:inventoryFanOut.svg', dark: 'file:inventoryFanOut.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(operationOptions, {
			apply: `"Apply stock changes to " + ${platformNamesOf('stores')}`,
			reconcile: `"Reconcile " + ${platformNamesOf('stores')}`,
			pollOrders: `"Poll orders from " + ${platformNamesOf('stores')}`,
			restockOrder: `"Restock order on " + ${platformNamesOf('stores')}`,
		}),
		description: `Change stock on every store exactly once per order line: ${storeNames} in parallel`,
		defaults: { name: 'Inventory Fan-out' },
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${configuredOutputs})($parameter)}}`,
		credentials: [
			// One credential per store; the stores selected (or the order source verified) say which are used.
			...credentialSlots('inventory'),
			// A second store of a platform (a second Shopify shop): its own credential type, as n8n gives a node one of each.
			...secondStoreSlots('inventory'),
			// Several stores of a platform in one credential (a list, each store with its label): `shopify@us`, `shopify@eu`.
			...storeListSlots('inventory'),
			// The CRM that Sync Customers copies the stores' customers to: its slot shows once it is chosen.
			...syncCustomers.crmCredentialSlots,
			{ name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' },
		],
		properties: [stateStoreNotice, ...inventoryFanOutProperties],
	};

	methods = { credentialTest: { integrationStateStoreTest, integrationStoreListTest }, listSearch: locationListSearch, loadOptions: channelRuleLoadOptions };

	/** Outputs named for the operation (actions/outputs.ts); failures follow On Error. */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeOperation(this, operations, { count: outputCount(this.getNodeParameter('operation', 0) as string), errorOutput: 0 });
	}
}
