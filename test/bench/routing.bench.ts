/**
 * Event Router benchmark (`npx tsx test/bench/routing.bench.ts`):
 * 1. Matching: 100,000 events against 100 rules in-process (exact, wildcard, source lists, content filters,
 *    transforms), compiled once: events/s.
 * 2. Delivery: the same events to 6 destinations (the receivers sandbox), once all healthy and once with one slow
 *    (1 s per request) and one failing (HTTP 500): the four healthy destinations' throughput in both runs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { compileRoutes, EventRouter, parseEvent, type RoutingEvent, type RuleSpec } from '../../lib/routing';
import { exampleDestinations, exampleRules } from '../../nodes/EventRouter/actions/exampleRoutes';
import { closeAllStores, openStore } from '../../lib/store';
import { FetchHttpClient } from '../../lib/transport';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox } from '../sandbox/registry';
import { receiverSecret, type ReceivedDelivery } from '../sandbox/receivers';
import { figureLine } from './report';

const sources = ['crm', 'support', 'billing', 'ecommerce', 'marketing', 'warehouse'];
const entities = ['customer', 'order', 'invoice', 'ticket', 'subscription', 'shipment', 'payment', 'product', 'refund', 'lead'];
const actions = ['created', 'updated', 'deleted', 'cancelled', 'completed'];

/** 100 rules of every kind: exact types, prefix and suffix wildcards, source lists, filters and transforms. */
function benchRules(destinationIds: string[]): RuleSpec[] {
	return Array.from({ length: 100 }, (_, index): RuleSpec => {
		const entity = entities[index % entities.length];
		const action = actions[index % actions.length];
		const shape = index % 4;
		return {
			id: `rule-${index}`,
			sources: index % 3 === 0 ? [] : [sources[index % sources.length], sources[(index + 1) % sources.length]],
			eventTypes: shape === 0 ? [`${entity}.${action}`] : shape === 1 ? [`${entity}.*`] : shape === 2 ? [`*.${action}`] : [`${entity}.${action}`, `${entities[(index + 3) % entities.length]}.*`],
			filters: index % 5 === 0 ? [{ path: 'data.amount', range: { gte: (index % 7) * 10 } }] : index % 5 === 1 ? [{ path: 'data.region', anythingBut: ['eu'] }] : [],
			transform: index % 2 === 0 ? [{ drop: ['internal'] }, { set: { 'routedBy': `rule-${index}` } }] : undefined,
			destinations: [destinationIds[index % destinationIds.length]],
		};
	});
}

function benchEvents(count: number): RoutingEvent[] {
	return Array.from({ length: count }, (_, index) => ({
		id: `evt-${index}`,
		type: `${entities[index % entities.length]}.${actions[(index * 7) % actions.length]}`,
		source: sources[(index * 3) % sources.length],
		time: '2026-11-27T00:00:00.000Z',
		data: { amount: index % 100, region: index % 2 === 0 ? 'eu' : 'us', email: `u${index}@example.com`, internal: { score: index } },
	}));
}

function matchingBenchmark(): void {
	const destinations = exampleDestinations();
	const compileStarted = performance.now();
	const routes = compileRoutes({ rules: benchRules(destinations.map((d) => d.id)), destinations });
	const compileMs = performance.now() - compileStarted;
	const events = benchEvents(100_000);
	for (const event of events.slice(0, 1000)) routes.match(event); // warm-up

	// The machine is shared: each figure is the median of five rounds (the best one in brackets).
	let medianRate = 0;
	const rounds = (work: () => void) => {
		const rates = Array.from({ length: 5 }, () => {
			const started = performance.now();
			work();
			return events.length / ((performance.now() - started) / 1000);
		}).sort((a, b) => a - b);
		medianRate = rates[2];
		return `${Math.round(rates[2]).toLocaleString('en')} events/s (best ${Math.round(rates[4]).toLocaleString('en')})`;
	};
	let matches = 0;
	const matchOnly = rounds(() => {
		matches = 0;
		for (const event of events) matches += routes.match(event).length;
	});
	const matchOnlyRate = medianRate;
	let transformed = 0;
	const withTransforms = rounds(() => {
		transformed = 0;
		for (const event of events) for (const rule of routes.match(event)) transformed += rule.transform(event.data) ? 1 : 0;
	});
	const raw = events.map((event) => JSON.stringify(event));
	const withParsing = rounds(() => {
		for (const text of raw) {
			const parsed = parseEvent(text);
			if (parsed.ok) routes.match(parsed.event);
		}
	});

	console.log(`matching: 100 rules compiled in ${compileMs.toFixed(1)} ms; ${events.length} events, ${matches} rule matches`);
	console.log(`  match only:               ${matchOnly}`);
	console.log(`  match + transforms:       ${withTransforms}, ${transformed} transforms per round`);
	console.log(`  parse JSON text + match:  ${withParsing}`);
	console.log(figureLine('routing in-process, match only (100 rules)', matchOnlyRate, 'events/s', 100_000, 'in-n8n goal'));
}

