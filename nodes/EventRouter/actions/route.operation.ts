import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { EventOutcome } from '../../../lib/routing';
import { failedItem, hintFailures, type RecordFailure } from '../../shared/itemFailures';
import { buildRouter, eventFields, nodeOutputNames, rawBodies, readRoutes } from './configuration';
import { Branches, DELIVERED, deliverySummary, REJECTED, UNMATCHED } from './outputs';

export const description: INodeProperties[] = [];

type Routed = Extract<EventOutcome, { status: 'routed' }>;

function routedStatus(outcome: Routed): 'delivered' | 'failed' | 'partially_failed' {
	let failures = outcome.transformFailures.length;
	for (const delivery of outcome.deliveries) if (delivery.status === 'failed') failures++;
	if (failures === 0) return 'delivered';
	return failures < outcome.deliveries.length + outcome.transformFailures.length ? 'partially_failed' : 'failed';
}

const onlyHandedOff = (outcome: Routed) => outcome.deliveries.every((delivery) => delivery.status === 'handed_off');

function summaryOf(outcome: Routed, status: ReturnType<typeof routedStatus>) {
	const { event } = outcome;
	return { eventId: event.id, type: event.type, source: event.source, status, rules: outcome.rules, deliveries: outcome.deliveries.map(deliverySummary), transformFailures: [...outcome.transformFailures] };
}

/** What could not be delivered, and why: "accounting: HTTP 503 after 2 attempts; transform x: …". */
function undelivered(outcome: Routed): string {
	const deliveries = outcome.deliveries
		.filter((delivery) => delivery.status === 'failed')
		.map((delivery) => `${delivery.destinationId}: ${delivery.error ?? (delivery.httpStatus ? `HTTP ${delivery.httpStatus}` : 'failed')} after ${delivery.attempts} attempt(s)`);
	const transforms = outcome.transformFailures.map((failure) => `rule ${failure.ruleId} (transform): ${failure.reason}`);
	return [...deliveries, ...transforms].join('; ');
}

/**
 * Each item is one event (or a webhook item whose body holds one): routed by the rules to every matching destination.
 * Delivered and duplicate events → Delivered; forged ones → Rejected; no rule matched → Unmatched. An event some
 * destination did not take after its retries (dead-lettered for replay), and input that is no event, follow the
 * node's On Error setting.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const routes = readRoutes(this);
	const router = await buildRouter(this, routes);
	const outcomes = await router.route(
		items.map((item) => item.json),
		{ rawBodies: await rawBodies(this, items), fields: eventFields(this, items) },
	);
	const branches = new Branches(nodeOutputNames(this));
	const { handOffSummaries = false } = this.getNodeParameter('options', 0, {}) as { handOffSummaries?: boolean };
	// Counted before any item is made: an item that fails under Stop Workflow throws, and the hint is given first.
	const statuses = outcomes.map((outcome) => (outcome.status === 'routed' ? routedStatus(outcome) : undefined));
	let failures = 0;
	for (let position = 0; position < outcomes.length; position++) {
		const outcome = outcomes[position];
		if (outcome.status === 'rejected' ? !outcome.forged : statuses[position] !== undefined && statuses[position] !== 'delivered') failures++;
	}
	hintFailures(this, failures, outcomes.length, 'events');
	for (let position = 0; position < outcomes.length; position++) {
		const outcome = outcomes[position];
		const item = outcome.index;
		if (outcome.status === 'rejected') {
			const json = { status: 'rejected', reason: outcome.reason, ...(outcome.eventId ? { eventId: outcome.eventId } : {}) };
			if (outcome.forged) branches.add(REJECTED, json, item);
			else branches.addFailure(failedItem(this, item, eventFailure(outcome.eventId, outcome.reason, 'INVALID_EVENT', json)));
		} else if (outcome.status === 'unmatched') {
			branches.add(UNMATCHED, outcome.event, item);
		} else if (outcome.status === 'duplicate') {
			branches.add(DELIVERED, { eventId: outcome.event.id, type: outcome.event.type, source: outcome.event.source, status: 'duplicate' }, item);
		} else {
			const status = statuses[position]!;
			if (status !== 'delivered') branches.addFailure(failedItem(this, item, eventFailure(outcome.event.id, `not delivered to ${undelivered(outcome)}`, 'DELIVERY_FAILED', summaryOf(outcome, status))));
			// An event only handed to node outputs is on its branches already: a summary would be an item nobody asked for.
			else if (handOffSummaries || !onlyHandedOff(outcome)) branches.add(DELIVERED, summaryOf(outcome, status), item);
			branches.addHandOffs(outcome.deliveries, item);
		}
	}
	return branches.items;
}

/** An event that is no event, or that a destination did not take (dead-lettered, replayed later), named by its id. */
export function eventFailure(eventId: string | undefined, message: string, code: string, details: object): RecordFailure {
	return { subject: `event ${eventId ?? '(no id)'}`, message, code, details: details as RecordFailure['details'] };
}
