/**
 * Authorize, then capture (all or part) or void, on each of the four processor sandboxes (Stripe capture_method
 * manual, PayPal intent AUTHORIZE, Square autocomplete off, Braintree authorizePaymentMethod), on SQLite and
 * PostgreSQL: the hold's end is recorded and listed; one capture or void per payment across lost responses,
 * re-submissions and concurrent duplicates; what was captured is the ceiling of later refunds.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { defaultRoutingConfig, openPayments, PaymentRouter, type AuthorizationOutcome, type PaymentResult } from '../../lib/payments';
import { paymentMigrations } from '../../lib/payments/migrations';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import type { PaymentConnector } from '../../lib/platforms/payments';
import { InputError } from '../../lib/records/inputSchema';
import { closeAllStores, coreMigrations, openStore, type StateStore, type StoreConfig } from '../../lib/store';
import { acquirePostgres, uniqueName } from '../support/postgres';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { sandboxAccount } from '../support/standalone';

const processors = ['stripe', 'paypal', 'square', 'braintree'] as const;
type Processor = (typeof processors)[number];

const okTokens = { stripe: 'pm_card_visa', square: 'cnon:card-nonce-ok', paypal: 'vault-ok', braintree: 'fake-valid-nonce' };
/** Each processor's documented hold, in days (Square's `delay_duration` P7D for card not present). */
const holdDays: Record<Processor, number> = { stripe: 7, paypal: 29, square: 7, braintree: 7 };
/** The request that captures, as a fault's path pattern. */
const capturePath: Record<Processor, string> = { stripe: '/capture$', paypal: '^/v2/payments/authorizations/.+/capture$', square: '/complete$', braintree: '^/graphql$' };
/**
 * Lost answers that leave the first submission without a verdict: the transport repeats keyed requests (Stripe, PayPal)
 * 3 times; Square's complete has no key and is not repeated; Braintree's capture is not repeated but its status look-up
 * is (1 + 3).
 */
const lostTimes: Record<Processor, number> = { stripe: 3, paypal: 3, square: 1, braintree: 4 };

let sandboxes: Record<Processor, RunningSandbox>;
let control: Record<Processor, SandboxControl>;
let store: StateStore;
let connectors: Record<string, PaymentConnector>;
let counter = 0;
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

beforeEach(async () => {
	await Promise.all(processors.map((name) => control[name].reset()));
});

async function storeConfig(backend: 'sqlite' | 'postgres'): Promise<StoreConfig> {
	if (backend === 'sqlite') return { kind: 'sqlite', file: path.join(mkdtempSync(path.join(tmpdir(), 'payments-capture-')), 'state.sqlite') };
	const server = await acquirePostgres();
	releasePostgres = server.release;
	return { kind: 'postgres', ...server.config, schema: uniqueName('capture') };
}

