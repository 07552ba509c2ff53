import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { EventOutcome } from '../../../lib/routing';
import { buildRouter, eventFields, nodeOutputNames, rawBodies, readRoutes } from './configuration';
import { Branches, DELIVERED, deliverySummary, FAILED, UNMATCHED } from './outputs';

export const description: INodeProperties[] = [];

type Routed = Extract<EventOutcome, { status: 'routed' }>;

function routedStatus(outcome: Routed): 'delivered' | 'failed' | 'partially_failed' {
	const failures = outcome.deliveries.filter((delivery) => delivery.status === 'failed').length + outcome.transformFailures.length;
	if (failures === 0) return 'delivered';
	return failures < outcome.deliveries.length + outcome.transformFailures.length ? 'partially_failed' : 'failed';
}

const onlyHandedOff = (outcome: Routed) => outcome.deliveries.every((delivery) => delivery.status === 'handed_off');

/** Each item is one event (or a webhook item whose body holds one): routed by the rules to every matching destination. */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const routes = readRoutes(this);
	const router = await buildRouter(this, routes);
	const outcomes = await router.route(
		items.map((item) => item.json),
		{ rawBodies: await rawBodies(this, items), fields: eventFields(this, items) },
	);
	const branches = new Branches(nodeOutputNames(this));
	const { handOffSummaries = false } = this.getNodeParameter('options', 0, {}) as { handOffSummaries?: boolean };
	for (const outcome of outcomes) {
		const item = outcome.index;
		if (outcome.status === 'rejected') {
			branches.add(FAILED, { status: 'rejected', reason: outcome.reason, ...(outcome.eventId ? { eventId: outcome.eventId } : {}) }, item);
		} else if (outcome.status === 'unmatched') {
			branches.add(UNMATCHED, outcome.event, item);
		} else if (outcome.status === 'duplicate') {
			branches.add(DELIVERED, { eventId: outcome.event.id, type: outcome.event.type, source: outcome.event.source, status: 'duplicate' }, item);
		} else {
			const status = routedStatus(outcome);
			const { event } = outcome;
			// An event only handed to node outputs is on its branches already: a summary would be an item nobody asked for.
			if (status !== 'delivered' || handOffSummaries || !onlyHandedOff(outcome)) {
				branches.add(
					status === 'delivered' ? DELIVERED : FAILED,
					{ eventId: event.id, type: event.type, source: event.source, status, rules: outcome.rules, deliveries: outcome.deliveries.map(deliverySummary), transformFailures: outcome.transformFailures },
					item,
				);
			}
			branches.addHandOffs(outcome.deliveries, item);
		}
	}
	return branches.items;
}
