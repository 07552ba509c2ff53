import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { PaymentRequest } from '../../../lib/payments';
import type { PaymentMethodType } from '../../../lib/platforms/payments';

const showFor = { show: { operation: ['route', 'explain'] } };

/** The payment fields, one per item, read with expressions from the incoming payment request. */
export const paymentProperties: INodeProperties[] = [
	{
		displayName: 'Payment ID',
		name: 'paymentId',
		type: 'string',
		required: true,
		default: '={{ $json.paymentId }}',
		displayOptions: { show: { operation: ['route', 'explain', 'get', 'capture', 'cancel'] } },
		description: 'Your unique id for this payment: the same id is charged at most once, across retries and duplicates',
	},
	{ displayName: 'Amount', name: 'amount', type: 'number', required: true, default: 0, typeOptions: { numberPrecision: 2 }, displayOptions: showFor, description: 'In major units, e.g. 19.99' },
	{ displayName: 'Currency', name: 'currency', type: 'string', required: true, default: '={{ $json.currency }}', displayOptions: showFor, placeholder: 'USD' },
	{ displayName: 'Country', name: 'country', type: 'string', default: '={{ $json.country }}', displayOptions: showFor, description: "The payer's country (ISO 3166 alpha-2), for country rules and local processors" },
	{
		displayName: 'Payment Method',
		name: 'method',
		type: 'options',
		options: [
			{ name: 'Card', value: 'card' },
			{ name: 'PayPal', value: 'paypal' },
			{ name: 'Wallet', value: 'wallet' },
		],
		default: 'card',
		displayOptions: showFor,
	},
	{
		displayName: 'Payment-Method Tokens',
		name: 'tokens',
		type: 'json',
		default: '={{ $json.tokens }}',
		displayOptions: showFor,
		description: 'Object of processor → token, e.g. {"stripe": "pm_…", "square": "cnon:…", "*": "network-token"}; never card numbers',
	},
	{ displayName: 'Description', name: 'description', type: 'string', default: '', displayOptions: showFor },
];

export function readPayment(context: IExecuteFunctions, itemIndex: number): PaymentRequest {
	const raw = context.getNodeParameter('tokens', itemIndex, {}) as unknown;
	let tokens: unknown = raw;
	if (typeof raw === 'string') {
		try {
			tokens = raw === '' ? {} : JSON.parse(raw);
		} catch {
			throw new NodeOperationError(context.getNode(), 'Payment-Method Tokens is not a JSON object', { itemIndex });
		}
	}
	if (typeof tokens !== 'object' || tokens === null || Array.isArray(tokens)) {
		throw new NodeOperationError(context.getNode(), 'Payment-Method Tokens must be an object of processor → token', { itemIndex });
	}
	const country = String(context.getNodeParameter('country', itemIndex, '') ?? '');
	const description = String(context.getNodeParameter('description', itemIndex, '') ?? '');
	return {
		paymentId: String(context.getNodeParameter('paymentId', itemIndex)),
		amount: Number(context.getNodeParameter('amount', itemIndex)),
		currency: String(context.getNodeParameter('currency', itemIndex)),
		country: country || undefined,
		method: context.getNodeParameter('method', itemIndex) as PaymentMethodType,
		tokens: Object.fromEntries(Object.entries(tokens).map(([processor, token]) => [processor, String(token)])),
		description: description || undefined,
	};
}
