/**
 * One door into each capability: routing, metering and conflict open over the state store like the others
 * (openRouting, openMetering, openConflict), and what a node does through them lands in that store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openConflict } from '../../lib/conflict';
import { openMetering } from '../../lib/metering';
import { allMigrations } from '../../lib/migrations';
import { compileRoutes, openRouting } from '../../lib/routing';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';

let dir: string;
let store: StateStore;

beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'entries-'));
	store = await openStore({ kind: 'sqlite', file: join(dir, 'state.db') }, allMigrations);
});

afterEach(async () => {
	await closeAllStores();
	rmSync(dir, { recursive: true, force: true });
});

test('openRouting routes through the store: the route log holds the delivery, the dead letters nothing', async () => {
	const routing = openRouting({ store });
	const routes = compileRoutes({
		rules: [{ id: 'customers', eventTypes: ['customer.*'], destinations: ['crm'] }],
		destinations: [{ id: 'crm', kind: 'output', output: 'crm' }],
		outputs: ['crm'],
	});
	const router = routing.router(routes, { clientFor: () => { throw new Error('no HTTP for an output destination'); }, secrets: { signingSecret: () => undefined } });
	const [outcome] = await router.route([{ id: 'evt-1', type: 'customer.created', source: 'shop', data: {} }]);
	expect(outcome.status).toBe('routed');
	expect((await routing.routeLog({ eventId: 'evt-1' })).map((entry) => [entry.ruleId, entry.destinationId, entry.status])).toEqual([['customers', 'crm', 'handed_off']]);
	expect(await routing.deadLetters()).toEqual([]);
});

test('openMetering meters in the store and records the API calls its transport counted', async () => {
	const metering = openMetering({ store });
	const hour = Date.parse('2026-11-30T22:00:00Z');
	await store.apiCalls.count('hubspot', 'account', hour + 60_000);
	const meter = metering.meter({ namespace: 'entries', now: () => hour + 2 * 3_600_000 });
	const { outcomes } = await metering.recordApiCalls(meter, 'acme');
	expect(outcomes.map((outcome) => [outcome.eventId, outcome.status])).toEqual([['api_calls:acme:2026-11-30T22:00:00.000Z', 'recorded']]);
	expect((await metering.recordApiCalls(meter, 'acme')).outcomes.map((outcome) => outcome.status)).toEqual(['duplicate']);
});

test('openConflict queues a review in the store and applies the decision', async () => {
	const conflict = openConflict({ store });
	const [outcome] = await conflict.resolve(
		[{ recordKey: 'c-1', base: { name: 'Ann' }, local: { name: 'Annie' }, external: { name: 'Anna' } }],
		{ scope: 'entries', strategy: 'manual' },
	);
	expect(outcome.reviewId).toBeDefined();
	expect((await conflict.reviews.list({ scope: 'entries', status: 'pending' })).map((review) => review.id)).toEqual([outcome.reviewId]);
	const applied = await conflict.decide(outcome.reviewId!, { side: 'external' }, { markApplied: true });
	expect(applied.values).toEqual({ name: 'Anna' });
	expect(await conflict.reviews.list({ scope: 'entries', status: 'pending' })).toEqual([]);
});
