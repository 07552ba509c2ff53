/** Field-by-field conflict resolution, the review queue and the two-way resolver on a real SQLite store. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { conflictState, decideReview, resolveTwoWay, resolveVersions, ReviewQueue } from '../../lib/conflict';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';

const base = { name: 'Ann', email: 'ann@x.test', address: { city: 'Oslo', zip: '0150' }, tier: 'gold' };

describe('resolveVersions', () => {
	it('takes a change made on one side only, field by field, including nested fields', () => {
		const result = resolveVersions(base, [
			{ side: 'local', fields: { ...base, name: 'Annie' } },
			{ side: 'external', fields: { ...base, address: { city: 'Bergen', zip: '0150' } } },
		], { strategy: { kind: 'manual' } });
		expect(result.conflicts).toEqual([]);
		expect(result.merged).toEqual({ ...base, name: 'Annie', address: { city: 'Bergen', zip: '0150' } });
		expect(result.updates).toEqual({ local: { address: { city: 'Bergen' } }, external: { name: 'Annie' } });
	});

	it('sees no conflict when both sides made the same change, or a blank became another blank', () => {
		const result = resolveVersions({ ...base, phone: null }, [
			{ side: 'local', fields: { name: 'Anne', phone: '' } },
			{ side: 'external', fields: { name: 'Anne' } },
		], { strategy: { kind: 'manual' } });
		expect(result.conflicts).toEqual([]);
		expect(result.decisions).toEqual([expect.objectContaining({ field: 'name', reason: 'sameValue', value: 'Anne' })]);
	});

	it('decides a lone version field by field, as with a policy that leaves its fields to the strategy', () => {
		const lone = [{ side: 'external', fields: { name: 'Annie', address: { city: 'Bergen', zip: '0150' }, tier: ' ' } }];
		const alone = resolveVersions(base, lone, { strategy: { kind: 'manual' } });
		const withPolicy = resolveVersions(base, lone, { strategy: { kind: 'manual' }, fieldPolicies: [{ field: 'email', policy: 'twoWay' }] });
		expect(alone.merged).toEqual({ ...base, name: 'Annie', address: { city: 'Bergen', zip: '0150' }, tier: ' ' });
		expect(alone.decisions).toEqual([
			{ field: 'name', changedBy: ['external'], conflict: false, reason: 'oneSide', winner: 'external', value: 'Annie' },
			{ field: 'address.city', changedBy: ['external'], conflict: false, reason: 'oneSide', winner: 'external', value: 'Bergen' },
			{ field: 'tier', changedBy: ['external'], conflict: false, reason: 'oneSide', winner: 'external', value: ' ' },
		]);
		expect([alone.conflicts, alone.review]).toEqual([[], []]);
		expect(alone.decisions).toEqual(withPolicy.decisions);
		expect(alone.merged).toEqual(withPolicy.merged);
		expect(alone.updates).toEqual(withPolicy.updates);
		expect(resolveVersions(undefined, lone, { strategy: { kind: 'manual' } }).decisions.map((decision) => decision.field)).toEqual(['name', 'address.city', 'address.zip']);
	});

	it('last write wins by modified time, and an equal time goes to the priority side every time', () => {
		const versions = (localAt: string, externalAt: string) => [
			{ side: 'local', fields: { name: 'Local' }, modifiedAt: localAt },
			{ side: 'external', fields: { name: 'External' }, modifiedAt: externalAt },
		];
		const lww = { strategy: { kind: 'lastWriteWins' as const } };
		expect(resolveVersions(base, versions('2026-01-02T00:00:00Z', '2026-01-01T00:00:00Z'), lww).merged.name).toBe('Local');
		expect(resolveVersions(base, versions('2026-01-01T00:00:00Z', '1767312000000'), lww).merged.name).toBe('External');
		const tie = versions('2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
		expect(resolveVersions(base, tie, lww).merged.name).toBe('External');
		expect(resolveVersions(base, tie, { ...lww, sidePriority: ['local'] }).merged.name).toBe('Local');
		expect(resolveVersions(base, [...tie].reverse(), { ...lww, sidePriority: ['local'] }).merged.name).toBe('Local');
	});

	it('prefers a named side only where both changed a field', () => {
		const result = resolveVersions(base, [
			{ side: 'local', fields: { name: 'Local', tier: 'silver' }, modifiedAt: 1 },
			{ side: 'external', fields: { name: 'External', email: 'new@x.test' }, modifiedAt: 2 },
		], { strategy: { kind: 'prefer', side: 'local' } });
		expect(result.merged).toMatchObject({ name: 'Local', tier: 'silver', email: 'new@x.test' });
		expect(result.conflicts).toEqual(['name']);
	});

	it('sends conflicting fields to review and keeps their base value, applying the rest', () => {
		const result = resolveVersions(base, [
			{ side: 'local', fields: { name: 'Local', tier: 'silver' } },
			{ side: 'external', fields: { name: 'External' } },
		], { strategy: { kind: 'manual' } });
		expect(result.review).toEqual(['name']);
		expect(result.merged).toMatchObject({ name: 'Ann', tier: 'silver' });
		expect(result.updates.external).toEqual({ tier: 'silver' });
	});

	it('applies per-field policies: owner, prefer unless blank, ignore', () => {
		const result = resolveVersions(base, [
			{ side: 'local', fields: { email: 'local@x.test', tier: '', name: 'Local' }, modifiedAt: 1 },
			{ side: 'external', fields: { email: 'ext@x.test', tier: 'platinum', name: 'External' }, modifiedAt: 2 },
		], {
			strategy: { kind: 'manual' },
			fieldPolicies: [
				{ field: 'email', policy: 'owner', side: 'local' },
				{ field: 'tier', policy: 'preferUnlessBlank', side: 'local' },
				{ field: 'name', policy: 'ignore' },
			],
		});
		expect(result.merged).toMatchObject({ email: 'local@x.test', tier: 'platinum', name: 'Ann' });
		expect(result.review).toEqual([]);
		expect(result.updates.local).toEqual({ tier: 'platinum' });
		expect(result.updates.external).toEqual({ email: 'local@x.test' });
	});

	it('lets the owner undo a change the other side made alone', () => {
		const result = resolveVersions(base, [{ side: 'external', fields: { email: 'hijack@x.test' } }], {
			strategy: { kind: 'lastWriteWins' },
			fieldPolicies: [{ field: 'email', policy: 'owner', side: 'local' }],
		});
		expect(result.merged.email).toBe('ann@x.test');
		expect(result.updates.external).toEqual({ email: 'ann@x.test' });
	});

	it('without a base, differing values are conflicts', () => {
		const result = resolveVersions(undefined, [
			{ side: 'local', fields: { name: 'A', email: 'same@x.test' } },
			{ side: 'external', fields: { name: 'B', email: 'same@x.test' } },
		], { strategy: { kind: 'manual' } });
		expect(result.review).toEqual(['name']);
	});
});

describe('two-way resolver and review queue', () => {
	let dir: string;
	let store: StateStore;

	beforeEach(async () => {
		dir = mkdtempSync(join(tmpdir(), 'conflict-'));
		store = await openStore({ kind: 'sqlite', file: join(dir, 'state.db') }, allMigrations);
	});

	afterEach(async () => {
		await closeAllStores();
		rmSync(dir, { recursive: true, force: true });
	});

	it('measures changes against the stored base of the previous run', async () => {
		const options = { scope: 'billing', strategy: 'lastWriteWins' as const };
		const [first] = await resolveTwoWay(store, [{ recordKey: 'r1', local: base, external: base }], options);
		expect(first.applyToLocal).toEqual({});
		const [second] = await resolveTwoWay(store, [{ recordKey: 'r1', local: { ...base, tier: 'silver' }, external: { ...base, name: 'Anne' } }], options);
		expect(second.conflicts).toEqual([]);
		expect(second.applyToLocal).toEqual({ name: 'Anne' });
		expect(second.applyToExternal).toEqual({ tier: 'silver' });
	});

	it('queues one review per record however often the conflict is seen, and applies the decision', async () => {
		const options = { scope: 'billing', strategy: 'manual' as const };
		await resolveTwoWay(store, [{ recordKey: 'r1', local: base, external: base }], options);
		const conflicting = { recordKey: 'r1', local: { ...base, name: 'Local' }, external: { ...base, name: 'External' } };
		const [first] = await resolveTwoWay(store, [conflicting], options);
		const [again] = await resolveTwoWay(store, [conflicting], options);
		expect(first.reviewId).toBeDefined();
		expect(again.reviewId).toBe(first.reviewId);
		const queue = new ReviewQueue(store.db);
		expect(await queue.list({ scope: 'billing' })).toHaveLength(1);
		const applied = await decideReview(store, first.reviewId!, { side: 'external' }, { markApplied: true });
		expect(applied.updates).toEqual({ local: { name: 'External' }, external: {} });
		expect(applied.review.status).toBe('applied');
		await expect(decideReview(store, first.reviewId!, { side: 'local' }, { markApplied: true })).rejects.toThrow('already applied');
		expect((await conflictState(store).bases.getMany('billing', ['r1'])).get('r1')).toMatchObject({ name: 'External' });
		const [settled] = await resolveTwoWay(store, [{ recordKey: 'r1', local: { ...base, name: 'External' }, external: { ...base, name: 'External' } }], options);
		expect(settled.reviewId).toBeUndefined();
	});

	it('rejects a decision for a side the review does not have', async () => {
		const options = { scope: 's', strategy: 'manual' as const };
		const [outcome] = await resolveTwoWay(store, [{ recordKey: 'r', local: { a: '1' }, external: { a: '2' } }], options);
		await expect(decideReview(store, outcome.reviewId!, { side: 'nobody' }, { markApplied: false })).rejects.toThrow('not one of this review');
	});
});
