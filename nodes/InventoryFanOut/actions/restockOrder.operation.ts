import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { orderKey, repeatedLines, returnInputSchema, WHOLE_ORDER, type ReturnRequest, type ReturnResult } from '../../../lib/inventory';
import { nodeStore } from '../../shared/engineContext';
import { toNodeError } from '../../shared/errors';
import { InputViolationError, itemParameters, jsonInput, readInput } from '../../shared/inputs';
import { buildFanOut, splitOutcomes } from './engine';
import { storeIds } from './properties';

const showFor = { show: { operation: ['restockOrder'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Order ID',
		name: 'orderId',
		type: 'string',
		default: '={{ $json.orderId }}',
		required: true,
		displayOptions: showFor,
		description: 'The cancelled or refunded order, as its store numbers it (the Order Trigger\'s `orderId`)',
	},
	{
		displayName: 'Source Store',
		name: 'sourceStore',
		type: 'string',
		default: '={{ $json.sourceStore }}',
		required: true,
		displayOptions: showFor,
		description: `The store where the order was placed (${storeIds}): it restocks itself, so it is skipped`,
	},
	{
		displayName: 'Restock Kind',
		name: 'restockKind',
		type: 'options',
		options: [
			{ name: 'Refund', value: 'refund', description: 'The order (or some of its lines) was refunded' },
			{ name: 'Restock', value: 'restock', description: 'The order was cancelled' },
		],
		default: 'restock',
		displayOptions: showFor,
		description: 'Recorded with each change, and the reason given to the stores that keep one with a stock change',
	},
	{
		displayName: 'Return Key',
		name: 'returnKey',
		type: 'string',
		default: `={{ $json.returnKey ?? "${WHOLE_ORDER}" }}`,
		displayOptions: showFor,
		description: `What makes this restock happen once: "${WHOLE_ORDER}" for a cancellation or a full refund (every such event of one order is the same restock), the store's refund ID for a refund of some lines`,
	},
	{
		displayName: 'Returned Lines',
		name: 'returnLines',
		type: 'json',
		default: '={{ $json.returnLines }}',
		displayOptions: showFor,
		description: 'Array of {lineId, quantity} (the order\'s own line IDs); empty gives back every line of the order, whole. A quantity above what is left of a line gives back what is left.',
	},
];

/** The node's fields, named as the panel names them, each checked as the engine checks it. */
const restockSchema = {
	orderId: returnInputSchema.orderId,
	sourceStore: returnInputSchema.sourceStore,
	restockKind: returnInputSchema.kind,
	returnKey: returnInputSchema.key,
	returnLines: returnInputSchema.lines,
};

/** The item's restock, checked by type: a line with quantity "2", 1.5 or -3, or one listed twice, refuses the item. */
function readReturn(context: IExecuteFunctions, item: number): ReturnRequest {
	const parameters = itemParameters(context, ['orderId', 'sourceStore', 'restockKind', 'returnKey'], item);
	const returnLines = jsonInput(context, context.getNodeParameter('returnLines', item, ''), 'returnLines', item);
	const checked = readInput(context, restockSchema, { ...parameters, returnLines }, item);
	const repeated = repeatedLines(checked.returnLines ?? [], 'returnLines');
	if (repeated.length > 0) throw new InputViolationError(context.getNode(), repeated, item);
	// The order as its sale was recorded: namespaced by its store, as Record Order and Apply keyed it.
	return { orderId: orderKey(checked), kind: checked.restockKind, key: checked.returnKey ?? WHOLE_ORDER, lines: checked.returnLines };
}

/** When no store changed: why (never sold here, cancelled before its sale, already given back), so the flow goes on. */
function summary(result: ReturnResult): IDataObject | undefined {
	if (result.outcomes.length > 0) return undefined;
	return { orderId: result.orderId, restocked: false, reason: reasonNothingChanged(result), lines: result.lines.map(({ soldLineId, sku, quantity, status }) => ({ lineId: soldLineId, sku, quantity, status })) };
}

function reasonNothingChanged(result: ReturnResult): string {
	if (result.voided) return 'no sale of this order was recorded: the order is void, and its sale, if it comes, takes nothing off';
	if (!result.sold) return 'no sale of this order was recorded';
	if (result.lines.length === 0) return 'no line to give back';
	if (result.lines.every((line) => line.status === 'not_sold')) return 'none of these lines was sold';
	return 'already given back';
}

/** Each item is one cancelled or refunded order: what its sale took off comes back once on every other store. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const store = await nodeStore(this);
	const fanOut = await buildFanOut(this, store);
	const results = await Promise.all(
		items.map(async (_, item) => {
			try {
				const result = await fanOut.returnOrder(readReturn(this, item));
				return { item, outcomes: result.outcomes.map((outcome) => ({ ...outcome, item })), summary: summary(result) };
			} catch (error) {
				const nodeError = toNodeError(this.getNode(), error, item);
				if (!this.continueOnFail()) throw nodeError;
				return { item, failure: nodeError instanceof InputViolationError ? nodeError.itemJson() : { error: nodeError.message } };
			}
		}),
	);
	const [applied, pending] = splitOutcomes(this, results.flatMap((result) => result.outcomes ?? []));
	for (const result of results) {
		if (result.summary) applied.push({ json: result.summary, pairedItem: { item: result.item } });
		// An error item (On Error: Continue), which "Continue (using error output)" moves to n8n's error output.
		if (result.failure) applied.push({ json: result.failure, pairedItem: { item: result.item } });
	}
	return [applied, pending];
}
