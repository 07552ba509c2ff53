import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { orderInputSchema, orderMovements, type MovementKind, type OrderEvent, type StoreOutcome } from '../../../lib/inventory';
import { nodeStore } from '../../shared/engineContext';
import { itemParameters, jsonInput, readInput } from '../../shared/inputs';
import { failedItem } from '../../shared/itemFailures';
import { buildFanOut, splitOutcomes } from './engine';
import { orderProperties } from './orders';
import { storeIds } from './properties';

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
	...orderProperties('apply', {
		orderId: 'With the line ID and store, what makes a change happen once however often it arrives',
		sourceStore: `The store where the order was placed (${storeIds}): its stock already changed, so it is skipped. Empty applies to every store.`,
		lines: 'Array of {lineId, sku, quantity}; a correction\'s quantity carries its sign',
	}),
	{
		displayName: 'Delivery ID',
		name: 'deliveryId',
		type: 'string',
		default: '={{ $json.deliveryId ?? "" }}',
		displayOptions: showFor,
		description: 'The vendor\'s webhook delivery id; a delivery seen before is dropped whole',
	},
];

/** The item's order, checked by type (a line with quantity "2", 1.5 or -3, or without a SKU, refuses the whole order). */
function readOrder(context: IExecuteFunctions, item: number, kind: MovementKind): OrderEvent {
	const lines = jsonInput(context, context.getNodeParameter('lines', item), 'lines', item);
	const order = readInput(context, orderInputSchema(kind), { ...itemParameters(context, ['orderId', 'sourceStore', 'deliveryId'], item), lines }, item);
	return {
		orderId: order.orderId,
		sourceStore: order.sourceStore ?? '',
		deliveryId: order.deliveryId,
		lines: order.lines.map((line, index) => ({ lineId: line.lineId ?? String(index + 1), sku: line.sku, quantity: line.quantity })),
	};
}

/** One item's changes (and, for a delivery seen before, what it says), or why it could not be applied. */
type ItemResult = { item: number; outcomes: Array<StoreOutcome & { item: number }>; duplicate?: IDataObject } | { item: number; error: unknown };

/** Each item is one order or movement: every store but the source changes once; applied → Applied, pending → Pending, refused or invalid → On Error. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const store = await nodeStore(this);
	const fanOut = await buildFanOut(this, store);
	const kind = this.getNodeParameter('kind', 0) as MovementKind;
	const results = await Promise.all(
		items.map(async (_, item): Promise<ItemResult> => {
			try {
				const order = readOrder(this, item, kind);
				const movements = orderMovements(order, kind);
				const delivery = order.deliveryId ? { source: order.sourceStore || 'manual', id: order.deliveryId } : undefined;
				const result = await fanOut.apply(movements, delivery);
				const outcomes = result.outcomes.map((outcome) => ({ ...outcome, item }));
				// A delivery seen before still reports the changes it finished for an earlier, interrupted run.
				if (result.duplicateDelivery) return { item, outcomes, duplicate: { orderId: order.orderId, deliveryId: order.deliveryId, duplicateDelivery: true } };
				// An order cancelled before its sale came takes nothing off: said on Applied, so the order's step completes.
				if (result.voidedOrders.length > 0) return { item, outcomes, duplicate: { orderId: order.orderId, voided: true, reason: 'cancelled before its sale was recorded: nothing taken off' } };
				return { item, outcomes };
			} catch (error) {
				return { item, error };
			}
		}),
	);
	// Invalid orders first (they stop the node under Stop Workflow), then the changes each store refused.
	const invalid = results.flatMap((result) => ('error' in result ? [failedItem(this, result.item, result.error)] : []));
	const [applied, pending] = splitOutcomes(this, results.flatMap((result) => ('outcomes' in result ? result.outcomes : [])));
	for (const result of results) {
		if ('duplicate' in result && result.duplicate) applied.push({ json: result.duplicate, pairedItem: { item: result.item } });
	}
	return [[...applied, ...invalid], pending];
}
