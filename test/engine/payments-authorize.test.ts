/**
 * Authorize now, capture or cancel later, against the Stripe and Square sandboxes: an authorize-only payment goes
 * only to a processor whose connector can hold it (every processor's can; the test makes one that cannot), is captured exactly once however often capture is repeated, and
 * a cancel or an unknown id ends in a clear refusal rather than a charge.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { defaultRoutingConfig, openPayments, PaymentRouter, type PaymentRequest } from '../../lib/payments';
import { paymentMigrations } from '../../lib/payments/migrations';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import { idempotencyKeyFor, type PaymentConnector } from '../../lib/platforms/payments';
import type { HttpRequest } from '../../lib/transport';
import { closeAllStores, coreMigrations, openStore, type StateStore } from '../../lib/store';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { sandboxAccount } from '../support/standalone';

interface SandboxIntent {
	id: string;
	status: string;
	capture_method: string;
}

let stripe: RunningSandbox;
let square: RunningSandbox;
let stripeControl: SandboxControl;
let store: StateStore;
let connectors: Record<string, PaymentConnector>;
let counter = 0;
/** Every request the Stripe connector sent, as the transport handed it to the HTTP client. */
let sentToStripe: HttpRequest[] = [];

beforeAll(async () => {
	[stripe, square] = await Promise.all([startSandbox('stripe'), startSandbox('square')]);
	stripeControl = new SandboxControl(stripe.baseUrl);
	const file = path.join(mkdtempSync(path.join(tmpdir(), 'payments-authorize-')), 'state.sqlite');
	store = await openStore({ kind: 'sqlite', file }, [...coreMigrations, ...paymentMigrations]);
	connectors = await connectProcessors();
});

afterAll(async () => {
	await closeAllStores();
	await Promise.all([stripe.close(), square.close()]);
});

beforeEach(async () => {
	await stripeControl.reset();
	sentToStripe = [];
});

/** Stripe (its requests recorded) and Square through the standalone resolver and the payments entry. */
async function connectProcessors(): Promise<Record<string, PaymentConnector>> {
	const accounts = [sandboxAccount('stripe', stripe.baseUrl, stripe.credentials), sandboxAccount('square', square.baseUrl, square.credentials)];
	const platforms = standalonePlatforms(accounts, {
		retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
		client: (inner, account) => ({
			send: async (request) => {
				if (account.platform === 'stripe') sentToStripe.push(request);
				return inner.send(request);
			},
		}),
	});
	return await openPayments({ store, platforms }).connectors(['stripe', 'square']);
}

function router(): PaymentRouter {
	return new PaymentRouter({ db: store.db, connectors, config: defaultRoutingConfig(), pollMs: 5 });
}

function authorizeOnly(overrides: Partial<PaymentRequest> = {}): PaymentRequest {
	const tokens = { stripe: 'pm_card_visa', square: 'cnon:card-nonce-ok' };
	return { paymentId: `auth-${Date.now()}-${++counter}`, amount: 25, currency: 'USD', country: 'US', tokens, capture: false, ...overrides };
}

async function stripeCharges(): Promise<number> {
	return (await stripeControl.state<unknown[]>('charges')).length;
}

test('capture off holds the payment without charging; a processor whose connector cannot hold it is skipped with a note', async () => {
	// A Square connection that can only charge at once, as every processor but Stripe was before authorizations.
	const chargeOnly: PaymentConnector = { processor: 'square', charge: (request) => connectors.square.charge(request) };
	const result = await new PaymentRouter({ db: store.db, connectors: { ...connectors, square: chargeOnly }, config: defaultRoutingConfig(), pollMs: 5 }).process(authorizeOnly());
	expect(result).toMatchObject({ status: 'authorized', processor: 'stripe', fallbackUsed: false });
	if (result.status === 'failed') throw new Error('not authorized');
	const squareRank = result.ranking.find((entry) => entry.processor === 'square');
	expect(squareRank).toMatchObject({ eligible: false, notes: ['its connector does not support authorize-only payments (capture off)'] });
	const intents = await stripeControl.state<SandboxIntent[]>('payment_intents');
	expect(intents).toEqual([expect.objectContaining({ id: result.transactionId, status: 'requires_capture', capture_method: 'manual' })]);
	expect(await stripeCharges()).toBe(0);
	expect(await router().payments.transaction(result.paymentId)).toMatchObject({ state: 'authorized', processor: 'stripe', processorTransactionId: result.transactionId });
});