async function connectProcessors(): Promise<Record<string, PaymentConnector>> {
	const accounts = processors.map((name) => sandboxAccount(name, sandboxes[name].baseUrl, sandboxes[name].credentials));
	const platforms = standalonePlatforms(accounts, { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
	return await openPayments({ store, platforms }).connectors(processors);
}

function router(processor: Processor): PaymentRouter {
	return new PaymentRouter({ db: store.db, connectors, config: defaultRoutingConfig({ rules: [{ type: 'pin', processor }] }), pollMs: 5 });
}

/** A 50.00 USD authorization on `processor`. */
async function authorized(processor: Processor): Promise<Extract<PaymentResult, { status: 'authorized' }>> {
	const paymentId = `held-${processor}-${Date.now()}-${++counter}`;
	const result = await router(processor).process({ paymentId, amount: 50, currency: 'USD', country: 'US', tokens: okTokens, capture: false });
	if (result.status !== 'authorized' || result.processor !== processor) throw new Error(`not authorized on ${processor}: ${JSON.stringify(result)}`);
	return result;
}

/** The captures each processor holds, in minor units. */
async function capturesAt(processor: Processor): Promise<number[]> {
	if (processor === 'stripe') return (await control.stripe.state<Array<{ amount: number }>>('charges')).map((charge) => charge.amount);
	if (processor === 'paypal') return (await control.paypal.state<Array<{ amount: { value: string } }>>('captures')).map((capture) => Math.round(Number(capture.amount.value) * 100));
	if (processor === 'square') return (await control.square.state<Array<{ amount_money: { amount: number } }>>('completed')).map((payment) => payment.amount_money.amount);
	const sales = await control.braintree.state<Array<{ type: string; status: string; amount: string }>>('settled');
	return sales.map((sale) => Math.round(Number(sale.amount) * 100));
}

/** Whether the processor shows the authorization voided. */
async function voidedAt(processor: Processor, transactionId: string): Promise<boolean> {
	if (processor === 'stripe') return (await control.stripe.state<Array<{ id: string; status: string }>>('payment_intents')).some((intent) => intent.id === transactionId && intent.status === 'canceled');
	if (processor === 'paypal') return (await control.paypal.state<Array<{ id: string; status: string }>>('authorizations')).some((entry) => entry.id === transactionId && entry.status === 'VOIDED');
	if (processor === 'square') return (await control.square.state<Array<{ id: string; status: string }>>('payments')).some((payment) => payment.id === transactionId && payment.status === 'CANCELED');
	const legacyId = Buffer.from(transactionId, 'base64').toString('utf8').replace(/^transaction_/, '');
	return (await control.braintree.state<Array<{ id: string; status: string }>>('transactions')).some((transaction) => transaction.id === legacyId && transaction.status === 'voided');
}

function done(outcome: AuthorizationOutcome): Extract<AuthorizationOutcome, { replayed: boolean }> {
	if (outcome.status === 'failed') throw new Error(`${outcome.reason}: ${outcome.message}`);
	return outcome;
}

const days = (iso: string, from: number) => (Date.parse(iso) - from) / 86_400_000;

describe.each(['sqlite', 'postgres'] as const)('on %s', (backend) => {
	beforeAll(async () => {
		store = await openStore(await storeConfig(backend), [...coreMigrations, ...paymentMigrations]);
		connectors = await connectProcessors();
	});

	describe.each(processors)('%s', (processor) => {
		test('authorize records when the hold ends; a partial capture takes 30.00 of 50.00 once and caps later refunds', async () => {
			const before = Date.now();
			const held = await authorized(processor);
			expect(days(held.expiresAt, before)).toBeGreaterThan(holdDays[processor] - 0.01);
			expect(days(held.expiresAt, before)).toBeLessThan(holdDays[processor] + 0.01);
			if (processor === 'paypal') expect(days(held.honorPeriodEndsAt!, before)).toBeCloseTo(3, 1);
			const stored = await router(processor).payments.transaction(held.paymentId);
			expect(stored).toMatchObject({ state: 'authorized', authorizationExpiresAt: held.expiresAt });
			expect(await capturesAt(processor)).toEqual([]);

			const capture = done(await router(processor).capture(held.paymentId, 30));
			expect(capture).toMatchObject({ status: 'captured', processor, amount: '30.00', authorizedAmount: '50.00', replayed: false });
			expect(await capturesAt(processor)).toEqual([3000]);
			expect(done(await router(processor).capture(held.paymentId, 30))).toMatchObject({ amount: '30.00', replayed: true });
			expect(await router(processor).capture(held.paymentId, 40)).toMatchObject({ status: 'failed', reason: 'not_authorized' });
			expect(await router(processor).cancel(held.paymentId)).toMatchObject({ status: 'failed', reason: 'not_authorized', state: 'succeeded' });
			expect(await capturesAt(processor)).toEqual([3000]);
			await expect(router(processor).refund({ paymentId: held.paymentId, refundId: `${held.paymentId}-r`, amount: 30.01 })).rejects.toThrow(/at most the 30\.00 USD that remains/);
		});

		test('a capture whose answer is lost through every retry is settled by its repeat: one capture; a void meanwhile is refused', async () => {
			const held = await authorized(processor);
			await control[processor].fault({ kind: 'lost_response', match: { method: 'POST', path: capturePath[processor] }, times: lostTimes[processor] });
			const first = await router(processor).capture(held.paymentId, 20);
			expect(first).toMatchObject({ status: 'failed', reason: 'outcome_unknown' });
			expect(await capturesAt(processor)).toEqual([2000]);
			// Nothing else may go out for the payment until that capture is settled.
			expect(await router(processor).cancel(held.paymentId)).toMatchObject({ status: 'failed', reason: 'outcome_unknown' });
			expect(await router(processor).capture(held.paymentId, 25)).toMatchObject({ status: 'failed', reason: 'outcome_unknown' });
			expect(await voidedAt(processor, held.transactionId)).toBe(false);
			const settled = done(await router(processor).capture(held.paymentId, 20));
			expect(settled).toMatchObject({ status: 'captured', amount: '20.00', replayed: false });
			expect(await capturesAt(processor)).toEqual([2000]);
		});

		test('six concurrent captures of one payment make one capture and all answer with it', async () => {
			const held = await authorized(processor);
			const outcomes = (await Promise.all(Array.from({ length: 6 }, () => router(processor).capture(held.paymentId)))).map(done);
			expect(outcomes.every((outcome) => outcome.status === 'captured' && outcome.amount === '50.00')).toBe(true);
			expect(outcomes.filter((outcome) => !outcome.replayed)).toHaveLength(1);
			expect(await capturesAt(processor)).toEqual([5000]);
		});

		test('void releases the hold once; a capture after it is refused without a charge', async () => {
			const held = await authorized(processor);
			const [first, second] = await Promise.all([router(processor).cancel(held.paymentId), router(processor).cancel(held.paymentId)]);
			expect([done(first).replayed, done(second).replayed].sort()).toEqual([false, true]);
			expect(await voidedAt(processor, held.transactionId)).toBe(true);
			expect(await router(processor).capture(held.paymentId)).toMatchObject({ status: 'failed', reason: 'not_authorized', state: 'canceled' });
			expect(await capturesAt(processor)).toEqual([]);
		});
	});

	test('authorizations expiring before a time are listed soonest first; captured and voided ones are not', async () => {
		const [stripeHold, squareHold, payPalHold, braintreeHold, voided] = [await authorized('stripe'), await authorized('square'), await authorized('paypal'), await authorized('braintree'), await authorized('stripe')];
		done(await router('stripe').cancel(voided.paymentId));
		const inEightDays = new Date(Date.now() + 8 * 86_400_000);
		const listed = await router('stripe').expiringAuthorizations(inEightDays);
		const ours = listed.filter((entry) => [stripeHold, squareHold, payPalHold, braintreeHold, voided].some((held) => held.paymentId === entry.paymentId));
		expect(ours.map((entry) => entry.paymentId).sort()).toEqual([stripeHold.paymentId, squareHold.paymentId, braintreeHold.paymentId].sort());
		expect(ours.map((entry) => entry.authorizationExpiresAt)).toEqual([...ours.map((entry) => entry.authorizationExpiresAt)].sort());
		const later = (await router('stripe').expiringAuthorizations(new Date(Date.now() + 30 * 86_400_000))).map((entry) => entry.paymentId);
		expect(later).toContain(payPalHold.paymentId);
		await expect(router('stripe').expiringAuthorizations(new Date('not a date'))).rejects.toThrow(InputError);
	});

	test('a capture above what was authorized, or finer than cents, is refused naming amount before any call', async () => {
		const held = await authorized('square');
		await expect(router('square').capture(held.paymentId, 50.01)).rejects.toThrow(/amount.*at most the 50\.00 USD authorized/);
		await expect(router('square').capture(held.paymentId, 1.001)).rejects.toThrow(/amount/);
		expect(await router('square').capture('never-submitted')).toMatchObject({ status: 'failed', reason: 'unknown_payment' });
		expect(await capturesAt('square')).toEqual([]);
	});
});
