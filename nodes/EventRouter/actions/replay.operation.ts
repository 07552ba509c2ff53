import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { deadLetterSchema } from '../../../lib/routing';
import { toNodeError } from '../../shared/errors';
import { InputViolationError, itemParameters, readInput } from '../../shared/inputs';
import { buildRouter, nodeOutputNames, readRoutes } from './configuration';
import { Branches, DELIVERED, deliverySummary, FAILED } from './outputs';

const show = (extra: Record<string, unknown[]> = {}) => ({ displayOptions: { show: { operation: ['replay'], ...extra } } });

export const description: INodeProperties[] = [
	{
		displayName: 'Replay',
		name: 'replayScope',
		type: 'options',
		options: [
			{ name: 'Dead Letters From Input Items', value: 'items', description: 'Each input item names one dead letter (e.g. from List Dead Letters)' },
			{ name: 'All Dead Letters', value: 'all', description: 'Every dead letter not yet replayed, oldest first, up to the limit' },
		],
		default: 'items',
		...show(),
	},
	{
		displayName: 'Dead Letter ID',
		name: 'deadLetterId',
		type: 'string',
		default: '={{ $json.id }}',
		required: true,
		...show({ replayScope: ['items'] }),
	},
	{ displayName: 'Limit', name: 'replayLimit', type: 'number', typeOptions: { minValue: 1 }, default: 100, description: 'Max number of dead letters to replay', ...show({ replayScope: ['all'] }) },
];

/** Replays dead letters through the current rules and destinations; deliveries that already succeeded are not repeated. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const routes = readRoutes(this);
	const router = await buildRouter(this, routes);
	const fromItems = this.getNodeParameter('replayScope', 0) === 'items';
	const branches = new Branches(nodeOutputNames(this));
	const fromList = fromItems ? deadLetterIds(this, items.length, branches) : undefined;
	const ids = fromList
		? fromList.map(({ id }) => id)
		: (await router.repository.deadLetters({ status: 'dead', limit: this.getNodeParameter('replayLimit', 0, 100) as number })).map((letter) => letter.id);
	const outcomes = await router.replay(ids);
	for (const [position, outcome] of outcomes.entries()) {
		const item = fromList ? fromList[position].item : 0;
		const { deliveries, ...rest } = outcome;
		branches.add(outcome.status === 'replayed' ? DELIVERED : FAILED, { ...rest, deliveries: deliveries.map(deliverySummary) }, item);
		branches.addHandOffs(deliveries, item);
	}
	return branches.items;
}

/**
 * Each item's dead-letter id, checked by type (an object or a missing id is never replayed as "[object Object]" or
 * "undefined"): a bad one stops the node naming the field and item, or under Continue becomes that item's error.
 */
function deadLetterIds(context: IExecuteFunctions, count: number, branches: Branches): Array<{ id: string; item: number }> {
	const ids: Array<{ id: string; item: number }> = [];
	for (let item = 0; item < count; item++) {
		try {
			ids.push({ id: readInput(context, deadLetterSchema, itemParameters(context, ['deadLetterId'], item), item).deadLetterId, item });
		} catch (error) {
			const nodeError = toNodeError(context.getNode(), error, item);
			if (!context.continueOnFail()) throw nodeError;
			branches.add(FAILED, nodeError instanceof InputViolationError ? nodeError.itemJson() : { error: nodeError.message }, item);
		}
	}
	return ids;
}
