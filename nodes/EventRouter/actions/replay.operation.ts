import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { deadLetterSchema } from '../../../lib/routing';
import { itemParameters, readInput } from '../../shared/inputs';
import { failedItem, hintFailures } from '../../shared/itemFailures';
import { buildRouter, nodeOutputNames, readRoutes } from './configuration';
import { Branches, DELIVERED, deliverySummary } from './outputs';
import { eventFailure } from './route.operation';

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

/**
 * Replays dead letters through the current rules and destinations; deliveries that already succeeded are not repeated.
 * Replayed → Delivered; one that fails again (it stays a dead letter) or is not found follows On Error.
 */
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
	hintFailures(this, outcomes.filter((outcome) => outcome.status !== 'replayed').length, outcomes.length, 'dead letters');
	for (const [position, outcome] of outcomes.entries()) {
		const item = fromList ? fromList[position].item : 0;
		const { deliveries, ...rest } = outcome;
		const json = { ...rest, deliveries: deliveries.map(deliverySummary) };
		if (outcome.status === 'replayed') branches.add(DELIVERED, json, item);
		else branches.addFailure(failedItem(this, item, eventFailure(outcome.eventId || undefined, `dead letter ${outcome.deadLetterId} not replayed: ${outcome.reason ?? outcome.status}`, 'REPLAY_FAILED', json)));
		branches.addHandOffs(deliveries, item);
	}
	return branches.items;
}

/**
 * Each item's dead-letter id, checked by type (an object or a missing id is never replayed as "[object Object]" or
 * "undefined"): a bad one follows On Error (stops the node naming the field and item, or becomes that item's error).
 */
function deadLetterIds(context: IExecuteFunctions, count: number, branches: Branches): Array<{ id: string; item: number }> {
	const ids: Array<{ id: string; item: number }> = [];
	for (let item = 0; item < count; item++) {
		try {
			ids.push({ id: readInput(context, deadLetterSchema, itemParameters(context, ['deadLetterId'], item), item).deadLetterId, item });
		} catch (error) {
			branches.addFailure(failedItem(context, item, error));
		}
	}
	return ids;
}
