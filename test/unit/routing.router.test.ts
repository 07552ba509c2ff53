import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { allMigrations } from '../../lib/migrations';
import {
	compileRoutes,
	EventRouter,
	type DestinationSpec,
	type EventOutcome,
	type RouterConfig,
	type RuleSpec,
} from '../../lib/routing';
import { closeAllStores, openStore, StateStore, type StoreConfig } from '../../lib/store';
import { PostgresDatabase } from '../../lib/store/postgres';
import { exampleDestinations, exampleRules } from '../../nodes/EventRouter/actions/exampleRoutes';
import { FetchHttpClient } from '../../lib/transport';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { receiverBearerToken, receiverSecret, type ReceivedDelivery } from '../sandbox/receivers';
import { acquirePostgres, createTestSchema } from '../support/postgres';

let sandbox: RunningSandbox;
let control: SandboxControl;
let store: StateStore;

const fastRetry = { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 40, maxTotalMs: 5_000 };

function destinations(overrides: Partial<DestinationSpec> = {}): DestinationSpec[] {
	return exampleDestinations((id) => `${sandbox.baseUrl}/${id}/events`).map((destination) => ({ ...destination, retry: fastRetry, circuitBreaker: undefined, ...overrides }));
}

function router(config: Partial<RouterConfig> = {}, options = {}, on: StateStore = store, now?: () => number): EventRouter {
	const routes = compileRoutes({ rules: exampleRules, destinations: destinations(), ...config });
	return new EventRouter(routes, {
		store: on,
		options,
		delivery: {
			clientFor: (destination) => new FetchHttpClient(destination.kind === 'http' ? (request) => ({ ...request, headers: { ...request.headers, authorization: `Bearer ${receiverBearerToken}` } }) : undefined),
			secrets: { signingSecret: receiverSecret },
			httpBaseUrl: sandbox.baseUrl,
			rateBuckets: on.rateBuckets,
			now,
		},
	});
}

let sequence = 0;
const customerEvent = (extra: Record<string, unknown> = {}) => ({ id: `evt-${++sequence}`, type: 'customer.created', source: 'crm', data: { email: `c${sequence}@example.com` }, ...extra });
const orderEvent = () => ({ id: `ord-${++sequence}`, type: 'order.placed', source: 'ecommerce', data: { total: 42 } });

const received = (receiver: string) => control.state<ReceivedDelivery[]>(receiver);
const routed = (outcome: EventOutcome) => {
	if (outcome.status !== 'routed') throw new Error(`expected routed, got ${outcome.status}`);
	return outcome;
};

let releasePostgres: () => Promise<void> = async () => undefined;

/** The same behaviour on both store backends: SQLite (the default) and Postgres (queue mode). */
const backends: Array<[string, () => Promise<StoreConfig>]> = [
	['SQLite', async () => ({ kind: 'sqlite', file: path.join(mkdtempSync(path.join(tmpdir(), 'routing-')), 'store.db') })],
	[
		'Postgres',
		async () => {
			const server = await acquirePostgres();
			releasePostgres = server.release;
			return { kind: 'postgres', ...(await createTestSchema(server.config, 'routing')) };
		},
	],
];

beforeAll(async () => {
	sandbox = await startSandbox('receivers');
	control = new SandboxControl(sandbox.baseUrl);
});

afterAll(async () => {
	await closeAllStores();
	await releasePostgres();
	await sandbox.close();
});

beforeEach(async () => control.reset());

