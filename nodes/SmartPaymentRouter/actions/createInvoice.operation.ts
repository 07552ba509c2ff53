import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { InvoiceRequest } from '../../../lib/payments';
import { InputError, jsonInput } from '../../shared/inputs';
import { platformOptions } from '../../shared/platformOptions';
import { requirePickedAccount } from './accountProperties';
import { forEachPayment, nodeRouter, paymentFailure } from './engine';

/** The catalog's first processor: the one a new node invoices with. */
const firstProcessor = platformOptions('payments')[0].value;
const shown = { show: { operation: ['createInvoice'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Request ID',
		name: 'invoiceRequestId',
		type: 'string',
		required: true,
		default: '={{ $json.requestId }}',
		displayOptions: shown,
		description: 'Your unique ID for this invoice: the same ID is made and sent at most once, across retries and duplicates',
	},
	{
		displayName: 'Processor',
		name: 'invoiceProcessor',
		type: 'options',
		options: platformOptions('payments'),
		default: firstProcessor,
		displayOptions: shown,
		description: 'The processor that issues the invoice and collects its payment',
	},
	{
		displayName: 'Customer',
		name: 'invoiceCustomer',
		type: 'string',
		required: true,
		default: '={{ $json.customer }}',
		displayOptions: shown,
		description: 'The processor’s customer ID, or the customer’s email where the processor invoices by email',
	},
	{
		displayName: 'Currency',
		name: 'invoiceCurrency',
		type: 'string',
		required: true,
		default: '={{ $json.currency }}',
		displayOptions: shown,
		description: 'ISO 4217 code, upper case: USD',
	},
	{
		displayName: 'Lines (JSON)',
		name: 'invoiceLines',
		type: 'json',
		required: true,
		default: '={{ JSON.stringify($json.lines) }}',
		displayOptions: shown,
		description: 'The invoice lines: [{description, amount (unit price in major units: 19.99), quantity (whole number, 1 when absent)}]',
	},
	{
		displayName: 'Due In Days',
		name: 'invoiceDueInDays',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 365 },
		default: 30,
		displayOptions: shown,
		description: 'Days the customer has to pay, from when the invoice is sent',
	},
	{
		displayName: 'Memo',
		name: 'invoiceMemo',
		type: 'string',
		default: '',
		displayOptions: shown,
		description: 'A note shown on the invoice',
	},
];

/**
 * Makes each item's invoice at the processor and sends it to the customer, once per request ID → output 0. A refusal,
 * an unknown outcome or a total that is not the lines' follows the node's On Error setting.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const router = await nodeRouter(this);
	return await forEachPayment(this, items, async (item) => {
		const read = (name: string) => {
			const value = this.getNodeParameter(name, item, '') as unknown;
			return value === '' ? undefined : value;
		};
		const request = {
			requestId: read('invoiceRequestId'),
			processor: read('invoiceProcessor'),
			customer: read('invoiceCustomer'),
			currency: read('invoiceCurrency'),
			lines: jsonInput(this, this.getNodeParameter('invoiceLines', item), 'invoiceLines', item),
			dueInDays: read('invoiceDueInDays'),
			memo: read('invoiceMemo'),
		} as InvoiceRequest;
		requirePickedAccount(this, request.processor, 'invoices', item);
		const outcome = await router.invoices.create(request).catch((error: unknown) => {
			if (!(error instanceof InputError)) throw error;
			// The engine names its fields (`lines[0].amount`); the user sees this node's (Lines).
			throw new InputError(error.violations.map((violation) => ({ ...violation, field: nodeField(violation.field) })), `Item ${item}`);
		});
		if (outcome.status === 'failed') return paymentFailure('invoice request', { ...outcome });
		return { output: 0, json: { ...outcome } as IDataObject };
	});
}

function nodeField(field: string): string {
	const [name, rest] = field.split(/(?=\[)/);
	const renamed = { requestId: 'invoiceRequestId', processor: 'invoiceProcessor', customer: 'invoiceCustomer', currency: 'invoiceCurrency', lines: 'invoiceLines', dueInDays: 'invoiceDueInDays', memo: 'invoiceMemo' }[name];
	return renamed ? `${renamed}${rest ?? ''}` : field;
}
