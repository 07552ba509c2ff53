/**
 * The payment router against the four processor sandboxes: exactly one charge across lost responses, retries,
 * re-submissions and concurrent duplicates; fallback on processor failure only; circuit-break and recovery.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { defaultRoutingConfig, openPayments, PaymentRouter, paymentFingerprint, type PaymentRequest, type PaymentResult, type RoutingConfig } from '../../lib/payments';
import { paymentMigrations } from '../../lib/payments/migrations';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import { idempotencyKeyFor, type PaymentConnector } from '../../lib/platforms/payments';
import { closeAllStores, coreMigrations, openStore, type StateStore, type StoreConfig } from '../../lib/store';
import { acquirePostgres, uniqueName } from '../support/postgres';
import { sandboxAccount } from '../support/standalone';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';

const processors = ['stripe', 'square', 'paypal', 'braintree'] as const;
type Processor = (typeof processors)[number];

const okTokens = { stripe: 'pm_card_visa', square: 'cnon:card-nonce-ok', paypal: 'vault-ok', braintree: 'fake-valid-nonce' };

let sandboxes: Record<Processor, RunningSandbox>;
let control: Record<Processor, SandboxControl>;
let store: StateStore;
let connectors: Record<string, PaymentConnector>;
let paymentCounter = 0;

let releasePostgres: (() => Promise<void>) | undefined;

beforeAll(async () => {
	const started = await Promise.all(processors.map((name) => startSandbox(name)));
	sandboxes = Object.fromEntries(processors.map((name, index) => [name, started[index]])) as Record<Processor, RunningSandbox>;
	control = Object.fromEntries(processors.map((name) => [name, new SandboxControl(sandboxes[name].baseUrl)])) as Record<Processor, SandboxControl>;
});

afterAll(async () => {
	await closeAllStores();
	await releasePostgres?.();
	await Promise.all(Object.values(sandboxes).map((sandbox) => sandbox.close()));
});

/** The same behaviour on the zero-configuration SQLite store and on PostgreSQL (n8n queue mode). */
async function storeConfig(backend: 'sqlite' | 'postgres'): Promise<StoreConfig> {
	if (backend === 'sqlite') return { kind: 'sqlite', file: path.join(mkdtempSync(path.join(tmpdir(), 'payments-engine-')), 'state.sqlite') };
	const server = await acquirePostgres();
	releasePostgres = server.release;
	return { kind: 'postgres', ...server.config, schema: uniqueName('payments') };
}

beforeEach(async () => {
	await Promise.all(processors.map((name) => control[name].reset()));
	await store.db.run('DELETE FROM processor_outcomes');
	await store.db.run('DELETE FROM store_circuits');
});

/** The four processors through the standalone resolver and the payments entry, over the suite's store. */
async function connectProcessors(only: readonly Processor[] = processors): Promise<Record<string, PaymentConnector>> {
	const accounts = only.map((name) => sandboxAccount(name, sandboxes[name].baseUrl, sandboxes[name].credentials));
	return await openPayments({ store, platforms: standalonePlatforms(accounts, { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } }) }).connectors(only);
}

function router(overrides: Partial<RoutingConfig> = {}, options: { now?: () => number; settleTries?: number; waitMs?: number } = {}): PaymentRouter {
	return new PaymentRouter({ db: store.db, connectors, config: defaultRoutingConfig(overrides), pollMs: 5, ...options });
}

function payment(overrides: Partial<PaymentRequest> = {}): PaymentRequest {
	return { paymentId: `pay-${Date.now()}-${++paymentCounter}`, amount: 20, currency: 'USD', country: 'US', tokens: { ...okTokens }, ...overrides };
}

async function charges(): Promise<Record<Processor, number>> {
	const [stripe, square, paypal, braintree] = await Promise.all([
		control.stripe.state<unknown[]>('charges'),
		control.square.state<unknown[]>('completed'),
		control.paypal.state<unknown[]>('captures'),
		control.braintree.state<unknown[]>('settled'),
	]);
	return { stripe: stripe.length, square: square.length, paypal: paypal.length, braintree: braintree.length };
}

async function requestsTo(processor: Processor): Promise<number> {
	return (await control[processor].requests()).length;
}