interface DeliveryFigures {
	wallSeconds: number;
	perDestination: Record<string, { delivered: number; perSecond: number; lastAtSeconds: number }>;
}

async function deliveryRun(label: string, eventCount: number, faults: (control: SandboxControl) => Promise<void>): Promise<DeliveryFigures> {
	const sandbox = await startSandbox('receivers');
	const control = new SandboxControl(sandbox.baseUrl);
	const store = await openStore({ kind: 'sqlite', file: path.join(mkdtempSync(path.join(tmpdir(), 'routing-bench-')), 'state.sqlite') }, allMigrations);
	try {
		await faults(control);
		const destinations = exampleDestinations((id) => `${sandbox.baseUrl}/${id}/events`).map((destination) => ({
			...destination,
			concurrency: 8,
			retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 200, maxTotalMs: 5_000 },
			circuitBreaker: undefined,
		}));
		// One rule fanning every event out to all six destinations.
		const rules: RuleSpec[] = [{ ...exampleRules[0], sources: [], eventTypes: ['*'], destinations: destinations.map((d) => d.id) }];
		const router = new EventRouter(compileRoutes({ rules, destinations }), {
			store,
			delivery: { clientFor: () => new FetchHttpClient(), secrets: { signingSecret: receiverSecret }, rateBuckets: store.rateBuckets },
		});
		const events = benchEvents(eventCount).map((event) => ({ ...event, id: `${label}-${event.id}` }));
		const started = Date.now();
		const outcomes = await router.route(events);
		const wallSeconds = (Date.now() - started) / 1000;
		const perDestination: DeliveryFigures['perDestination'] = {};
		for (const destination of destinations) {
			const received = await control.state<ReceivedDelivery[]>(destination.id);
			const lastAt = Math.max(started, ...received.map((delivery) => Date.parse(delivery.receivedAt)));
			const lastAtSeconds = Math.max((lastAt - started) / 1000, 0.001);
			perDestination[destination.id] = { delivered: received.length, perSecond: received.length / lastAtSeconds, lastAtSeconds };
		}
		const failed = outcomes.flatMap((outcome) => (outcome.status === 'routed' ? outcome.deliveries : [])).filter((d) => d.status === 'failed').length;
		console.log(`delivery (${label}): ${eventCount} events × 6 destinations in ${wallSeconds.toFixed(2)} s, ${failed} dead-lettered`);
		for (const [id, figures] of Object.entries(perDestination)) {
			console.log(`  ${id.padEnd(15)} ${String(figures.delivered).padStart(4)} delivered, all in by ${figures.lastAtSeconds.toFixed(2)} s = ${figures.perSecond.toFixed(0)}/s`);
		}
		return { wallSeconds, perDestination };
	} finally {
		await closeAllStores();
		await sandbox.close();
	}
}

async function main(): Promise<void> {
	matchingBenchmark();
	const eventCount = Number(process.env.ROUTING_BENCH_EVENTS ?? 200);
	const healthy = await deliveryRun('all healthy', eventCount, async () => undefined);
	const degraded = await deliveryRun('analytics slow 1 s, marketing failing', eventCount, async (control) => {
		await control.fault({ kind: 'latency', ms: 1000, times: -1, match: { path: '/analytics/' } });
		await control.fault({ kind: 'error', status: 500, times: -1, match: { path: '/marketing/' } });
	});
	console.log('healthy destinations, throughput with a slow and a failing neighbour vs all healthy:');
	for (const id of ['data-warehouse', 'fulfillment', 'accounting', 'inventory']) {
		const ratio = degraded.perDestination[id].perSecond / healthy.perDestination[id].perSecond;
		console.log(`  ${id.padEnd(15)} ${healthy.perDestination[id].perSecond.toFixed(0)}/s → ${degraded.perDestination[id].perSecond.toFixed(0)}/s (${(ratio * 100).toFixed(0)} %)`);
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
