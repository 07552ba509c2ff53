import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import * as createInvoice from './actions/createInvoice.operation';
import * as getChanges from './actions/getChanges.operation';
import * as getTransaction from './actions/getTransaction.operation';
import * as postQueued from './actions/postQueued.operation';
import * as recordPayment from './actions/recordPayment.operation';
import * as recordRefund from './actions/recordRefund.operation';
import * as recordSale from './actions/recordSale.operation';
import * as upsertCustomer from './actions/upsertCustomer.operation';
import { ACCOUNTING_PLATFORMS, accountingSyncProperties, operationOptions } from './AccountingSync.description';
import { accountingListSearch, accountingLoadOptions } from './actions/listSearch';
import { routeOperation } from '../shared/operationRouter';
import { chosenPlatformSlots } from '../shared/platformCredentials';
import { namesInSentence } from '../shared/platformOptions';
import { integrationStateStoreTest, stateStoreNotice } from '../shared/stateStoreCredentialTest';
import { operationSubtitle } from '../shared/subtitle';

const operations = { recordSale, recordPayment, recordRefund, upsertCustomer, createInvoice, getTransaction, getChanges, postQueued };

// Not offered to AI agents as a tool (it writes sales, payments and refunds into the books): n8n offers a node as a tool only when usableAsTool is set.
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class AccountingSync implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Accounting Sync',
		name: 'accountingSync',
		icon: { light: 'file:accountingSync.svg', dark: 'file:accountingSync.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(operationOptions),
		description: `Record sales, payments, refunds, invoices and customers in ${namesInSentence(ACCOUNTING_PLATFORMS.map((platform) => platform.name))}, exactly once per source transaction`,
		defaults: { name: 'Accounting Sync' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			...chosenPlatformSlots(ACCOUNTING_PLATFORMS),
			{ name: 'integrationStateStore', required: false, testedBy: 'integrationStateStoreTest' },
		],
		properties: [stateStoreNotice, ...accountingSyncProperties],
	};

	methods = { credentialTest: { integrationStateStoreTest }, listSearch: accountingListSearch, loadOptions: accountingLoadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// One output; failed items go to n8n's error output under "Continue (using error output)".
		return await routeOperation(this, operations, { count: 1, errorOutput: 0 });
	}
}
