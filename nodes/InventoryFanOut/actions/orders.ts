import type { INodeProperties } from 'n8n-workflow';

import { OrderIntake } from '../../../lib/inventory';
import type { StateStore } from '../../../lib/store';

/** How long an execution holds the orders it took, shared by Record Order and Resume Pending Orders. */
export const resumeAfterProperty: INodeProperties = {
	displayName: 'Resume After (Seconds)',
	name: 'resumeAfter',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 300,
	displayOptions: { show: { operation: ['recordOrder', 'resumeOrders'] } },
	description: 'How long the execution that records (or resumes) an order has to complete its steps before Resume Pending Orders takes the order over. Longer than the workflow\'s longest run.',
};

export function orderIntake(store: StateStore, resumeAfterSeconds: number): OrderIntake {
	return new OrderIntake(store.outbox, { holdMs: resumeAfterSeconds * 1000 });
}
