/**
 * Usage events are keyed by type, never coerced (issue 21 §1): an event id or customer id that is missing, an object,
 * NaN or a fraction, and a quantity that is not a whole number ≥ 0, are refused naming the field, and nothing is counted
 * (a String() of a missing id would count every event without one as the single event "undefined").
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import fc from 'fast-check';

import { UsageMeter, UsageValidationError, type UsageEventInput } from '../../lib/metering';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { malformedId, malformedQuantity } from '../support/malformed';

let store: StateStore;
let meter: UsageMeter;

beforeAll(async () => {
	store = await openStore({ kind: 'sqlite', file: path.join(mkdtempSync(path.join(tmpdir(), 'inputs-metering-')), 'state.sqlite') }, allMigrations);
	meter = new UsageMeter({ db: store.db, namespace: 'inputs' });
});
afterAll(() => closeAllStores());

const good: UsageEventInput = { eventId: 'use-1', customerId: 'acme', meter: 'syncs', quantity: 2 };
// Zero is a count of usage (an event that used nothing); a quantity must otherwise be a whole number.
const malformedCount = malformedQuantity.filter((value) => value !== 0 && value !== undefined && value !== null);

test.each([
	['eventId', malformedId],
	['customerId', malformedId],
	['quantity', malformedCount],
] as const)('a usage event whose %s is malformed is refused naming it; nothing is counted', async (field, values) => {
	await fc.assert(
		fc.asyncProperty(values, async (value) => {
			const error = await meter.record([good, { ...good, eventId: 'use-2', [field]: value } as UsageEventInput]).then(
				() => undefined,
				(caught: unknown) => caught,
			);
			expect(error).toBeInstanceOf(UsageValidationError);
			expect((error as UsageValidationError).violations.map((violation) => violation.field)).toEqual([field]);
			expect((error as Error).message).toContain(`${field} must be`);
		}),
		{ numRuns: 60 },
	);
	expect(await meter.repository.countEvents('inputs')).toBe(0);
});

test('a whole-number event id is its decimal text: the same event sent as 7 and "7" counts once', async () => {
	const first = await meter.record([{ ...good, eventId: 7 as unknown as string }]);
	const again = await meter.record([{ ...good, eventId: '7' }]);
	expect([first.outcomes[0].status, again.outcomes[0].status]).toEqual(['recorded', 'duplicate']);
	expect(first.outcomes[0].eventId).toBe('7');
});
