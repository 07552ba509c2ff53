/**
 * 3-D Secure on the Stripe sandbox, on SQLite and PostgreSQL: a card that needs authentication ends `action_required`
 * with what the customer must do (not a decline, not a processor failure, no fallback); the customer authenticates
 * and the news (a webhook, delivered more than once, concurrently) finishes the payment exactly once; a refused
 * authentication is a hard decline; an authorize-only payment is held once authenticated.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { defaultRoutingConfig, openPayments, PaymentRouter, type PaymentRequest } from '../../lib/payments';
import { paymentMigrations } from '../../lib/payments/migrations';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import type { PaymentConnector } from '../../lib/platforms/payments';
import { closeAllStores, coreMigrations, openStore, type StateStore, type StoreConfig } from '../../lib/store';
import { acquirePostgres, uniqueName } from '../support/postgres';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { sandboxAccount } from '../support/standalone';

let stripe: RunningSandbox;
let square: RunningSandbox;
let stripeControl: SandboxControl;
let squareControl: SandboxControl;
let store: StateStore;
let connectors: Record<string, PaymentConnector>;
let counter = 0;
let releasePostgres: (() => Promise<void>) | undefined;

beforeAll(async () => {
	[stripe, square] = await Promise.all([startSandbox('stripe'), startSandbox('square')]);
	stripeControl = new SandboxControl(stripe.baseUrl);
	squareControl = new SandboxControl(square.baseUrl);
});

afterAll(async () => {
	await closeAllStores();
	await releasePostgres?.();
	await Promise.all([stripe.close(), square.close()]);
});

beforeEach(async () => {
	await Promise.all([stripeControl.reset(), squareControl.reset()]);
});

async function storeConfig(backend: 'sqlite' | 'postgres'): Promise<StoreConfig> {
	if (backend === 'sqlite') return { kind: 'sqlite', file: path.join(mkdtempSync(path.join(tmpdir(), 'payments-3ds-')), 'state.sqlite') };
	const server = await acquirePostgres();
	releasePostgres = server.release;
	return { kind: 'postgres', ...server.config, schema: uniqueName('threeds') };
}

function router(): PaymentRouter {
	return new PaymentRouter({ db: store.db, connectors, config: defaultRoutingConfig({ rules: [{ type: 'pin', processor: 'stripe' }] }), pollMs: 5 });
}

function threeDSecure(overrides: Partial<PaymentRequest> = {}): PaymentRequest {
	return {
		paymentId: `3ds-${Date.now()}-${++counter}`,
		amount: 42,
		currency: 'EUR',
		country: 'DE',
		tokens: { stripe: 'pm_card_threeDSecure2Required', square: 'cnon:card-nonce-ok' },
		returnUrl: 'https://shop.example/checkout/return',
		...overrides,
	};
}

/** The customer on the issuer's 3-D Secure page, as their browser opens the action's URL. */
async function customerAuthenticates(url: string, outcome: 'complete' | 'fail'): Promise<void> {
	const response = await fetch(`${url}&outcome=${outcome}`);
	expect(response.status).toBe(200);
}

const charges = async () => (await stripeControl.state<unknown[]>('charges')).length;

