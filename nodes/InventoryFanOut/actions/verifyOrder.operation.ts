import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { orderWebhookSecretField, readOrderWebhook, type OrderWebhookCheck, type OrderWebhookSource } from '../../../lib/inventory';
import { credentialType } from '../../shared/platformCredentials';
import { platformOptions, verifiableWebhookSources } from '../../shared/platformOptions';
import { rawBodyProperty, sortDeliveries, webhookSecret, type DeliveryVerdict, type WebhookDelivery } from '../../shared/webhookVerification';

const showFor = { show: { operation: ['verifyOrder'] } };

const verifiableSources = verifiableWebhookSources('orderWebhooks');

/** The stores whose order webhooks this operation checks, in the catalog's order (the first is the default). */
export const verifiableOrderStores = platformOptions('orderWebhooks').filter((option) => verifiableSources.some((source) => source.value === option.value));

export const description: INodeProperties[] = [
	{
		displayName: 'Order Source',
		name: 'orderSource',
		type: 'options',
		options: verifiableSources.map(({ name, value }) => ({ name, value })),
		default: verifiableOrderStores[0]?.value ?? '',
		displayOptions: showFor,
	},
	rawBodyProperty('verifyOrder', 'Where the Webhook node put the raw body (its "Raw Body" option): the signature covers the exact bytes'),
];

/**
 * Genuine orders, as `{orderId, sourceStore, deliveryId, lines}` → output 0 (an invalid one as sent, with `invalidFields`,
 * for Record Order or Apply to refuse by field); forged deliveries and bodies that are no order at all, with the reason → output 1.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const source = this.getNodeParameter('orderSource', 0) as OrderWebhookSource;
	const secret = await webhookSecret(this, source, credentialType(source), orderWebhookSecretField(source));
	const verdict = ({ headers, rawBody }: WebhookDelivery): DeliveryVerdict => {
		const check = readOrderWebhook(source, headers, rawBody, secret);
		if (check.valid) return { pass: { ...check.order } };
		// Genuine but invalid: passed on as sent, so the step that records or applies it refuses it naming the field.
		if (check.received) return { pass: { ...check.received, invalidFields: check.violations?.map((violation) => violation.field) } as IDataObject };
		return { refuse: rejection(source, check) };
	};
	return await sortDeliveries(this, items, verdict, { emptyBody: '{}' });
}

/** A refused delivery: `verified` says whether its signature held; a signed but invalid order names its bad fields. */
function rejection(source: OrderWebhookSource, check: Extract<OrderWebhookCheck, { valid: false }>): IDataObject {
	const fields = check.violations?.map((violation) => violation.field);
	return { source, verified: check.signed, reason: check.reason, ...(fields ? { invalidFields: fields } : {}) };
}