test('authorize → capture charges once, even when capture is called twice, at once or later', async () => {
	const authorized = await router().process(authorizeOnly());
	if (authorized.status === 'failed') throw new Error(authorized.message);
	const [first, concurrent] = await Promise.all([router().capture(authorized.paymentId), router().capture(authorized.paymentId)]);
	const later = await router().capture(authorized.paymentId);
	for (const result of [first, concurrent, later]) {
		expect(result).toMatchObject({ status: 'captured', paymentId: authorized.paymentId, processor: 'stripe', transactionId: authorized.transactionId, amount: '25.00', processorStatus: 'succeeded' });
	}
	expect(later.status === 'captured' && later.replayed).toBe(true);
	expect(await stripeCharges()).toBe(1);
	expect(await router().payments.transaction(authorized.paymentId)).toMatchObject({ state: 'succeeded' });
	// Every capture request carried the key derived from the payment id and "capture".
	const captures = sentToStripe.filter((request) => request.url.endsWith('/capture'));
	expect(captures.length).toBeGreaterThanOrEqual(1);
	expect(new Set(captures.map((request) => request.headers?.['Idempotency-Key']))).toEqual(new Set([idempotencyKeyFor(authorized.paymentId, 'capture')]));
	// Re-submitting the route answers with the stored authorization: nothing is charged again.
	expect(await router().process({ ...authorizeOnly(), paymentId: authorized.paymentId })).toMatchObject({ status: 'authorized', replayed: true });
	expect(await stripeCharges()).toBe(1);
});

test('authorize → cancel releases the hold; a repeat cancel replays, and a capture after it is refused', async () => {
	const authorized = await router().process(authorizeOnly());
	if (authorized.status === 'failed') throw new Error(authorized.message);
	expect(await router().cancel(authorized.paymentId)).toMatchObject({ status: 'canceled', processorStatus: 'canceled', replayed: false });
	expect(await router().cancel(authorized.paymentId)).toMatchObject({ status: 'canceled', replayed: true });
	expect(await router().payments.transaction(authorized.paymentId)).toMatchObject({ state: 'canceled' });
	const capture = await router().capture(authorized.paymentId);
	expect(capture).toMatchObject({ status: 'failed', reason: 'not_authorized', state: 'canceled' });
	expect(capture.status === 'failed' && capture.message).toMatch(/was voided: it cannot be captured/);
	expect((await stripeControl.state<SandboxIntent[]>('payment_intents'))[0].status).toBe('canceled');
	expect(await stripeCharges()).toBe(0);
});

test('capture of an unknown payment, or of one captured when charged, is refused without calling Stripe', async () => {
	expect(await router().capture('never-submitted')).toMatchObject({ status: 'failed', reason: 'unknown_payment', message: 'No payment with id never-submitted has been submitted' });
	const charged = await router().process(authorizeOnly({ capture: true }));
	expect(charged).toMatchObject({ status: 'succeeded' });
	const cancel = await router().cancel(charged.paymentId);
	expect(cancel).toMatchObject({ status: 'failed', reason: 'not_authorized', state: 'succeeded' });
	expect(sentToStripe.filter((request) => /\/(capture|cancel)$/.test(request.url))).toHaveLength(0);
});

test('Stripe refusing a capture (the intent was canceled elsewhere) is reported with its code; the payment stays authorized', async () => {
	const authorized = await router().process(authorizeOnly());
	if (authorized.status === 'failed') throw new Error(authorized.message);
	const outOfBand = await fetch(`${stripe.baseUrl}/v1/payment_intents/${authorized.transactionId}/cancel`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${stripe.credentials.secretKey}`, 'Content-Type': 'application/x-www-form-urlencoded' },
	});
	expect(outOfBand.status).toBe(200);
	const capture = await router().capture(authorized.paymentId);
	expect(capture).toMatchObject({ status: 'failed', reason: 'processor_refused', code: 'payment_intent_unexpected_state', state: 'authorized' });
	expect(await stripeCharges()).toBe(0);
});
