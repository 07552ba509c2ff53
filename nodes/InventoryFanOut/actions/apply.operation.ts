import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { orderMovements, type OrderEvent, type StockMovement } from '../../../lib/inventory';
import { nodeStore } from '../../shared/engineContext';
import { toNodeError } from '../../shared/errors';
import { parseJsonParameter } from '../../shared/jsonParameter';
import { buildFanOut, splitOutcomes } from './common';

const showFor = { show: { operation: ['apply'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Movement Kind',
		name: 'kind',
		type: 'options',
		options: [
			{ name: 'Correction (Signed Quantity)', value: 'correction' },
			{ name: 'Refund (Adds Back)', value: 'refund' },
			{ name: 'Restock (Adds)', value: 'restock' },
			{ name: 'Sale (Takes Off)', value: 'sale' },
		],
		default: 'sale',
		displayOptions: showFor,
	},
	{
		displayName: 'Order ID',
		name: 'orderId',
		type: 'string',
		default: '={{ $json.orderId }}',
		required: true,
		displayOptions: showFor,
		description: 'With the line ID and store, what makes a change happen once however often it arrives',
	},
	{
		displayName: 'Source Store',
		name: 'sourceStore',
		type: 'string',
		default: '={{ $json.sourceStore }}',
		displayOptions: showFor,
		description: 'The store where the order was placed (shopify, woocommerce, magento, bigcommerce): its stock already changed, so it is skipped. Empty applies to every store.',
	},
	{
		displayName: 'Line Items',
		name: 'lines',
		type: 'json',
		default: '={{ $json.lines }}',
		required: true,
		displayOptions: showFor,
		description: 'Array of {lineId, sku, quantity}; a correction\'s quantity carries its sign',
	},
	{
		displayName: 'Delivery ID',
		name: 'deliveryId',
		type: 'string',
		default: '={{ $json.deliveryId ?? "" }}',
		displayOptions: showFor,
		description: 'The vendor\'s webhook delivery id; a delivery seen before is dropped whole',
	},
];

function readOrder(context: IExecuteFunctions, item: number): OrderEvent {
	const raw = context.getNodeParameter('lines', item);
	const lines = parseJsonParameter<OrderEvent['lines']>(context, raw, 'Line Items', item);
	if (!Array.isArray(lines)) throw new NodeOperationError(context.getNode(), 'Line Items must be an array of {lineId, sku, quantity}', { itemIndex: item });
	return {
		orderId: String(context.getNodeParameter('orderId', item)),
		sourceStore: String(context.getNodeParameter('sourceStore', item) ?? ''),
		deliveryId: String(context.getNodeParameter('deliveryId', item, '') ?? '') || undefined,
		lines: lines.map((line, index) => ({ lineId: String(line.lineId ?? index + 1), sku: String(line.sku), quantity: Number(line.quantity) })),
	};
}

/** Each item is one order or movement: every store but the source changes once; applied → output 0, pending/failed → output 1. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const store = await nodeStore(this);
	const fanOut = await buildFanOut(this, store);
	const kind = this.getNodeParameter('kind', 0) as StockMovement['kind'];
	const results = await Promise.all(
		items.map(async (_, item) => {
			try {
				const order = readOrder(this, item);
				const movements = orderMovements(order, kind);
				const delivery = order.deliveryId ? { source: order.sourceStore || 'manual', id: order.deliveryId } : undefined;
				const result = await fanOut.apply(movements, delivery);
				if (result.duplicateDelivery) return { item, duplicate: { orderId: order.orderId, deliveryId: order.deliveryId, duplicateDelivery: true } };
				return { item, outcomes: result.outcomes.map((outcome) => ({ ...outcome, item })) };
			} catch (error) {
				if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, item);
				return { item, failure: (error as Error).message };
			}
		}),
	);
	const [applied, errors] = splitOutcomes(results.flatMap((result) => result.outcomes ?? []));
	for (const result of results) {
		if (result.duplicate) applied.push({ json: result.duplicate, pairedItem: { item: result.item } });
		if (result.failure) errors.push({ json: { error: result.failure }, pairedItem: { item: result.item } });
	}
	return [applied, errors];
}