describe.each(backends)('EventRouter on %s', (_name, storeConfig) => {
	let config: StoreConfig;
	beforeAll(async () => {
		config = await storeConfig();
		store = await openStore(config, allMigrations);
	});

	it('delivers signed events to the seed destinations, once each, and logs every route', async () => {
		const customer = customerEvent();
		const order = orderEvent();
		const outcomes = await router().route([customer, order]);

		expect(routed(outcomes[0]).deliveries.map((d) => [d.destinationId, d.status])).toEqual([
			['analytics', 'delivered'],
			['marketing', 'delivered'],
			['data-warehouse', 'delivered'],
		]);
		expect(routed(outcomes[1]).deliveries.map((d) => d.destinationId)).toEqual(['fulfillment', 'accounting', 'inventory']);
		const analytics = await received('analytics');
		expect(analytics).toHaveLength(1);
		expect(analytics[0]).toMatchObject({ auth: 'signature', body: { id: customer.id, type: 'customer.created', source: 'crm', data: customer.data } });
		expect(await received('inventory')).toHaveLength(1);
		expect(await received('marketing')).toHaveLength(1);

		const log = await router().repository.routeLog({ eventId: customer.id });
		expect(log.map((entry) => [entry.destinationId, entry.status, entry.ruleId]).sort()).toEqual([
			['analytics', 'delivered', 'customer-events'],
			['data-warehouse', 'delivered', 'customer-events'],
			['marketing', 'delivered', 'customer-events'],
		]);
	});

	it('reports unmatched and rejects malformed events with a reason, without affecting the others', async () => {
		const good = customerEvent();
		const outcomes = await router({}, { maxEventBytes: 2048 }).route([
			{ id: 'u1', type: 'customer.created', source: 'ecommerce' },
			{ id: 'n1', source: 'crm', data: {} },
			{ body: 'not json' },
			{ id: 'big', type: 'customer.created', source: 'crm', data: { blob: 'x'.repeat(4096) } },
			good,
		]);
		expect(outcomes.map((o) => o.status)).toEqual(['unmatched', 'rejected', 'rejected', 'rejected', 'routed']);
		expect(outcomes[1]).toMatchObject({ reason: 'event has no type' });
		expect(outcomes[2]).toMatchObject({ reason: 'body is not JSON' });
		expect(outcomes[3]).toMatchObject({ reason: expect.stringContaining('over the 2048-byte limit'), eventId: 'big' });
		expect(await received('analytics')).toHaveLength(1);
		const log = await router().repository.routeLog({ eventId: 'big' });
		expect(log[0]).toMatchObject({ status: 'rejected', detail: expect.stringContaining('byte limit') });
	});

	it('sets per-item fields (n8n expressions) on the event data before matching, and rejects an item whose expression failed', async () => {
		const vip: RuleSpec = { ...exampleRules[0], filters: [{ path: 'data.meta.tier', equals: 'vip' }] };
		const [kept, dropped, failed, badPath] = await router({ rules: [vip] }).route([customerEvent(), customerEvent(), customerEvent(), customerEvent()], {
			fields: [{ 'meta.tier': 'vip' }, { 'meta.tier': 'basic' }, new Error('Cannot read properties of undefined'), { 'meta..tier': 'vip' }],
		});
		expect(routed(kept).deliveries).toHaveLength(3);
		expect(dropped.status).toBe('unmatched');
		expect(failed).toMatchObject({ status: 'rejected', reason: 'field expression failed: Cannot read properties of undefined' });
		expect(badPath).toMatchObject({ status: 'rejected', reason: expect.stringContaining('cannot set field') });
		expect((await received('analytics'))[0].body).toMatchObject({ data: { meta: { tier: 'vip' } } });
	});

	it('delivers an event routed twice only once (dedup window), and the idempotency key is stable', async () => {
		const event = customerEvent();
		const first = await router().route([event, event]);
		expect(first.map((o) => o.status)).toEqual(['routed', 'duplicate']);
		const second = await router().route([event]);
		expect(second[0].status).toBe('duplicate');
		// With the window off, the per-destination idempotency ledger still prevents a second delivery.
		const third = await router({}, { dedupWindowMs: 0 }).route([event]);
		expect(routed(third[0]).deliveries.map((d) => d.status)).toEqual(['already_delivered', 'already_delivered', 'already_delivered']);
		const analytics = await received('analytics');
		expect(analytics).toHaveLength(1);
		expect(analytics[0].requests).toBe(1);
	});

	it('retries a destination that is down for a while until it returns', async () => {
		await control.fault({ kind: 'error', status: 503, times: 2, match: { path: '/marketing/' } });
		const outcomes = await router().route([customerEvent()]);
		const marketing = routed(outcomes[0]).deliveries.find((d) => d.destinationId === 'marketing')!;
		expect(marketing).toMatchObject({ status: 'delivered', attempts: 3 });
		expect(await received('marketing')).toHaveLength(1);
	});

	it('dead-letters a destination that stays down, leaves the others unaffected, and replays it once it returns', async () => {
		await control.fault({ kind: 'error', status: 500, times: -1, match: { path: '/accounting/' } });
		const order = orderEvent();
		const outcomes = await router().route([order]);
		const deliveries = routed(outcomes[0]).deliveries;
		expect(deliveries.map((d) => [d.destinationId, d.status])).toEqual([
			['fulfillment', 'delivered'],
			['accounting', 'failed'],
			['inventory', 'delivered'],
		]);
		const failed = deliveries[1];
		expect(failed).toMatchObject({ attempts: 3, httpStatus: 500, error: expect.stringContaining('HTTP 500') });

		const letters = await router().repository.deadLetters({ destinationId: 'accounting' });
		const letter = letters.find((l) => l.eventId === order.id)!;
		expect(letter).toMatchObject({ id: failed.deadLetterId, ruleId: 'order-events', status: 'dead', attempts: 3 });

		expect((await router().replay([letter.id]))[0].status).toBe('failed');
		await control.clearFaults();
		const replay = await router().replay([letter.id]);
		expect(replay[0]).toMatchObject({ status: 'replayed', deliveries: [{ destinationId: 'accounting', status: 'delivered' }] });
		expect((await router().repository.deadLettersById([letter.id]))[0]).toMatchObject({ status: 'replayed', attempts: 6 });
		// A list of ids longer than a statement takes on either backend (SQLite 32,766 parameters, PostgreSQL 65,535).
		const manyIds = [...Array.from({ length: 70_000 }, (_, index) => `no-such-letter-${index}`), letter.id];
		expect((await router().repository.deadLettersById(manyIds)).map((l) => l.id)).toEqual([letter.id]);
		// Replaying again never delivers twice.
		const again = await router().replay([letter.id]);
		expect(again[0].deliveries[0].status).toBe('already_delivered');
		expect(await received('accounting')).toHaveLength(1);
		expect(await received('fulfillment')).toHaveLength(1);
	});

	it('sends a failed transform to the dead letters with its reason, and replays it under a fixed rule', async () => {
		const strict: RuleSpec = { ...exampleRules[0], transform: [{ require: ['customer.id'] }] };
		const event = customerEvent();
		const outcomes = await router({ rules: [strict] }).route([event]);
		const outcome = routed(outcomes[0]);
		expect(outcome.deliveries).toEqual([]);
		expect(outcome.transformFailures).toEqual([{ ruleId: 'customer-events', reason: 'transform step 1 failed: required field(s) missing: customer.id', deadLetterId: expect.any(String) }]);
		const letter = (await router().repository.deadLettersById([outcome.transformFailures[0].deadLetterId]))[0];
		expect(letter).toMatchObject({ destinationId: '*', reason: expect.stringContaining('customer.id') });

		const fixed: RuleSpec = { ...exampleRules[0], transform: [{ set: { 'meta.replayed': true } }] };
		const replay = await router({ rules: [fixed] }).replay([letter.id]);
		expect(replay[0].status).toBe('replayed');
		expect(replay[0].deliveries.map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);
		expect((await received('data-warehouse'))[0].body).toMatchObject({ data: { meta: { replayed: true } } });
	});

	it('opens the circuit after repeated failures: later deliveries fail at once', async () => {
		await control.fault({ kind: 'error', status: 502, times: -1, match: { path: '/analytics/' } });
		// One at a time, so the breaker sees each failure before the next delivery starts.
		const breaking = destinations({ retry: { maxAttempts: 1 } }).map((d) => (d.id === 'analytics' ? { ...d, concurrency: 1, circuitBreaker: { failureThreshold: 2, cooldownMs: 60_000 } } : d));
		const outcomes = await router({ destinations: breaking }).route([customerEvent(), customerEvent(), customerEvent(), customerEvent()]);
		const analytics = outcomes.map((o) => routed(o).deliveries.find((d) => d.destinationId === 'analytics')!);
		expect(analytics.map((d) => d.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
		expect(analytics.filter((d) => d.attempts === 0)).toHaveLength(2);
		expect(analytics.find((d) => d.attempts === 0)!.error).toMatch(/circuit open for destination "analytics"/);
		expect((await received('marketing')).length).toBe(4);
	});

	it('shares the circuit with every other worker on the store: opened by one, the next worker is refused without a call', async () => {
		await control.fault({ kind: 'error', status: 502, times: -1, match: { path: '/analytics/' } });
		// Its own URL, so its circuit is not the one the test above opened.
		const breaking = destinations({ retry: { maxAttempts: 1 } }).map((d) =>
			d.id === 'analytics' ? { ...d, url: `${d.url}?shared-circuit`, concurrency: 1, circuitBreaker: { failureThreshold: 2, cooldownMs: 60_000 } } : d,
		);
		const first = await router({ destinations: breaking }).route([customerEvent(), customerEvent()]);
		expect(first.map((o) => routed(o).deliveries.find((d) => d.destinationId === 'analytics')!.attempts)).toEqual([1, 1]);
		// Another worker: its own EventRouter, on PostgreSQL its own connection too (two node:sqlite connections in one
		// thread can deadlock on the write lock; SQLite processes sharing a circuit: test/store/circuits.processes.test.ts).
		const otherWorker = config.kind === 'postgres' ? new StateStore(new PostgresDatabase(config)) : store;
		try {
			const [outcome] = await router({ destinations: breaking }, {}, otherWorker).route([customerEvent()]);
			const analytics = routed(outcome).deliveries.find((d) => d.destinationId === 'analytics')!;
			expect(analytics).toMatchObject({ status: 'failed', attempts: 0 });
			expect(analytics.error).toMatch(/circuit open for destination "analytics"/);
		} finally {
			if (otherWorker !== store) await otherWorker.close();
		}
	});

	it('never lets a slow destination hold up the others', async () => {
		await control.fault({ kind: 'latency', ms: 5000, times: -1, match: { path: '/analytics/' } });
		const routing = router().route([customerEvent(), customerEvent()]);
		// Order, not time: the others have received both events while analytics, still held, has received none.
		const fast = async () => [(await received('marketing')).length, (await received('data-warehouse')).length];
		while ((await fast()).some((count) => count < 2)) await new Promise((resolve) => setTimeout(resolve, 20));
		expect(await received('analytics')).toEqual([]);
		const outcomes = await routing;
		expect(outcomes.map((o) => routed(o).deliveries.map((d) => [d.destinationId, d.status]))).toEqual(
			Array(2).fill([['analytics', 'delivered'], ['marketing', 'delivered'], ['data-warehouse', 'delivered']]),
		);
		expect(await received('analytics')).toHaveLength(2);
	});

	it('rejects a delivery signed with the wrong secret (not retried) and dead-letters it', async () => {
		const routes = compileRoutes({ rules: exampleRules, destinations: destinations() });
		const wrong = new EventRouter(routes, { store, delivery: { clientFor: () => new FetchHttpClient(), secrets: { signingSecret: () => receiverSecret('someone-else') } } });
		const outcomes = await wrong.route([customerEvent()]);
		const analytics = routed(outcomes[0]).deliveries[0];
		expect(analytics).toMatchObject({ status: 'failed', httpStatus: 401, attempts: 1 });
		expect(await control.state('rejected')).toEqual(expect.arrayContaining([expect.objectContaining({ reason: 'signature rejected: no matching v1 signature' })]));
	});

	it('delivers to an HTTP API destination with a body template and a bearer credential', async () => {
		const api: DestinationSpec = { id: 'crm-api', kind: 'http', url: '/accounting/events', method: 'POST', bodyTemplate: { ref: '{{id}}', amount: '{{data.total}}' }, retry: fastRetry };
		const rule: RuleSpec = { id: 'orders-to-api', sources: ['ecommerce'], eventTypes: ['order.*'], destinations: ['crm-api'] };
		const order = orderEvent();
		const outcomes = await router({ rules: [rule], destinations: [api] }).route([order]);
		expect(routed(outcomes[0]).deliveries[0]).toMatchObject({ status: 'delivered', httpStatus: 202 });
		expect(await received('accounting')).toEqual([expect.objectContaining({ auth: 'bearer', body: { ref: order.id, amount: 42 } })]);
	});

	it('hands events to node outputs and throttles a destination', async () => {
		const destinationsWithOutput: DestinationSpec[] = [
			{ id: 'queue', kind: 'output', output: 'kafka' },
			{ id: 'inventory', kind: 'webhook', url: `${sandbox.baseUrl}/inventory/events`, ratePerSecond: 5, retry: fastRetry },
		];
		const rule: RuleSpec = { id: 'all-orders', eventTypes: ['order.*'], destinations: ['queue', 'inventory'] };
		const started = Date.now();
		const outcomes = await router({ rules: [rule], destinations: destinationsWithOutput, outputs: ['kafka'] }).route(Array.from({ length: 10 }, orderEvent));
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		expect(outcomes.map((o) => [routed(o).deliveries[0].status, routed(o).deliveries[0].output])).toEqual(Array(10).fill(['handed_off', 'kafka']));
		expect(await received('inventory')).toHaveLength(10);
	});
	const streams: Partial<RouterConfig> = {
		rules: [{ id: 'to-streams', eventTypes: ['order.*'], destinations: ['queue', 'audit'] }],
		destinations: [
			{ id: 'queue', kind: 'output', output: 'kafka' },
			{ id: 'audit', kind: 'output', output: 'audit' },
		],
		outputs: ['kafka', 'audit'],
	};
	const logOf = async (eventId: string) => (await router().repository.routeLog({ eventId })).map((entry) => `${entry.status} ${entry.ruleId ?? '-'} ${entry.destinationId ?? '-'}`).sort();

	it('routes an event handed to node outputs once, within one execution and across executions; its hand-offs share one route-log entry', async () => {
		const event = orderEvent();
		const untyped = { id: `bad-${++sequence}`, source: 'ecommerce', data: {} };
		const first = await router(streams).route([event, untyped, event]);
		expect(first.map((outcome) => outcome.status)).toEqual(['routed', 'rejected', 'duplicate']);
		expect(routed(first[0]).deliveries.map((delivery) => [delivery.destinationId, delivery.status])).toEqual([['queue', 'handed_off'], ['audit', 'handed_off']]);
		// A rejected event was not handled: sent again, well formed, it is routed.
		const second = await router(streams).route([event, { ...untyped, type: 'order.placed' }]);
		expect(second.map((outcome) => outcome.status)).toEqual(['duplicate', 'routed']);
		expect(await logOf(event.id)).toEqual(['duplicate - -', 'duplicate - -', 'handed_off to-streams queue, audit']);
		expect(await logOf(untyped.id)).toEqual(['handed_off to-streams queue, audit', 'rejected - -']);
	});

	it('sends an event once to a destination two matching rules name (the first rule wins); its hand-offs name each rule once', async () => {
		const config: Partial<RouterConfig> = {
			rules: [
				{ id: 'orders', eventTypes: ['order.*'], destinations: ['queue', 'audit'] },
				{ id: 'placed', eventTypes: ['order.placed'], destinations: ['audit', 'extra'] },
			],
			destinations: [
				{ id: 'queue', kind: 'output', output: 'kafka' },
				{ id: 'audit', kind: 'output', output: 'audit' },
				{ id: 'extra', kind: 'output', output: 'extra' },
			],
			outputs: ['kafka', 'audit', 'extra'],
		};
		const event = orderEvent();
		const [outcome] = await router(config).route([event]);
		expect(routed(outcome).rules).toEqual(['orders', 'placed']);
		expect(routed(outcome).deliveries.map((delivery) => [delivery.ruleId, delivery.destinationId, delivery.envelope?.destination])).toEqual([
			['orders', 'queue', 'queue'],
			['orders', 'audit', 'audit'],
			['placed', 'extra', 'extra'],
		]);
		expect(await logOf(event.id)).toEqual(['handed_off orders, placed queue, audit, extra']);
	});

	it('routes an event two executions receive at once exactly once: the other reports it a duplicate and hands nothing off', async () => {
		// Two executions (or queue-mode workers) on one store, each with its own router; on PostgreSQL each its own connection.
		const otherWorker = config.kind === 'postgres' ? new StateStore(new PostgresDatabase(config)) : store;
		try {
			// Both connections open before the race, so neither execution's transaction waits on a connection's setup.
			await Promise.all([store.db.query('SELECT 1'), otherWorker.db.query('SELECT 1')]);
			const events = Array.from({ length: 20 }, orderEvent);
			const outcomes = await Promise.all([router(streams).route(events), router(streams, {}, otherWorker).route([...events].reverse())]);
			for (const event of events) {
				const ofEvent = outcomes.flat().filter((outcome) => outcome.status !== 'rejected' && outcome.event.id === event.id);
				expect([event.id, ofEvent.map((outcome) => outcome.status).sort()]).toEqual([event.id, ['duplicate', 'routed']]);
				expect(ofEvent.flatMap((outcome) => (outcome.status === 'routed' ? outcome.deliveries.map((delivery) => delivery.output) : []))).toEqual(['kafka', 'audit']);
				expect(await logOf(event.id)).toEqual(['duplicate - -', 'handed_off to-streams queue, audit']);
			}
		} finally {
			if (otherWorker !== store) await otherWorker.close();
		}
	});

	it('delivers an event two executions receive at once to an outside destination once, and routes it once', async () => {
		const otherWorker = config.kind === 'postgres' ? new StateStore(new PostgresDatabase(config)) : store;
		const webhook: Partial<RouterConfig> = {
			rules: [{ id: 'to-inventory', eventTypes: ['order.*'], destinations: ['inventory'] }],
			destinations: [{ id: 'inventory', kind: 'webhook', url: `${sandbox.baseUrl}/inventory/events`, retry: fastRetry }],
		};
		try {
			const events = Array.from({ length: 10 }, orderEvent);
			const outcomes = await Promise.all([router(webhook).route(events), router(webhook, {}, otherWorker).route([...events].reverse())]);
			for (const event of events) {
				const statuses = outcomes.flat().filter((outcome) => outcome.status !== 'rejected' && outcome.event.id === event.id).map((outcome) => outcome.status).sort();
				expect([event.id, statuses]).toEqual([event.id, ['duplicate', 'routed']]);
				expect((await logOf(event.id)).filter((entry) => entry.startsWith('delivered'))).toEqual(['delivered to-inventory inventory']);
			}
			expect((await received('inventory')).map((delivery) => (delivery.body as { id: string }).id).sort()).toEqual(events.map((event) => event.id).sort());
		} finally {
			if (otherWorker !== store) await otherWorker.close();
		}
	});

	it('routes an event again once it has left the deduplication window, which a duplicate does not extend', async () => {
		let clock = Date.now();
		const timed = () => router(streams, { dedupWindowMs: 60_000 }, store, () => clock);
		const event = orderEvent();
		expect((await timed().route([event]))[0].status).toBe('routed');
		clock += 50_000;
		expect((await timed().route([event]))[0].status).toBe('duplicate');
		clock += 11_000;
		expect((await timed().route([event]))[0].status).toBe('routed');
	});

	it('still counts event ids recorded in the deduplication table of earlier versions while they are in the window', async () => {
		let clock = Date.now();
		const timed = () => router(streams, { dedupWindowMs: 60_000 }, store, () => clock);
		const event = orderEvent();
		await store.db.run('INSERT INTO routing_seen_events (event_id, seen_at_ms) VALUES (?, ?)', [event.id, clock - 1_000]);
		expect((await timed().route([event]))[0].status).toBe('duplicate');
		clock += 60_000;
		expect((await timed().route([event]))[0].status).toBe('routed');
		expect(await store.db.query('SELECT event_id FROM routing_seen_events WHERE event_id = ?', [event.id])).toEqual([]);
	});

	it('writes a batch\'s route log and deduplication window in a few multi-row statements, not one per event', async () => {
		const statements: string[] = [];
		const transaction = store.db.transaction.bind(store.db);
		const spy = jest.spyOn(store.db, 'transaction').mockImplementation(async (work) =>
			transaction(async (tx) => work({ ...tx, run: async (sql, params) => (statements.push(sql), tx.run(sql, params)) })),
		);
		const handOff: RuleSpec = { id: 'to-queue', eventTypes: ['order.*'], destinations: ['queue'] };
		const events = [...Array.from({ length: 1_100 }, orderEvent), { id: `odd-${++sequence}`, type: 'ticket.opened', source: 'support' }];
		try {
			const outcomes = await router({ rules: [handOff], destinations: [{ id: 'queue', kind: 'output', output: 'kafka' }], outputs: ['kafka'] }).route(events);
			expect(outcomes.filter((outcome) => outcome.status === 'routed')).toHaveLength(1_100);
		} finally {
			spy.mockRestore();
		}
		const count = (table: string) => statements.filter((sql) => sql.includes(`INSERT INTO ${table}`)).length;
		// 1,101 rows: two statements of 500, then 64, 32, 4 and 1 (a few distinct statements for any batch size); the
		// route log is the deduplication window, so no second table is written.
		expect([count('routing_log'), count('routing_seen_events')]).toEqual([6, 0]);
		const log = await router().repository.routeLog({ eventId: events.at(-1)!.id });
		expect(log.map((entry) => entry.status)).toEqual(['unmatched']);
	});
});
