/**
 * Usage Meter benchmark: 100,000 usage events (10% of them repeats of earlier event ids) recorded into a fresh
 * SQLite store in batches, then the exact count; and the time to price a period of 1,000,000 units under a plan
 * with every model. Run: npx tsx test/bench/metering.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { priceUsage, UsageMeter, validatePlan, type MeterUsage, type UsageEventInput } from '../../lib/metering';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore } from '../../lib/store';
import { figureLine } from './report';

const TOTAL = 100_000;
const UNIQUE = 90_000;
const BATCH = 1_000;
const meters = ['syncs', 'transactions', 'events', 'contacts', 'api_calls'];
const start = Date.UTC(2026, 10, 1);

function events(): UsageEventInput[] {
	let seed = 42;
	const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
	const unique = Array.from({ length: UNIQUE }, (_, index): UsageEventInput => ({
		eventId: `evt-${index}`,
		customerId: `customer-${index % 500}`,
		meter: meters[index % meters.length],
		quantity: 1 + (index % 5),
		amount: index % meters.length === 1 ? `${index % 1000}.${String(index % 100).padStart(2, '0')}` : undefined,
		currency: 'USD',
		timestamp: start + (index % (28 * 24)) * 3_600_000,
	}));
	const all = [...unique];
	// The repeats arrive after their originals, as a retried execution's would.
	for (let repeat = 0; repeat < TOTAL - UNIQUE; repeat++) {
		const position = UNIQUE / 10 + (next() % (all.length - UNIQUE / 10));
		all.splice(position, 0, unique[next() % Math.min(position, UNIQUE)]);
	}
	return all;
}

async function recordingBenchmark(): Promise<void> {
	const folder = mkdtempSync(join(tmpdir(), 'metering-bench-'));
	try {
		const store = await openStore({ kind: 'sqlite', file: join(folder, 'state.sqlite') }, allMigrations);
		const meter = new UsageMeter({ db: store.db, namespace: 'bench' });
		const input = events();
		let recorded = 0;
		let duplicates = 0;
		const started = performance.now();
		for (let offset = 0; offset < input.length; offset += BATCH) {
			const { outcomes } = await meter.record(input.slice(offset, offset + BATCH));
			for (const outcome of outcomes) outcome.status === 'recorded' ? recorded++ : duplicates++;
		}
		const seconds = (performance.now() - started) / 1000;
		const stored = await meter.repository.countEvents('bench');
		const distinct = new Set(input.map((event) => event.eventId)).size;
		console.log(`recorded ${input.length.toLocaleString('en')} events (${(input.length - distinct).toLocaleString('en')} duplicates) in batches of ${BATCH} into SQLite: ${seconds.toFixed(2)} s, ${Math.round(input.length / seconds).toLocaleString('en')} events/s`);
		console.log(`counted ${recorded.toLocaleString('en')}, refused as duplicate ${duplicates.toLocaleString('en')}; rows in the store ${stored.toLocaleString('en')}; exact: ${stored === distinct && recorded === distinct ? 'yes' : 'NO'}`);
		await closeAllStores();
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
}

function pricingBenchmark(): void {
	const tiers = [
		{ from: 0, upTo: 10_000, unitPrice: '0.01' },
		{ from: 10_001, upTo: 100_000, unitPrice: '0.005' },
		{ from: 100_001, upTo: null, unitPrice: '0.001' },
	];
	const plan = validatePlan({
		id: 'everything',
		currency: 'USD',
		recurringFee: '199.00',
		setupFee: '500.00',
		charges: [
			{ meter: 'syncs', model: 'graduated', tiers },
			{ meter: 'api_calls', model: 'volume', tiers },
			{ meter: 'transactions', model: 'per_transaction', fixed: '0.10', percent: '0.5' },
			{ meter: 'events', model: 'per_unit', unitPrice: '0.001', minimum: '10.00' },
			{ meter: 'contacts', model: 'per_unit', included: 10_000, unitPrice: '0.002' },
			{ meter: 'platforms', model: 'per_unit', included: 5, onExceed: 'report' },
		],
	});
	const million: MeterUsage = { quantity: 1_000_000, maxQuantity: 7, amountMinor: 9_876_543_210, events: 1_000_000 };
	const usage = { syncs: million, api_calls: million, transactions: million, events: million, contacts: million, platforms: million };
	for (let warm = 0; warm < 100; warm++) priceUsage(plan, usage, { firstPeriod: true });
	const runs = 1_000;
	const started = performance.now();
	let total = '';
	for (let run = 0; run < runs; run++) total = priceUsage(plan, usage, { firstPeriod: true }).total.amount;
	const perRun = (performance.now() - started) / runs;
	console.log(`priced a period of 1,000,000 units on every meter under a plan with every model: ${perRun.toFixed(4)} ms per period (mean of ${runs}; target < 10 ms); total ${total} USD`);
	console.log(figureLine('metering: pricing one period, every model', perRun, 'ms', 10, 'target'));
}

async function main(): Promise<void> {
	await recordingBenchmark();
	pricingBenchmark();
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
