/** The event set the metering concurrency test's processes all record, and how each shuffles it. */
import { validatePlan, type Plan, type UsageEventInput } from '../../lib/metering';

export const RACE_EVENTS = 600;
export const RACE_CUSTOMERS = ['acme', 'globex', 'initech'];

export function racePlan(): Plan {
	return validatePlan({ id: 'race', currency: 'USD', charges: [{ meter: 'syncs', model: 'per_unit', included: 400, unitPrice: '0.01' }, { meter: 'transactions', model: 'per_transaction', fixed: '0.10', percent: '0.5' }] });
}

/** Deterministic: event i belongs to customer i mod 3, in November 2026, with a quantity and an amount. */
export function raceEvents(plan: Plan): UsageEventInput[] {
	return Array.from({ length: RACE_EVENTS }, (_, index) => ({
		eventId: `evt-${index}`,
		customerId: RACE_CUSTOMERS[index % RACE_CUSTOMERS.length],
		meter: index % 5 === 0 ? 'transactions' : 'syncs',
		quantity: 1 + (index % 4),
		amount: index % 5 === 0 ? `${index}.${String(index % 100).padStart(2, '0')}` : undefined,
		currency: 'USD',
		timestamp: Date.UTC(2026, 10, 1 + (index % 28), index % 24),
		plan,
	}));
}

/** A different order per worker (a seeded Fisher–Yates shuffle). */
export function raceShuffle<T>(items: T[], seed: number): T[] {
	const shuffled = [...items];
	let state = (seed + 1) * 2654435761;
	for (let index = shuffled.length - 1; index > 0; index--) {
		state = (Math.imul(state, 1103515245) + 12345) >>> 0;
		const other = state % (index + 1);
		[shuffled[index], shuffled[other]] = [shuffled[other], shuffled[index]];
	}
	return shuffled;
}
