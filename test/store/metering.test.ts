/**
 * The usage meter on both store backends: events counted once by id, aggregates per customer, meter and period,
 * closed periods that keep late events apart, quota alerts that fire once, and separate processes recording the
 * same events at once still counting each one once.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { periodContaining, priceUsage, UsageMeter, validatePlan, type UsageEventInput } from '../../lib/metering';
import { closeAllStores, openStore, type StateStore, type StoreConfig } from '../../lib/store';
import { storeBackends } from './backends';
import { RACE_CUSTOMERS, RACE_EVENTS, raceEvents, racePlan } from './metering.race';

const repoRoot = resolve(__dirname, '../..');
const november = Date.UTC(2026, 10, 15, 12);
const plan = validatePlan({
	id: 'basic',
	name: 'Basic',
	currency: 'USD',
	recurringFee: '49.00',
	setupFee: '100.00',
	charges: [
		{ meter: 'syncs', model: 'graduated', included: 0, tiers: [{ upTo: 10, unitPrice: '0.01' }, { upTo: null, unitPrice: '0.005' }] },
		{ meter: 'transactions', model: 'per_transaction', fixed: '0.10', percent: '0.5' },
		{ meter: 'platforms', model: 'per_unit', included: 2, onExceed: 'report' },
	],
});
const quotaPlan = validatePlan({ id: 'quota', currency: 'USD', charges: [{ meter: 'syncs', model: 'per_unit', included: 100, unitPrice: '0.01' }] });

const syncs = (ids: string[], extra: Partial<UsageEventInput> = {}): UsageEventInput[] =>
	ids.map((eventId) => ({ eventId, customerId: 'acme', meter: 'syncs', quantity: 1, timestamp: november, ...extra }));

describe.each(storeBackends())('usage meter on $name', (backend) => {
	let config: StoreConfig;
	let store: StateStore;
	let meter: UsageMeter;
	let now = november;

	beforeAll(async () => await backend.setUp());
	afterAll(async () => await backend.tearDown());
	beforeEach(async () => {
		config = await backend.freshConfig();
		store = await openStore(config, allMigrations);
		now = november;
		meter = new UsageMeter({ db: store.db, namespace: 'test', now: () => now });
	});
	afterEach(async () => await closeAllStores());

	test('an event id is counted once, within a batch and across batches', async () => {
		const first = await meter.record(syncs(['a', 'b', 'a', 'c']));
		expect(first.outcomes.map((outcome) => outcome.status)).toEqual(['recorded', 'recorded', 'duplicate', 'recorded']);
		const again = await meter.record(syncs(['c', 'd'], { quantity: 5 }));
		expect(again.outcomes.map((outcome) => outcome.status)).toEqual(['duplicate', 'recorded']);
		const usage = await meter.usage('acme');
		expect(usage.period.key).toBe('2026-11-01');
		expect(usage.meters.syncs).toMatchObject({ quantity: 8, maxQuantity: 5, events: 4 });
		expect(await meter.repository.countEvents('test')).toBe(4);
	});

	test('the event table itself refuses a second row for the same id', async () => {
		await meter.record(syncs(['a']));
		const insert = 'INSERT INTO usage_events (namespace, event_id, customer_id, meter, quantity, amount_minor, currency, occurred_at_ms, period, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
		await expect(store.db.run(insert, ['test', 'a', 'acme', 'syncs', 1, 0, '', november, '2026-11-01', 'now'])).rejects.toThrow();
	});

	test('aggregates per customer, meter and period; a late event lands in its own period', async () => {
		await meter.record([
			...syncs(['s1', 's2']),
			{ eventId: 't1', customerId: 'acme', meter: 'transactions', amount: '100.00', currency: 'USD', timestamp: november },
			{ eventId: 't2', customerId: 'acme', meter: 'transactions', amount: 50.99, currency: 'USD', timestamp: november },
			{ eventId: 'g1', customerId: 'globex', meter: 'syncs', quantity: 7, timestamp: november },
			{ eventId: 'old', customerId: 'acme', meter: 'syncs', quantity: 3, timestamp: '2026-10-31T23:59:59Z' },
		]);
		const acme = await meter.usage('acme');
		expect(acme.meters.syncs).toMatchObject({ quantity: 2, events: 2 });
		expect(acme.meters.transactions).toMatchObject({ quantity: 2, amountMinor: 15_099, amounts: { USD: 15_099 } });
		expect((await meter.usage('globex')).meters.syncs.quantity).toBe(7);
		expect((await meter.usage('acme', periodContaining('2026-10-10'))).meters.syncs.quantity).toBe(3);
		expect(await meter.customers()).toEqual(['acme', 'globex']);
	});

	test('the preview prices the running period; the setup fee belongs to the first period only', async () => {
		await meter.record([
			...syncs(Array.from({ length: 14 }, (_, index) => `s${index}`)),
			{ eventId: 't1', customerId: 'acme', meter: 'transactions', amount: '150.99', currency: 'USD', timestamp: november },
			{ eventId: 'p1', customerId: 'acme', meter: 'platforms', quantity: 3, timestamp: november },
			{ eventId: 'dec', customerId: 'acme', meter: 'syncs', timestamp: '2026-12-02T00:00:00Z' },
		]);
		const invoice = await meter.preview('acme', plan);
		// 49 + 100 setup + (10 × 0.01 + 4 × 0.005 = 0.12) + (0.10 + 0.75495 → 0.85)
		expect(invoice.lines.map((line) => [line.kind, line.meter, line.amount.amount])).toEqual([
			['recurring', undefined, '49.00'],
			['setup', undefined, '100.00'],
			['usage', 'syncs', '0.12'],
			['usage', 'transactions', '0.85'],
			['usage', 'platforms', '0.00'],
		]);
		expect(invoice.total).toEqual({ currency: 'USD', minor: 14_997, amount: '149.97' });
		expect(invoice.overPlan).toEqual([{ meter: 'platforms', included: 2, used: 3, excess: 1 }]);
		expect(invoice.status).toBe('open');
		const december = await meter.preview('acme', plan, periodContaining('2026-12-15'));
		expect(december.lines.map((line) => line.kind)).not.toContain('setup');
	});

	test('a closed period keeps its invoice and reports later events as late, not counted', async () => {
		await meter.record(syncs(['s1', 's2', 's3']));
		const period = meter.period();
		const closed = await meter.close('acme', plan, period);
		expect(closed.closedNow).toBe(true);
		expect(closed.invoice.status).toBe('closed');
		const after = await meter.record([...syncs(['s2', 'late-1']), { eventId: 'other', customerId: 'globex', meter: 'syncs', timestamp: november }]);
		expect(after.outcomes.map((outcome) => outcome.status)).toEqual(['duplicate', 'late', 'recorded']);
		expect((await meter.usage('acme')).meters.syncs.quantity).toBe(3);
		const again = await meter.close('acme', plan, period);
		expect(again.closedNow).toBe(false);
		expect(again.invoice.total).toEqual(closed.invoice.total);
		expect(again.late.map((event) => event.eventId)).toEqual(['late-1']);
		expect((await meter.preview('acme', plan, period)).status).toBe('closed');
	});

	test('a quota alert fires once per threshold, even when a later batch crosses it again', async () => {
		const alerting = new UsageMeter({ db: store.db, namespace: 'test', alertThresholds: [80, 100], now: () => now });
		const batch = (from: number, count: number) => syncs(Array.from({ length: count }, (_, index) => `q${from + index}`), { plan: quotaPlan });
		expect((await alerting.record(batch(0, 79))).alerts).toEqual([]);
		const crossing = await alerting.record(batch(79, 30));
		expect(crossing.alerts.map((alert) => [alert.thresholdPercent, alert.used, alert.included])).toEqual([[80, 109, 100], [100, 109, 100]]);
		expect((await alerting.record(batch(109, 50))).alerts).toEqual([]);
		// A new period starts the count afresh.
		now = Date.UTC(2026, 11, 3);
		expect((await alerting.record(syncs(['dec-1'], { plan: quotaPlan, quantity: 85, timestamp: now }))).alerts.map((alert) => alert.period)).toEqual(['2026-12-01']);
	});

	test('an enforced quota holds under concurrent recorders: exactly the included units are counted, the rest refused', async () => {
		const batches = Array.from({ length: 10 }, (_, batch) => syncs(Array.from({ length: 15 }, (_, index) => `q-${batch}-${index}`), { plan: quotaPlan, enforceQuota: true }));
		const results = await Promise.all(batches.map((batch) => meter.record(batch)));
		const statuses = results.flatMap((result) => result.outcomes.map((outcome) => outcome.status));
		expect([statuses.filter((status) => status === 'recorded').length, statuses.filter((status) => status === 'refused').length]).toEqual([100, 50]);
		expect((await meter.usage('acme')).meters.syncs).toMatchObject({ quantity: 100, events: 100 });
		const refusal = results.flatMap((result) => result.outcomes).find((outcome) => outcome.status === 'refused')!.refusal;
		expect(refusal).toEqual({ plan: 'quota', customerId: 'acme', meter: 'syncs', period: '2026-11-01', included: 100, used: 100, wouldBe: 101 });
	});

	test('all or nothing: one refused event rolls back the whole batch', async () => {
		await meter.record(syncs(['first'], { quantity: 99, plan: quotaPlan, enforceQuota: true }));
		const batch = [...syncs(['fits'], { plan: quotaPlan, enforceQuota: true }), ...syncs(['over'], { quantity: 2, plan: quotaPlan, enforceQuota: true })];
		await expect(meter.recordPrepared(batch.map((input) => meter.prepare(input)), { allOrNothing: true })).rejects.toThrow(
			'Over the syncs quota of plan "quota": it includes 100 syncs a period, customer "acme" has 100 in the period starting 2026-11-01 and this would make 102; nothing was counted',
		);
		expect((await meter.usage('acme')).meters.syncs).toMatchObject({ quantity: 99, events: 1 });
		// A repeat of an event in the same batch is a duplicate, not usage past the quota.
		const repeated = await meter.record(syncs(['last', 'last'], { plan: quotaPlan, enforceQuota: true }));
		expect(repeated.outcomes.map((outcome) => outcome.status)).toEqual(['recorded', 'duplicate']);
	});

	test('invalid events are refused with the problem named', async () => {
		await expect(meter.record([{ eventId: '', customerId: 'acme', meter: 'syncs' }])).rejects.toThrow('Usage event: eventId must be a non-empty string or a whole number, got an empty string');
		await expect(meter.record([{ eventId: 'x', customerId: 'acme', meter: 'syncs', quantity: 1.5 }])).rejects.toThrow('Usage event "x": quantity must be a whole number');
		await expect(meter.record([{ eventId: 'x', customerId: 'acme', meter: 'syncs', amount: '1.001', currency: 'USD' }])).rejects.toThrow('amount must be a non-negative number');
		await expect(meter.record([{ eventId: 'x', customerId: 'acme', meter: 'syncs', timestamp: 'yesterday' }])).rejects.toThrow('timestamp');
		expect(await meter.repository.countEvents('test')).toBe(0);
	});

	test('separate processes recording the same events at once count each event once', async () => {
		const started = Date.now() + 2_500;
		const tallies = await Promise.all([0, 1, 2].map(async (worker) => await runWorker(config, worker, started)));
		expect(tallies.reduce((sum, tally) => sum + tally.recorded, 0)).toBe(RACE_EVENTS);
		expect(tallies.reduce((sum, tally) => sum + tally.recorded + tally.duplicates, 0)).toBe(3 * RACE_EVENTS);
		const alerts = tallies.flatMap((tally) => tally.alerts).sort();
		expect(alerts).toEqual(RACE_CUSTOMERS.flatMap((customer) => [50, 80, 100].map((threshold) => `${customer}/syncs/${threshold}`)).sort());
		const raced = new UsageMeter({ db: store.db, namespace: 'race' });
		const events = raceEvents(racePlan());
		for (const customer of RACE_CUSTOMERS) {
			const own = events.filter((event) => event.customerId === customer);
			const usage = await raced.usage(customer, periodContaining('2026-11-10'));
			const expectedSyncs = own.filter((event) => event.meter === 'syncs').reduce((sum, event) => sum + (event.quantity ?? 1), 0);
			expect(usage.meters.syncs.quantity).toBe(expectedSyncs);
			expect(usage.meters.transactions.events).toBe(own.filter((event) => event.meter === 'transactions').length);
		}
		expect(await raced.repository.countEvents('race')).toBe(RACE_EVENTS);
	});
});

describe('batch splits (SQLite)', () => {
	const [sqlite] = storeBackends();
	beforeAll(async () => await sqlite.setUp());
	afterAll(async () => {
		await closeAllStores();
		await sqlite.tearDown();
	});

	test('the same events split into any batches price to the same minor unit', async () => {
		const events: UsageEventInput[] = Array.from({ length: 400 }, (_, index) => ({
			eventId: `e${index}`,
			customerId: 'acme',
			meter: index % 3 === 0 ? 'transactions' : 'syncs',
			quantity: 1 + (index % 7),
			amount: index % 3 === 0 ? `${(index * 37) % 1000}.${String((index * 13) % 100).padStart(2, '0')}` : undefined,
			currency: 'USD',
			timestamp: november,
		}));
		let reference: unknown;
		for (let split = 0; split < 6; split++) {
			const store = await openStore(await sqlite.freshConfig(), allMigrations);
			const meter = new UsageMeter({ db: store.db, namespace: 'split', now: () => november });
			let seed = split * 7919 + 1;
			for (let offset = 0; offset < events.length; ) {
				seed = (seed * 48271) % 2147483647;
				const size = split === 0 ? events.length : 1 + (seed % 40);
				// Every batch also repeats one earlier event: a retried execution.
				await meter.record([...events.slice(offset, offset + size), events[seed % (offset + 1)]]);
				offset += size;
			}
			const invoice = await meter.preview('acme', plan);
			reference ??= invoice.total;
			expect(invoice.total).toEqual(reference);
			await store.close();
		}
		// And it equals pricing the events' exact totals directly.
		const direct = priceUsage(plan, {
			syncs: { quantity: events.filter((event) => event.meter === 'syncs').reduce((sum, event) => sum + event.quantity!, 0), maxQuantity: 0, amountMinor: 0, events: 0 },
			transactions: {
				quantity: events.filter((event) => event.meter === 'transactions').reduce((sum, event) => sum + event.quantity!, 0),
				maxQuantity: 0,
				amountMinor: events.filter((event) => event.amount).reduce((sum, event) => sum + Math.round(Number(event.amount) * 100), 0),
				events: 0,
			},
		}, { firstPeriod: true });
		expect(reference).toEqual(direct.total);
	});
});

interface WorkerTally {
	recorded: number;
	duplicates: number;
	alerts: string[];
}

async function runWorker(config: StoreConfig, worker: number, startAt: number): Promise<WorkerTally> {
	return await new Promise((resolveTally, reject) => {
		const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'metering.worker.ts')], {
			cwd: repoRoot,
			env: { ...process.env, METER_STORE: JSON.stringify(config), METER_WORKER: String(worker), METER_START_AT: String(startAt) },
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.on('error', reject);
		child.on('exit', (code) => {
			if (code !== 0) return reject(new Error(`metering worker ${worker} exited with ${code}: ${stderr}`));
			resolveTally(JSON.parse(stdout.trim().split('\n').pop() ?? '') as WorkerTally);
		});
	});
}