describe.each(['sqlite', 'postgres'] as const)('on %s', (backend) => {
	beforeAll(async () => {
		store = await openStore(await storeConfig(backend), [...coreMigrations, ...paymentMigrations]);
		const accounts = [sandboxAccount('stripe', stripe.baseUrl, stripe.credentials), sandboxAccount('square', square.baseUrl, square.credentials)];
		connectors = await openPayments({ store, platforms: standalonePlatforms(accounts, { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } }) }).connectors(['stripe', 'square']);
	});

	test('a card that needs 3-D Secure waits for the customer (no fallback); six deliveries of the news finish it once', async () => {
		const request = threeDSecure();
		const waiting = await router().process(request);
		expect(waiting).toMatchObject({ status: 'action_required', processor: 'stripe', capture: true, amount: '42.00', action: { type: 'redirect_to_url' } });
		if (waiting.status !== 'action_required') throw new Error('no action');
		expect(waiting.action.url).toContain('/3ds/challenge?payment_intent=');
		expect(waiting.attempts).toEqual([expect.objectContaining({ processor: 'stripe', outcome: 'action_required' })]);
		// Square was ranked but never tried: a payment waiting for its customer is not a processor failure.
		expect(await squareControl.state<unknown[]>('payments')).toEqual([]);
		expect(await router().process(request)).toMatchObject({ status: 'action_required', replayed: true, transactionId: waiting.transactionId });
		// Before the customer acts, the news (an early or unrelated event) leaves it waiting.
		expect(await router().completeAction('stripe', waiting.transactionId)).toMatchObject({ status: 'action_required' });
		expect(await charges()).toBe(0);

		await customerAuthenticates(waiting.action.url!, 'complete');
		const outcomes = await Promise.all(Array.from({ length: 6 }, () => router().completeAction('stripe', waiting.transactionId)));
		expect(outcomes.every((outcome) => outcome.status === 'succeeded' && outcome.transactionId === waiting.transactionId)).toBe(true);
		expect(outcomes.filter((outcome) => !outcome.replayed)).toHaveLength(1);
		expect(await charges()).toBe(1);
		expect(await router().payments.transaction(request.paymentId)).toMatchObject({ state: 'succeeded', attempts: [expect.objectContaining({ outcome: 'succeeded' })] });
		// The route repeated now answers with the finished payment.
		expect(await router().process(request)).toMatchObject({ status: 'succeeded', replayed: true });
	});

	test('a refused authentication is a hard decline, recorded once; nothing is charged', async () => {
		const waiting = await router().process(threeDSecure({ returnUrl: undefined }));
		expect(waiting).toMatchObject({ status: 'action_required', action: { type: 'use_stripe_sdk' } });
		if (waiting.status !== 'action_required') throw new Error('no action');
		expect(waiting.action.clientSecret).toMatch(/^pi_.+_secret_/);
		const intents = await stripeControl.state<Array<{ id: string; next_action: { use_stripe_sdk: { stripe_js: string } } }>>('payment_intents');
		await customerAuthenticates(intents[0].next_action.use_stripe_sdk.stripe_js, 'fail');
		const [first, second] = await Promise.all([router().completeAction('stripe', waiting.transactionId), router().completeAction('stripe', waiting.transactionId)]);
		for (const outcome of [first, second]) expect(outcome).toMatchObject({ status: 'failed', reason: 'hard_decline', code: 'payment_intent_authentication_failure' });
		expect([first.replayed, second.replayed].sort()).toEqual([false, true]);
		expect(await router().payments.transaction(waiting.paymentId)).toMatchObject({ state: 'failed', reason: 'hard_decline' });
		expect(await charges()).toBe(0);
	});

	test('an authorize-only payment that needed 3-D Secure is held once authenticated, with its expiry, and captured later', async () => {
		const waiting = await router().process(threeDSecure({ capture: false }));
		if (waiting.status !== 'action_required') throw new Error(`no action: ${JSON.stringify(waiting)}`);
		expect(waiting.capture).toBe(false);
		await customerAuthenticates(waiting.action.url!, 'complete');
		const held = await router().completeAction('stripe', waiting.transactionId);
		expect(held).toMatchObject({ status: 'authorized', replayed: false, expiresAt: expect.any(String) });
		expect(await charges()).toBe(0);
		expect(await router().capture(waiting.paymentId, 40)).toMatchObject({ status: 'captured', amount: '40.00' });
		expect(await charges()).toBe(1);
	});

	test('news about a payment this store never routed is refused as unknown', async () => {
		expect(await router().completeAction('stripe', 'pi_not_ours')).toMatchObject({ status: 'failed', reason: 'unknown_payment' });
	});
});
