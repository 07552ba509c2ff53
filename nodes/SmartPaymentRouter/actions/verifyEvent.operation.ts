import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { verifyPaymentEvent, type PaymentEventSource } from '../../../lib/payments';
import { platformCredentials } from '../../shared/platformCredentials';

const showFor = { show: { operation: ['verifyEvent'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Event Source',
		name: 'eventSource',
		type: 'options',
		options: [
			{ name: 'Stripe (Stripe-Signature)', value: 'stripe' },
			{ name: 'Square (X-Square-Hmacsha256-Signature)', value: 'square' },
		],
		default: 'stripe',
		displayOptions: showFor,
	},
	{
		displayName: 'Notification URL',
		name: 'notificationUrl',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { operation: ['verifyEvent'], eventSource: ['square'] } },
		description: 'The exact URL of your Square webhook subscription: Square signs it together with the body',
	},
	{
		displayName: 'Raw Body Binary Property',
		name: 'rawBodyProperty',
		type: 'string',
		default: 'data',
		displayOptions: showFor,
		description: 'Where the Webhook node put the raw body (its "Raw Body" option); without it the parsed body is re-serialised, which only matches compact JSON',
	},
];

/**
 * Verifies each webhook item's processor signature and reads its event from the raw body: genuine events → output 0;
 * forged ones, and signed bodies that are no event (empty, not JSON, no id or type), with the reason → output 1.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const source = this.getNodeParameter('eventSource', 0) as PaymentEventSource;
	const credential = await this.getCredentials(platformCredentials[source].type);
	const secret = String(credential.webhookSecret ?? '');
	if (!secret) throw new NodeOperationError(this.getNode(), `The ${source} credential has no webhook secret set`);
	const verified: INodeExecutionData[] = [];
	const rejected: INodeExecutionData[] = [];
	for (let item = 0; item < items.length; item++) {
		const headers = (items[item].json.headers ?? {}) as Record<string, string | undefined>;
		const rawBody = await readRawBody(this, items[item], item);
		const notificationUrl = source === 'square' ? (this.getNodeParameter('notificationUrl', item) as string) : undefined;
		const check = verifyPaymentEvent(source, { headers, rawBody, notificationUrl, nowMs: Date.now() }, secret);
		if (check.valid) verified.push({ json: { source, verified: true, event: check.event as IDataObject }, pairedItem: { item } });
		else rejected.push({ json: { source, verified: check.signed, reason: check.reason, ...(check.violations ? { invalidFields: check.violations.map((violation) => violation.field) } : {}) }, pairedItem: { item } });
	}
	return [verified, rejected];
}

async function readRawBody(context: IExecuteFunctions, item: INodeExecutionData, itemIndex: number): Promise<string> {
	const property = context.getNodeParameter('rawBodyProperty', itemIndex, 'data') as string;
	if (item.binary?.[property]) return (await context.helpers.getBinaryDataBuffer(itemIndex, property)).toString('utf8');
	// No body is an empty body (refused), never `{}`.
	return item.json.body === undefined ? '' : JSON.stringify(item.json.body);
}
