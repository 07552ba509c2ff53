import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readOrderWebhook, type OrderWebhookSource } from '../../../lib/inventory';

const showFor = { show: { operation: ['verifyOrder'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Order Source',
		name: 'orderSource',
		type: 'options',
		options: [
			{ name: 'Shopify (X-Shopify-Hmac-Sha256)', value: 'shopify' },
			{ name: 'WooCommerce (X-WC-Webhook-Signature)', value: 'woocommerce' },
		],
		default: 'shopify',
		displayOptions: showFor,
	},
	{
		displayName: 'Raw Body Binary Property',
		name: 'rawBodyProperty',
		type: 'string',
		default: 'data',
		displayOptions: showFor,
		description: 'Where the Webhook node put the raw body (its "Raw Body" option): the signature covers the exact bytes',
	},
];

const secretOf: Record<OrderWebhookSource, string> = { shopify: 'integrationShopifyApi', woocommerce: 'integrationWooCommerceApi' };

/** Verified orders, as `{orderId, sourceStore, deliveryId, lines}` → output 0; forged or malformed deliveries, with the reason → output 1. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const source = this.getNodeParameter('orderSource', 0) as OrderWebhookSource;
	const secret = String((await this.getCredentials(secretOf[source])).webhookSecret ?? '');
	if (!secret) throw new NodeOperationError(this.getNode(), `The ${source} credential has no webhook secret set`);
	const verified: INodeExecutionData[] = [];
	const rejected: INodeExecutionData[] = [];
	for (let item = 0; item < items.length; item++) {
		const headers = (items[item].json.headers ?? {}) as Record<string, string>;
		const property = this.getNodeParameter('rawBodyProperty', item, 'data') as string;
		const rawBody = items[item].binary?.[property]
			? (await this.helpers.getBinaryDataBuffer(item, property)).toString('utf8')
			: JSON.stringify(items[item].json.body ?? {});
		const check = readOrderWebhook(source, headers, rawBody, secret);
		if (check.valid) verified.push({ json: { ...check.order }, pairedItem: { item } });
		else rejected.push({ json: { source, verified: false, reason: check.reason }, pairedItem: { item } });
	}
	return [verified, rejected];
}
