import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

/**
 * The Verify operations' common part (CRM Sync's Verify Webhook, Inventory Fan-out's Verify Order Webhook, Smart
 * Payment Router's Verify Processor Event): each item is a delivery the Webhook node received; its signature is checked
 * on the raw body with the secret kept in the vendor's credential, genuine deliveries leave on the first output and
 * refused ones on the second, with the reason.
 */

/** Where the Webhook node put the raw body (its "Raw Body" option). */
export function rawBodyProperty(operation: string, description: string): INodeProperties {
	return {
		displayName: 'Raw Body Binary Property',
		name: 'rawBodyProperty',
		type: 'string',
		default: 'data',
		displayOptions: { show: { operation: [operation] } },
		description,
	};
}

export const RAW_BODY_OR_COMPACT_JSON = 'Where the Webhook node put the raw body (its "Raw Body" option); without it the parsed body is re-serialised, which only matches compact JSON';

/** One delivery: the item's headers as the Webhook node gave them, and the body the signature covers. */
export interface WebhookDelivery {
	itemIndex: number;
	headers: Record<string, string>;
	rawBody: string;
}

/** What a check makes of a delivery: passed on (its item) or refused (the reason and what was found). */
export type DeliveryVerdict = { pass: IDataObject } | { refuse: IDataObject };

/**
 * The webhook secret kept in the vendor's credential; a credential without one stops the node (every delivery would be
 * refused, which hides the cause).
 */
export async function webhookSecret(context: IExecuteFunctions, source: string, credentialType: string, field = 'webhookSecret'): Promise<string> {
	const secret = String((await context.getCredentials(credentialType))[field] ?? '');
	if (!secret) throw new NodeOperationError(context.getNode(), `The ${source} credential has no webhook secret set`);
	return secret;
}

/**
 * The raw body of an item's delivery: the binary property the Webhook node's "Raw Body" option filled, else the parsed
 * body as compact JSON (`emptyBody` when there is none).
 */
export async function readRawBody(context: IExecuteFunctions, item: INodeExecutionData, itemIndex: number, emptyBody = ''): Promise<string> {
	const property = context.getNodeParameter('rawBodyProperty', itemIndex, 'data') as string;
	if (item.binary?.[property]) return (await context.helpers.getBinaryDataBuffer(itemIndex, property)).toString('utf8');
	return item.json.body === undefined ? emptyBody : JSON.stringify(item.json.body);
}

/** Checks every delivery: passed → output 0, refused → output 1, each paired with its item. */
export async function sortDeliveries(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	check: (delivery: WebhookDelivery) => DeliveryVerdict,
	options: { emptyBody?: string } = {},
): Promise<INodeExecutionData[][]> {
	const passed: INodeExecutionData[] = [];
	const refused: INodeExecutionData[] = [];
	for (const [itemIndex, item] of items.entries()) {
		const headers = (item.json.headers ?? {}) as Record<string, string>;
		const rawBody = await readRawBody(context, item, itemIndex, options.emptyBody);
		const verdict = check({ itemIndex, headers, rawBody });
		if ('pass' in verdict) passed.push({ json: verdict.pass, pairedItem: { item: itemIndex } });
		else refused.push({ json: verdict.refuse, pairedItem: { item: itemIndex } });
	}
	return [passed, refused];
}
