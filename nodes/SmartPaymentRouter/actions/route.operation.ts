import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachPayment, nodeRouter, paymentOutcome } from './engine';
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
	{
		displayName: 'Return URL',
		name: 'returnUrl',
		type: 'string',
		default: '',
		displayOptions: { show: { operation: ['route', 'authorize'] } },
		placeholder: 'https://shop.example/checkout/return',
		description:
			'Where the customer comes back after 3-D Secure or a processor’s approval page. With it, a payment that needs the customer goes to Action Required with a URL to send them to; without, with what the processor’s client library needs to finish it in your page (clientSecret).',
	},
];

/**
 * Charges (or authorizes) each item's payment through the best processor: succeeded or authorized → output 0, a
 * decline → output 1 (Declined), waiting for the customer (3-D Secure) → output 2 (Action Required); anything else (every processor failed, an outcome unknown, a payment id reused with
 * other details, invalid input) follows the node's On Error setting.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], authorizeOnly = false): Promise<INodeExecutionData[][]> {
	const router = await nodeRouter(this);
	return await forEachPayment(this, items, async (item) => {
		const capture = authorizeOnly ? false : (this.getNodeParameter('capture', item, true) as boolean);
		const returnUrl = this.getNodeParameter('returnUrl', item, '') as string;
		return paymentOutcome(await router.process({ ...readPayment(this, item), capture, ...(returnUrl ? { returnUrl } : {}) }));
	});
}
