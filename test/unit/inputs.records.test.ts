/**
 * Record keys are checked by type, never coerced (issue 21 §1): a CRM record id, a purchase's order id or store, a
 * conflict's record key or review id that is missing, an object, NaN or a fraction is refused naming the field, and no
 * platform sees a write and nothing is stored ("[object Object]" would be linked as an id, "undefined" counted once for all).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';

import { conflictState, decideReview, resolveTwoWay } from '../../lib/conflict';
import { allMigrations } from '../../lib/migrations';
import { InputError } from '../../lib/records/inputSchema';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { recordPurchase, type Purchase } from '../../lib/sync/purchases';
import { pushRecords } from '../../lib/sync/push';
import { malformedId } from '../support/malformed';
import { FakeCrm, fakeMappings } from './crmFakeConnector';

let store: StateStore;
beforeAll(async () => {
	store = await openStore({ kind: 'sqlite', file: join(mkdtempSync(join(tmpdir(), 'inputs-records-')), 'state.db') }, allMigrations);
});
afterAll(() => closeAllStores());

async function refusal(promise: Promise<unknown>): Promise<InputError> {
	const error = await promise.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(InputError);
	return error as InputError;
}

const present = (value: unknown) => value !== undefined && value !== null && value !== '';

test('a pushed record whose id is of the wrong type fails by name and is never written or linked', async () => {
	const hubspot = new FakeCrm('hubspot');
	await fc.assert(
		fc.asyncProperty(malformedId.filter(present), async (recordId) => {
			const result = await pushRecords({ store, connector: hubspot, integration: 'inputs', entity: 'contacts', mappings: fakeMappings, records: [{ id: recordId as string, email: 'a@x.test' }], runId: 'r' });
			expect(result.outcomes).toEqual([expect.objectContaining({ status: 'failed', error: expect.objectContaining({ code: 'INVALID_ID', message: expect.stringContaining('id must be') }) })]);
		}),
		{ numRuns: 50 },
	);
	expect(hubspot.calls.filter((call) => call.kind === 'write')).toEqual([]);
	expect(hubspot.records.size).toBe(0);
	const linked = await store.idMap.externalIds({ integration: 'inputs', platform: 'hubspot', entity: 'contacts' }, ['[object Object]', 'NaN', 'true', '1.5']);
	expect(linked.size).toBe(0);
});

test.each(['orderId', 'platform'] as const)('a purchase whose %s is malformed is refused naming it; nothing is recorded or written', async (field) => {
	const hubspot = new FakeCrm('hubspot');
	const purchase: Purchase = { platform: 'shopify', orderId: 'o-1', customerEmail: 'ada@example.com', amount: 1000, purchasedAt: '2026-01-01T00:00:00.000Z' };
	await fc.assert(
		fc.asyncProperty(malformedId, async (value) => {
			const error = await refusal(recordPurchase({ store, connector: hubspot, integration: 'inputs', purchase: { ...purchase, [field]: value } as Purchase, runId: 'r' }));
			expect(error.violations.map((violation) => violation.field)).toEqual([field]);
		}),
		{ numRuns: 50 },
	);
	expect(hubspot.calls).toEqual([]);
	expect(await store.db.query('SELECT * FROM purchases')).toEqual([]);
});

test('a purchase without an integration name is refused naming it', async () => {
	const purchase: Purchase = { platform: 'shopify', orderId: 'o-2', customerEmail: 'ada@example.com', amount: 1000, purchasedAt: '2026-01-01T00:00:00.000Z' };
	const error = await refusal(recordPurchase({ store, connector: new FakeCrm('hubspot'), integration: undefined as unknown as string, purchase, runId: 'r' }));
	expect(error.violations.map((violation) => violation.field)).toEqual(['integration']);
});

describe('the conflict resolver', () => {
	const options = { scope: 'inputs', strategy: 'lastWriteWins' as const, tieBreak: 'local' as const, fieldPolicies: [], saveBase: true };

	test('refuses a record whose key or versions are of the wrong type, naming them; no base is saved', async () => {
		await fc.assert(
			fc.asyncProperty(malformedId, fc.constantFrom('local', 'external', 'base'), fc.oneof(fc.string(), fc.integer(), fc.array(fc.integer(), { maxLength: 2 }), fc.boolean()), async (recordKey, side, version) => {
				const keyError = await refusal(resolveTwoWay(store, [{ recordKey: recordKey as string, local: {}, external: {} }], options));
				expect(keyError.violations.map((violation) => violation.field)).toEqual(['records[0].recordKey']);
				const versionError = await refusal(resolveTwoWay(store, [{ recordKey: 'r1', local: {}, external: {}, [side]: version } as never], options));
				expect(versionError.violations.map((violation) => violation.field)).toEqual([`records[0].${side}`]);
			}),
			{ numRuns: 50 },
		);
		expect(await conflictState(store).bases.getMany('inputs', ['r1', 'undefined', '[object Object]'])).toEqual(new Map());
	});

	test('refuses a decision without a review id by name, never a database binding error', async () => {
		await fc.assert(
			fc.asyncProperty(malformedId, async (reviewId) => {
				const error = await refusal(decideReview(store, reviewId as string, {}, { markApplied: true }));
				expect(error.violations.map((violation) => violation.field)).toEqual(['reviewId']);
			}),
			{ numRuns: 50 },
		);
	});
});
