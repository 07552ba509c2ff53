import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachPayment, nodeRouter, paymentFailure } from './engine';
import { readPayment } from './paymentProperties';

export const description: INodeProperties[] = [
	{
		displayName: 'Capture',
		name: 'capture',
		type: 'boolean',
		default: true,
		displayOptions: { show: { operation: ['route'] } },
		description:
			'Whether to capture the payment at once. Off: authorize only (status authorized, as Authorize Payment does), then capture it or void it with Capture Payment or Void Authorization before its expiresAt.',
	},
];

/**
 * Charges (or authorizes) each item's payment through the best processor: succeeded or authorized → output 0, a
 * decline → output 1 (Declined); anything else (every processor failed, an outcome unknown, a payment id reused with
 * other details, invalid input) follows the node's On Error setting.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], authorizeOnly = false): Promise<INodeExecutionData[][]> {
	const router = await nodeRouter(this);
	return await forEachPayment(this, items, async (item) => {
		const capture = authorizeOnly ? false : (this.getNodeParameter('capture', item, true) as boolean);
		const result = await router.process({ ...readPayment(this, item), capture });
		if (result.status !== 'failed') return { output: 0, json: { ...result } };
		return result.reason === 'hard_decline' ? { output: 1, json: { ...result } } : paymentFailure('payment', { ...result });
	});
}
