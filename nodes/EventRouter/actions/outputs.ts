import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { DeliveryResult } from '../../../lib/routing';
import type { NodeOutputs } from '../../shared/operationRouter';
import { nodeOutputNames } from './configuration';

/** Fixed branches first, then one per name in Node Outputs. Failures are no branch: they follow On Error. */
export const DELIVERED = 0;
export const REJECTED = 1;
export const UNMATCHED = 2;
export const FIXED_OUTPUTS = 3;

/** The node's output branches for this execution, with a helper to put an item on one. */
export class Branches {
	readonly items: INodeExecutionData[][];
	/** Each Node Outputs name's branch. */
	private readonly branchOf: Map<string, number>;

	constructor(outputNames: string[]) {
		this.items = Array.from({ length: FIXED_OUTPUTS + outputNames.length }, () => []);
		this.branchOf = new Map(outputNames.map((name, position) => [name, FIXED_OUTPUTS + position]));
	}

	add(branch: number, json: object, item: number): void {
		this.items[branch].push({ json: json as INodeExecutionData['json'], pairedItem: { item } });
	}

	/** An item that failed, as On Error decides (it throws under Stop Workflow): on the first branch, which n8n moves to its error output. */
	addFailure(item: INodeExecutionData): void {
		this.items[DELIVERED].push(item);
	}

	/** Events handed to "output" destinations leave on their named branch. */
	addHandOffs(deliveries: DeliveryResult[], item: number): void {
		for (const delivery of deliveries) {
			// The engine made what leaves on the branch, once per hand-off: no copy here.
			if (delivery.status === 'handed_off' && delivery.output && delivery.envelope) this.add(this.branchOf.get(delivery.output)!, delivery.envelope, item);
		}
	}
}

export function deliverySummary(delivery: DeliveryResult) {
	return {
		destination: delivery.destinationId,
		kind: delivery.kind,
		rule: delivery.ruleId,
		status: delivery.status,
		attempts: delivery.attempts,
		idempotencyKey: delivery.idempotencyKey,
		...(delivery.httpStatus ? { httpStatus: delivery.httpStatus } : {}),
		...(delivery.error ? { error: delivery.error } : {}),
		...(delivery.deadLetterId ? { deadLetterId: delivery.deadLetterId } : {}),
		durationMs: delivery.durationMs,
	};
}

/**
 * The outputs for this node, computed by n8n in the editor from the parameters (so it must be self-contained):
 * Delivered, Rejected (forged signatures), Unmatched and one per Node Outputs name; listing dead letters or the route
 * log has one output. Events that could not be delivered follow the node's On Error setting.
 */
export const configuredOutputs = (parameters: { operation?: string; nodeOutputs?: string }) => {
	if (parameters.operation === 'listDeadLetters') return [{ type: 'main', displayName: 'Dead Letters' }];
	if (parameters.operation === 'routeLog') return [{ type: 'main', displayName: 'Route Log' }];
	const extra = String(parameters.nodeOutputs ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name !== '');
	return ['Delivered', 'Rejected', 'Unmatched', ...extra].map((displayName) => ({ type: 'main', displayName }));
};

/**
 * Listing dead letters or the route log has one output; routing and replay have the fixed branches plus one per
 * Node Outputs name. A configuration error concerns the whole batch: it stops the node, or under Continue every item
 * is an error item.
 */
export function outputsOf(context: IExecuteFunctions, operation: string): NodeOutputs {
	if (operation === 'listDeadLetters' || operation === 'routeLog') return { count: 1, errorOutput: 0 };
	const names = nodeOutputNames(context);
	// As an agent's tool every branch reaches output 0, each item with the branch it took.
	return { count: FIXED_OUTPUTS + names.length, errorOutput: DELIVERED, outcomes: ['delivered', 'rejected', 'unmatched', ...names] };
}
