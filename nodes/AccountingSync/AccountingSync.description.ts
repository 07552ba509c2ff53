import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { platformsServing } from '../shared/platformOptions';
import { changesPlatformNames, entryProperties } from './actions/entryProperties';

/** The platforms and the credential each takes; the node shows one credential slot, the chosen platform's. */
export const ACCOUNTING_PLATFORMS = platformsServing('accounting').map((platform) => ({ name: platform.displayName, value: platform.id, credential: platform.credentials.type }));

/** The operations, in alphabetical order. */
export const operationOptions: INodePropertyOptions[] = [
	{ name: 'Create Invoice', value: 'createInvoice', action: 'Create an invoice', description: 'An invoice to a customer, once per source transaction' },
	{ name: 'Create or Update Customer', value: 'upsertCustomer', action: 'Create or update a customer', description: 'Matched by email: never a second customer for the same address' },
	{
		name: 'Get Changes From Books',
		value: 'getChanges',
		action: 'Get changes made in the books',
		description: `${changesPlatformNames}: invoices, sales receipts, payments, refund receipts and customers changed or deleted since the last pull`,
	},
	{ name: 'Get Transaction', value: 'getTransaction', action: 'Get a transaction', description: 'What was recorded for a source transaction, and its balance on the platform' },
	{
		name: 'Post Queued Entries',
		value: 'postQueued',
		action: 'Post queued entries',
		description: 'Everything recorded with Post: In the Next Batch, in the platform’s batches (run it on a schedule)',
	},
	{ name: 'Record Payment', value: 'recordPayment', action: 'Record a payment', description: 'A payment received against an invoice, once per payment ID' },
	{ name: 'Record Refund', value: 'recordRefund', action: 'Record a refund', description: 'A refund receipt, once per refund ID' },
	{ name: 'Record Sale', value: 'recordSale', action: 'Record a sale', description: 'A paid sale (sales receipt) with lines, discount, shipping and tax, once per order ID' },
];

export const accountingSyncProperties: INodeProperties[] = [
	{
		displayName: 'Platform',
		name: 'platform',
		type: 'options',
		noDataExpression: true,
		options: ACCOUNTING_PLATFORMS.map(({ name, value }) => ({ name, value })),
		default: ACCOUNTING_PLATFORMS[0].value,
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: operationOptions,
		default: 'recordSale',
	},
	...entryProperties,
];
