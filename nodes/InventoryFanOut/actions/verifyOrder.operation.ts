import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readOrderWebhook, type OrderWebhookCheck, type OrderWebhookSource } from '../../../lib/inventory';

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

/**
 * Genuine orders, as `{orderId, sourceStore, deliveryId, lines}` → output 0 (an invalid one as sent, with `invalidFields`,
 * for Record Order or Apply to refuse by field); forged deliveries and bodies that are no order at all, with the reason → output 1.
 */
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
		// Genuine but invalid: passed on as sent, so the step that records or applies it refuses it naming the field.
		else if (check.received) verified.push({ json: { ...check.received, invalidFields: check.violations?.map((violation) => violation.field) } as IDataObject, pairedItem: { item } });
		else rejected.push({ json: rejection(source, check), pairedItem: { item } });
	}
	return [verified, rejected];
}

/** A refused delivery: `verified` says whether its signature held; a signed but invalid order names its bad fields. */
function rejection(source: OrderWebhookSource, check: Extract<OrderWebhookCheck, { valid: false }>): IDataObject {
	const fields = check.violations?.map((violation) => violation.field);
	return { source, verified: check.signed, reason: check.reason, ...(fields ? { invalidFields: fields } : {}) };
}
