/**
 * Payment processors' circuits on the store's circuit breaker: failures recorded by any worker open a processor's
 * circuit for every worker, and once its cool-down is over exactly one payment, across every worker, probes it; the
 * others keep to the fallback until the probe succeeds (before, the whole traffic went back to a processor still down).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { defaultRoutingConfig, PaymentRouter, type PaymentRequest } from '../../lib/payments';
import type { ChargeRequest, ChargeResult, PaymentConnector } from '../../lib/platforms/payments';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';

let store: StateStore;
let clock = Date.parse('2026-03-01T00:00:00Z');
let sequence = 0;

beforeAll(async () => {
	store = await openStore({ kind: 'sqlite', file: path.join(mkdtempSync(path.join(tmpdir(), 'payments-circuit-')), 'state.sqlite') }, allMigrations);
	workers = [0, 1].map(() => new PaymentRouter({ db: store.db, connectors: { stripe, square }, config, pollMs: 1, now: () => clock, healthTtlMs: 0 }));
});
afterAll(async () => await closeAllStores());

/** A processor whose answers the test switches: down (a 503-like failure) or up. */
function processor(name: string): PaymentConnector & { calls: string[]; down: boolean } {
	const connector = {
		processor: name,
		calls: [] as string[],
		down: false,
		async charge(request: ChargeRequest): Promise<ChargeResult> {
			connector.calls.push(request.paymentId);
			if (connector.down) return { outcome: 'processor_failure', code: 'HTTP_503', message: `${name} is unavailable` };
			return { outcome: 'succeeded', transactionId: `${name}-${request.paymentId}`, processorStatus: 'succeeded' };
		},
	};
	return connector;
}

const stripe = processor('stripe');
const square = processor('square');
const health = { ...defaultRoutingConfig().health, minSamples: 2, failureThreshold: 0.5, coolDownMs: 30_000, windowMs: 600_000, probeShare: 0 };
const config = defaultRoutingConfig({ rules: [{ type: 'pin', processor: 'stripe' }], health });
/** Two workers: each its own router (and cache) on the one store. */
let workers: PaymentRouter[] = [];
const payment = (): PaymentRequest => ({ paymentId: `cb-${++sequence}`, amount: 10, currency: 'USD', country: 'US', tokens: { stripe: 'pm_1', square: 'cnon_1' } });

test('one worker opens the circuit for both; after the cool-down one payment probes, the rest keep to the fallback', async () => {
	stripe.down = true;
	await workers[0].process(payment());
	await workers[0].process(payment());
	expect((await workers[1].stats.circuit('stripe')).state).toBe('open');
	stripe.calls.length = 0;
	const whileOpen = await workers[1].process(payment());
	expect(whileOpen).toMatchObject({ status: 'succeeded', processor: 'square', fallbackUsed: false });
	expect(stripe.calls).toEqual([]);

	clock += 30_000;
	const halfOpen = await Promise.all(Array.from({ length: 6 }, (_, index) => workers[index % 2].process(payment())));
	expect(halfOpen.every((result) => result.status === 'succeeded' && result.processor === 'square')).toBe(true);
	// Exactly one probe across both workers; it failed, so the circuit is open again for a new cool-down.
	expect(stripe.calls).toHaveLength(1);
	expect(await workers[0].stats.circuit('stripe')).toMatchObject({ state: 'open', openUntilMs: clock + 30_000 });

	stripe.down = false;
	stripe.calls.length = 0;
	clock += 30_000;
	const probe = await workers[1].process(payment());
	expect(probe).toMatchObject({ status: 'succeeded', processor: 'stripe' });
	expect(probe.status !== 'failed' && probe.ranking[0].notes).toContain('circuit half-open: this payment probes it');
	expect((await workers[0].stats.circuit('stripe')).state).toBe('closed');
	const after = await Promise.all(Array.from({ length: 4 }, (_, index) => workers[index % 2].process(payment())));
	expect(after.map((result) => result.status === 'succeeded' && result.processor)).toEqual(['stripe', 'stripe', 'stripe', 'stripe']);
});
