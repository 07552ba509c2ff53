import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { captureRequestSchema } from '../../../lib/payments';
import { InputError, itemParameters, readInput } from '../../shared/inputs';
import { forEachPayment, nodeRouter, paymentFailure } from './engine';

export const description: INodeProperties[] = [
	{
		displayName: 'Capture',
		name: 'captureScope',
		type: 'options',
		options: [
			{ name: 'All That Was Authorized', value: 'all' },
			{ name: 'Part of It', value: 'partial', description: 'An amount of your choice, at most what was authorized; the rest of the hold is released' },
		],
		default: 'all',
		displayOptions: { show: { operation: ['capture'] } },
	},
	{
		displayName: 'Capture Amount',
		name: 'captureAmount',
		type: 'number',
		required: true,
		default: 0,
		typeOptions: { numberPrecision: 2 },
		displayOptions: { show: { operation: ['capture'], captureScope: ['partial'] } },
		description: 'In major units of the payment’s currency, e.g. 30.00; more than was authorized is refused before anything is captured',
	},
];

/** Captures each item's authorized payment (all or part) once; captured → the output, refused → On Error. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const router = await nodeRouter(this);
	return await forEachPayment(this, items, async (item) => {
		const partial = this.getNodeParameter('captureScope', item, 'all') === 'partial';
		const { captureAmount, ...rest } = itemParameters(this, partial ? ['paymentId', 'captureAmount'] : ['paymentId'], item);
		const request = readInput(this, captureRequestSchema, { ...rest, amount: captureAmount }, item, { amount: 'captureAmount' });
		const result = await router.capture(request.paymentId, request.amount).catch((error: unknown) => {
			// The engine names its own field (`amount`); the user sees this node's (Capture Amount).
			if (!(error instanceof InputError)) throw error;
			throw new InputError(error.violations.map((violation) => ({ ...violation, field: violation.field === 'amount' ? 'captureAmount' : violation.field })), 'Capture');
		});
		return result.status === 'failed' ? paymentFailure('payment', { ...result }) : { output: 0, json: { ...result } };
	});
}