describe.each(['sqlite', 'postgres'] as const)('on %s', (backend) => {
	beforeAll(async () => {
		await closeAllStores();
		store = await openStore(await storeConfig(backend), [...coreMigrations, ...paymentMigrations]);
		connectors = await connectProcessors();
	});

	describe('routing and charging', () => {
		test('charges the best-ranked processor once and explains the ranking factor by factor', async () => {
			const result = await router().process(payment());
			expect(result).toMatchObject({ status: 'succeeded', processor: 'stripe', fallbackUsed: false, amount: '20.00', currency: 'USD', feeMinor: 88, fee: '0.88' });
			expect(await charges()).toEqual({ stripe: 1, square: 0, paypal: 0, braintree: 0 });
			const first = result.ranking[0];
			expect(first.processor).toBe('stripe');
			const total = Object.values(first.factors!).reduce((sum, factor) => sum + factor.contribution, 0);
			expect(total).toBeCloseTo(first.score, 3);
			expect(result.ranking.map((entry) => entry.processor)).toEqual(['stripe', 'square', 'braintree', 'paypal']);
		});

		test('each processor charges through its own API when pinned', async () => {
			for (const processor of processors) {
				const result = await router({ rules: [{ type: 'pin', processor }] }).process(payment());
				expect(result).toMatchObject({ status: 'succeeded', processor });
			}
			expect(await charges()).toEqual({ stripe: 1, square: 1, paypal: 1, braintree: 1 });
		});

		test('a re-submission of a finished payment returns the stored result without a request', async () => {
			const request = payment();
			const first = await router().process(request);
			const before = await requestsTo('stripe');
			const again = await router().process(request);
			expect(again).toMatchObject({ status: 'succeeded', transactionId: first.status === 'succeeded' ? first.transactionId : '', replayed: true });
			expect(await requestsTo('stripe')).toBe(before);
			const reused = await router().process({ ...request, amount: 21 });
			expect(reused).toMatchObject({ status: 'failed', reason: 'payment_id_reused' });
		});
	});

	describe('exactly once', () => {
		test('a response lost after Stripe charged is replayed with the same key: one charge', async () => {
			await control.stripe.fault({ kind: 'lost_response', match: { path: '/v1/payment_intents' } });
			const result = await router().process(payment());
			expect(result).toMatchObject({ status: 'succeeded', processor: 'stripe', fallbackUsed: false });
			expect(await charges()).toEqual({ stripe: 1, square: 0, paypal: 0, braintree: 0 });
		});

		test('a response lost after Braintree charged is found by its order id: one charge', async () => {
			await control.braintree.fault({ kind: 'lost_response', match: { path: '/graphql' } });
			const result = await router({ rules: [{ type: 'pin', processor: 'braintree' }] }).process(payment());
			expect(result).toMatchObject({ status: 'succeeded', processor: 'braintree' });
			expect(await charges()).toEqual({ stripe: 0, square: 0, paypal: 0, braintree: 1 });
			const operations = (await control.braintree.requests()).map((entry) => JSON.stringify(entry.body).includes('chargePaymentMethod') ? 'charge' : 'search');
			expect(operations).toEqual(['charge', 'search']);
		});

		test('when the answer stays lost, no other processor is tried; the next submission settles it: one charge', async () => {
			await control.stripe.fault({ kind: 'lost_response', match: { path: '/v1/payment_intents' } });
			await control.stripe.fault({ kind: 'connection_reset', match: { path: '/v1/payment_intents' }, times: -1 });
			const request = payment();
			const lost = await router({}, { settleTries: 1 }).process(request);
			expect(lost).toMatchObject({ status: 'failed', reason: 'outcome_unknown' });
			expect(await charges()).toEqual({ stripe: 1, square: 0, paypal: 0, braintree: 0 });
			expect(await requestsTo('square')).toBe(0);

			await control.stripe.clearFaults();
			const settled = await router().process(request);
			expect(settled).toMatchObject({ status: 'succeeded', processor: 'stripe', replayed: false });
			expect(await charges()).toEqual({ stripe: 1, square: 0, paypal: 0, braintree: 0 });
		});

		test('the same payment submitted 20 times concurrently charges once and every submission gets that charge', async () => {
			await control.stripe.updateSettings({ processingMs: 50 });
			const request = payment();
			const results = await Promise.all(Array.from({ length: 20 }, () => router().process(request)));
			const ids = new Set(results.map((result) => (result.status !== 'failed' ? result.transactionId : result.reason)));
			expect(ids.size).toBe(1);
			expect(results.every((result) => result.status === 'succeeded')).toBe(true);
			expect(results.filter((result) => !result.replayed)).toHaveLength(1);
			expect(await charges()).toEqual({ stripe: 1, square: 0, paypal: 0, braintree: 0 });
		});

		test('an execution that died mid-charge is taken over after its lease: the charge is settled, not repeated', async () => {
			let clock = Date.now();
			const request = payment({ paymentId: `crashed-${paymentCounter}` });
			const crashed = router({}, { now: () => clock });
			// The dead execution claimed the payment, recorded its attempt and reached Stripe, then vanished.
			const fingerprint = paymentFingerprint(2000, 'USD', 'card', request.tokens);
			const claim = await crashed.payments.claim({ paymentId: request.paymentId, fingerprint, amountMinor: 2000, currency: 'USD', leaseMs: 60_000, nowMs: clock });
			expect(claim.status).toBe('claimed');
			const key = idempotencyKeyFor(request.paymentId, 'stripe');
			await crashed.payments.startAttempt(request.paymentId, (claim as { owner: string }).owner, 'stripe', key, 60_000, clock);
			const stripeOnly = await connectProcessors(['stripe']);
			await stripeOnly.stripe.charge({ paymentId: request.paymentId, idempotencyKey: key, amountMinor: 2000, currency: 'USD', method: 'card', token: 'pm_card_visa', description: undefined, resuming: false });

			// While the lease holds, a new submission waits and then gives up without touching a processor.
			let ticking = clock;
			const waiting = await router({}, { now: () => (ticking += 10), waitMs: 200 }).process(request);
			expect(waiting).toMatchObject({ status: 'failed', reason: 'in_progress' });
			clock += 61_000;
			// Even with Square pinned now, the pending Stripe attempt is settled first and decides.
			const taken = await router({ rules: [{ type: 'pin', processor: 'square' }] }, { now: () => clock }).process(request);
			expect(taken).toMatchObject({ status: 'succeeded', processor: 'stripe', fallbackUsed: false });
			expect(await charges()).toEqual({ stripe: 1, square: 0, paypal: 0, braintree: 0 });
		});

		test('the store refuses a second successful attempt for one payment id', async () => {
			const result = await router().process(payment());
			await expect(
				store.db.run(`INSERT INTO payment_attempts (payment_id, seq, processor, idempotency_key, outcome, started_at) VALUES (?, 99, 'square', 'k', 'succeeded', 'now')`, [result.paymentId]),
			).rejects.toThrow();
		});
	});

	describe('fallback', () => {
		test('primary down: every payment succeeds through the fallback; when it recovers, traffic returns', async () => {
			let clock = Date.now();
			const health = { probeShare: 0.3, minSamples: 4, coolDownMs: 30_000, windowMs: 60_000 };
			const route = router({ health: { ...defaultRoutingConfig().health, ...health } }, { now: () => clock });
			await control.stripe.fault({ kind: 'error', status: 503, times: -1 });
			const during: PaymentResult[] = [];
			for (let index = 0; index < 20; index++) during.push(await route.process(payment({ paymentId: `primary-down-${index}` })));
			expect(during.every((result) => result.status === 'succeeded' && result.processor === 'square')).toBe(true);
			// Probe payments keep trying Stripe (and fall back); the rest go straight to Square. Fixed ids: fixed probes.
			const stripeTries = during.filter((result) => result.attempts.some((attempt) => attempt.processor === 'stripe')).length;
			expect(stripeTries).toBeGreaterThan(1);
			expect(stripeTries).toBeLessThan(20);
			expect((await route.stats.circuit('stripe')).openUntilMs).toBeGreaterThan(clock);

			await control.stripe.clearFaults();
			clock += 61_000;
			const after: PaymentResult[] = [];
			for (let index = 0; index < 10; index++) after.push(await route.process(payment({ paymentId: `recovered-${index}` })));
			expect(after.every((result) => result.status === 'succeeded' && result.processor === 'stripe' && !result.fallbackUsed)).toBe(true);
			expect(await route.stats.circuit('stripe')).toMatchObject({ state: 'closed', openUntilMs: 0 });
		});

		test('a hard decline stops at once: no fallback, a clear reason', async () => {
			const result = await router().process(payment({ tokens: { ...okTokens, stripe: 'pm_card_visa_chargeDeclinedInsufficientFunds' } }));
			expect(result).toMatchObject({ status: 'failed', reason: 'hard_decline', code: 'insufficient_funds' });
			expect(result.attempts).toHaveLength(1);
			expect(await requestsTo('square')).toBe(0);
		});

		test('a processing error is the processor failing: the next processor charges', async () => {
			const result = await router().process(payment({ tokens: { ...okTokens, stripe: 'pm_card_chargeDeclinedProcessingError' } }));
			expect(result).toMatchObject({ status: 'succeeded', processor: 'square', fallbackUsed: true });
			expect(result.attempts.map((attempt) => [attempt.processor, attempt.outcome])).toEqual([
				['stripe', 'processor_failure'],
				['square', 'succeeded'],
			]);
		});

		test.each([
			['square', { square: 'cnon:card-nonce-rejected-cvv' }, 'CVV_FAILURE'],
			['paypal', { paypal: 'vault-declined' }, 'INSTRUMENT_DECLINED'],
			['braintree', {}, '2001'],
		])('%s decline codes are hard declines', async (processor, tokens, code) => {
			const amount = processor === 'braintree' ? 2001 : 20;
			const result = await router({ rules: [{ type: 'pin', processor }] }).process(payment({ amount, tokens: { ...okTokens, ...tokens } }));
			expect(result).toMatchObject({ status: 'failed', reason: 'hard_decline', code });
			expect(result.attempts).toHaveLength(1);
		});

		test('Braintree processor failure (3000.00) falls back', async () => {
			const result = await router({ rules: [{ type: 'pin', processor: 'braintree' }] }).process(payment({ amount: 3000 }));
			expect(result).toMatchObject({ status: 'succeeded', fallbackUsed: true });
			expect(result.attempts[0]).toMatchObject({ processor: 'braintree', outcome: 'processor_failure', code: '3000' });
		});
	});
});
