import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { listedOrderWebhooks, orderWebhookSecretField, readOrderWebhook, type OrderWebhookCheck, type OrderWebhookSource } from '../../../lib/inventory';
import { credentialType } from '../../shared/platformCredentials';
import { platformDefinition, platformOptions, verifiableWebhookSources } from '../../shared/platformOptions';
import { listedWebhookStores, listOptionsOf, listSelection } from '../../shared/storeLists';
import { rawBodyProperty, sortDeliveries, webhookSecret, type DeliveryVerdict, type WebhookDelivery } from '../../shared/webhookVerification';

const showFor = { show: { operation: ['verifyOrder'] } };

const verifiableSources = verifiableWebhookSources('orderWebhooks');

/** The stores whose order webhooks this operation checks, in the catalog's order (the first is the default). */
export const verifiableOrderStores = platformOptions('orderWebhooks').filter((option) => verifiableSources.some((source) => source.value === option.value));

/** The store lists it checks: those of the verifiable stores whose deliveries name the store they come from. */
const verifiableLists = listOptionsOf(verifiableSources.map((source) => platformDefinition(source.value)).filter((definition) => definition.orderWebhooks?.sendingStore !== undefined));

export const description: INodeProperties[] = [
	{
		displayName: 'Order Source',
		name: 'orderSource',
		type: 'options',
		options: [...verifiableSources.map(({ name, value }) => ({ name, value })), ...verifiableLists],
		default: verifiableOrderStores[0]?.value ?? '',
		description: 'The store the Webhook node receives orders from; a Store List: any store of its list credential, each delivery checked with the secret of the store it names, its order\'s Source Store that store\'s (`<platform>@<label>`)',
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
	const read = await orderReader(this, source);
	const verdict = ({ headers, rawBody }: WebhookDelivery): DeliveryVerdict => {
		const check = read(headers, rawBody);
		if (check.valid) return { pass: { ...check.order } };
		// Genuine but invalid: passed on as sent, so the step that records or applies it refuses it naming the field.
		if (check.received) return { pass: { ...check.received, invalidFields: check.violations?.map((violation) => violation.field) } as IDataObject };
		return { refuse: rejection(source, check) };
	};
	return await sortDeliveries(this, items, verdict, { emptyBody: '{}' });
}

/** How a delivery is checked: with the store's credential's secret, or, for a Store List, with the secret of the listed store it names. */
async function orderReader(context: IExecuteFunctions, source: OrderWebhookSource): Promise<(headers: Record<string, string>, rawBody: string) => OrderWebhookCheck> {
	const platform = listSelection(source);
	if (platform === undefined) {
		const secret = await webhookSecret(context, source, credentialType(source), orderWebhookSecretField(source));
		return (headers, rawBody) => readOrderWebhook(source, headers, rawBody, secret);
	}
	const stores = await listedWebhookStores(context, platform);
	try {
		return listedOrderWebhooks(platform, stores.map((store) => ({ ...store, values: store.entry.values })));
	} catch (error) {
		throw new NodeOperationError(context.getNode(), `${platformDefinition(platform).displayName} Stores credential: ${(error as Error).message}`);
	}
}

/** A refused delivery: `verified` says whether its signature held; a signed but invalid order names its bad fields. */
function rejection(source: OrderWebhookSource, check: Extract<OrderWebhookCheck, { valid: false }>): IDataObject {
	const fields = check.violations?.map((violation) => violation.field);
	return { source, verified: check.signed, reason: check.reason, ...(fields ? { invalidFields: fields } : {}) };
}
