import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { paymentRequestSchema, type PaymentRequest } from '../../../lib/payments';
import { itemParameters, jsonInput, readInput } from '../../shared/inputs';
import { platformOptions, platformsServing } from '../../shared/platformOptions';

const showFor = { show: { operation: ['route', 'authorize', 'explain'] } };

/** The payment fields, one per item, read with expressions from the incoming payment request. */
/**
 * The payment methods the processors' routing profiles accept, alphabetically; a method that is a processor's own
 * wallet goes by the processor's name, as the catalog spells it.
 */
function paymentMethodOptions(): Array<{ name: string; value: string }> {
	const processors = platformsServing('payments');
	const methods = [...new Set(processors.flatMap((definition) => definition.payments!.routingProfile.methods))].sort();
	return methods.map((method) => ({ name: processors.find((definition) => definition.id === method)?.displayName ?? `${method.charAt(0).toUpperCase()}${method.slice(1)}`, value: method }));
}

export const paymentProperties: INodeProperties[] = [
	{
		displayName: 'Payment ID',
		name: 'paymentId',
		type: 'string',
		required: true,
		default: '={{ $json.paymentId }}',
		displayOptions: { show: { operation: ['route', 'authorize', 'explain', 'get', 'capture', 'cancel', 'refund'] } },
		description: 'Your unique id for this payment: the same id is charged at most once, across retries and duplicates',
	},
	{ displayName: 'Amount', name: 'amount', type: 'number', required: true, default: 0, typeOptions: { numberPrecision: 2 }, displayOptions: showFor, description: 'In major units, e.g. 19.99' },
	{ displayName: 'Currency', name: 'currency', type: 'string', required: true, default: '={{ $json.currency }}', displayOptions: showFor, placeholder: 'USD' },
	{ displayName: 'Country', name: 'country', type: 'string', default: '={{ $json.country }}', displayOptions: showFor, description: "The payer's country (ISO 3166 alpha-2), for country rules and local processors" },
	{
		displayName: 'Payment Method',
		name: 'method',
		type: 'options',
		options: paymentMethodOptions(),
		default: 'card',
		displayOptions: showFor,
	},
	{
		displayName: 'Payment-Method Tokens',
		name: 'tokens',
		type: 'json',
		default: '={{ $json.tokens }}',
		displayOptions: showFor,
		description: `Object of processor → token, e.g. {${platformOptions('payments').slice(0, 2).map((processor) => `"${processor.value}": "…"`).join(', ')}, "*": "network-token"}; never card numbers`,
	},
	{ displayName: 'Description', name: 'description', type: 'string', default: '', displayOptions: showFor },
];

/** The item's payment, checked by type against the router's schema: nothing is wrapped in String or Number. */
export function readPayment(context: IExecuteFunctions, itemIndex: number): PaymentRequest {
	const tokens = jsonInput(context, context.getNodeParameter('tokens', itemIndex, {}), 'tokens', itemIndex, {});
	const parameters = itemParameters(context, ['paymentId', 'amount', 'currency', 'country', 'method', 'description'], itemIndex);
	const payment = readInput(context, paymentRequestSchema, { ...parameters, tokens }, itemIndex);
	return { ...payment, tokens: payment.tokens ?? {} };
}
