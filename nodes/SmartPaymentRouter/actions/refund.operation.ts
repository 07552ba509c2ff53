import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { refundRequestSchema } from '../../../lib/payments';
import { InputError, itemParameters, readInput } from '../../shared/inputs';
import { forEachPayment, nodeRouter, paymentFailure } from './engine';

const showFor = { show: { operation: ['refund'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Refund ID',
		name: 'refundId',
		type: 'string',
		required: true,
		default: '={{ $json.refundId }}',
		displayOptions: { show: { operation: ['refund', 'getRefund'] } },
		description: 'Your unique id for this refund: the same id refunds at most once, across retries and duplicates',
	},
	{
		displayName: 'Refund',
		name: 'refundScope',
		type: 'options',
		options: [
			{ name: 'All That Remains', value: 'remaining', description: 'The captured amount less every earlier refund' },
			{ name: 'Part of It', value: 'partial', description: 'An amount of your choice, at most what remains' },
		],
		default: 'remaining',
		displayOptions: showFor,
	},
	{
		displayName: 'Refund Amount',
		name: 'refundAmount',
		type: 'number',
		required: true,
		default: 0,
		typeOptions: { numberPrecision: 2 },
		displayOptions: { show: { operation: ['refund'], refundScope: ['partial'] } },
		description: 'In major units of the payment’s currency, e.g. 5.25; more than remains is refused before anything is refunded',
	},
];

/**
 * Refunds each item's payment on the processor that charged it, once per refund ID; refunded or pending → the output;
 * refused by the processor or not refundable follows the node's On Error setting. An amount above what remains is an
 * error naming the amount, before any call.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const router = await nodeRouter(this);
	return await forEachPayment(this, items, async (item) => {
		const partial = this.getNodeParameter('refundScope', item, 'remaining') === 'partial';
		const parameters = itemParameters(this, partial ? ['paymentId', 'refundId', 'refundAmount'] : ['paymentId', 'refundId'], item);
		const { refundAmount, ...rest } = parameters;
		const request = readInput(this, refundRequestSchema, { ...rest, amount: refundAmount }, item, { amount: 'refundAmount' });
		const result = await router.refund(request).catch((error: unknown) => {
			// The engine names its own field (`amount`); the user sees this node's (Refund Amount).
			if (!(error instanceof InputError)) throw error;
			throw new InputError(error.violations.map((violation) => ({ ...violation, field: violation.field === 'amount' ? 'refundAmount' : violation.field })), 'Refund');
		});
		return result.status === 'failed' ? paymentFailure('refund', { ...result }) : { output: 0, json: { ...result } };
	});
}
