/**
 * PayPal's payer action on the PayPal sandbox, on SQLite and PostgreSQL, as the Stripe 3-D Secure path does it: an
 * order PayPal says its payer must approve (PAYER_ACTION_REQUIRED) ends `action_required` with PayPal's page, not a
 * decline or a processor failure (no fallback); the payer approves; the news (CHECKOUT.ORDER.APPROVED, delivered more
 * than once, concurrently, and with the capture's answer lost) captures the order exactly once, and the payment is then
 * refundable against that capture; an authorize-only order is held once approved.
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

let paypal: RunningSandbox;
let braintree: RunningSandbox;
let paypalControl: SandboxControl;
let braintreeControl: SandboxControl;
let store: StateStore;
let connectors: Record<string, PaymentConnector>;
let counter = 0;
let releasePostgres: (() => Promise<void>) | undefined;

beforeAll(async () => {
	[paypal, braintree] = await Promise.all([startSandbox('paypal'), startSandbox('braintree')]);
	paypalControl = new SandboxControl(paypal.baseUrl);
	braintreeControl = new SandboxControl(braintree.baseUrl);
});

afterAll(async () => {
	await closeAllStores();
	await releasePostgres?.();
	await Promise.all([paypal.close(), braintree.close()]);
});

beforeEach(async () => {
	await Promise.all([paypalControl.reset(), braintreeControl.reset()]);
});

async function storeConfig(backend: 'sqlite' | 'postgres'): Promise<StoreConfig> {
	if (backend === 'sqlite') return { kind: 'sqlite', file: path.join(mkdtempSync(path.join(tmpdir(), 'payments-paypal-action-')), 'state.sqlite') };
	const server = await acquirePostgres();
	releasePostgres = server.release;
	return { kind: 'postgres', ...server.config, schema: uniqueName('payeraction') };
}

function router(): PaymentRouter {
	return new PaymentRouter({ db: store.db, connectors, config: defaultRoutingConfig({ rules: [{ type: 'pin', processor: 'paypal' }] }), pollMs: 5 });
}

/** A PayPal wallet payment whose payer must approve it on PayPal's page (the sandbox's vault id says so). */
function payerApproves(overrides: Partial<PaymentRequest> = {}): PaymentRequest {
	return {
		paymentId: `payer-${Date.now()}-${++counter}`,
		amount: 64.5,
		currency: 'EUR',
		country: 'DE',
		method: 'paypal',
		tokens: { paypal: 'vault-needs-approval', braintree: 'fake-valid-nonce' },
		returnUrl: 'https://shop.example/checkout/return',
		...overrides,
	};
}

/** The payer on PayPal's page, as their browser opens the action's URL. */
async function payerApprovesAt(url: string): Promise<void> {
	expect((await fetch(url)).status).toBe(200);
}

const captures = async () => await paypalControl.state<Array<{ id: string; amount: { value: string } }>>('captures');

describe.each(['sqlite', 'postgres'] as const)('on %s', (backend) => {
	beforeAll(async () => {
		store = await openStore(await storeConfig(backend), [...coreMigrations, ...paymentMigrations]);
		const accounts = [sandboxAccount('paypal', paypal.baseUrl, paypal.credentials), sandboxAccount('braintree', braintree.baseUrl, braintree.credentials)];
		connectors = await openPayments({ store, platforms: standalonePlatforms(accounts, { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } }) }).connectors(['paypal', 'braintree']);
	});

	test('an order its payer must approve waits (no fallback); six deliveries of the approval, the first answer lost, capture it once', async () => {
		const request = payerApproves();
		const waiting = await router().process(request);
		expect(waiting).toMatchObject({ status: 'action_required', processor: 'paypal', capture: true, amount: '64.50', action: { type: 'payer_action' } });
		if (waiting.status !== 'action_required') throw new Error('no action');
		expect(waiting.action.url).toBe(`${paypal.baseUrl}/checkoutnow?token=${waiting.transactionId}`);
		expect(waiting.attempts).toEqual([expect.objectContaining({ processor: 'paypal', outcome: 'action_required' })]);
		// Braintree was ranked but never tried: a payment waiting for its payer is not a processor failure.
		expect(await braintreeControl.state<unknown[]>('transactions')).toEqual([]);
		expect(await router().process(request)).toMatchObject({ status: 'action_required', replayed: true, transactionId: waiting.transactionId });
		// Before the payer approves, the news leaves it waiting and captures nothing.
		expect(await router().completeAction('paypal', waiting.transactionId)).toMatchObject({ status: 'action_required' });
		expect(await captures()).toEqual([]);

		await payerApprovesAt(waiting.action.url!);
		// The first capture is made at PayPal, but its answer never arrives (every try of the transport).
		await paypalControl.fault({ kind: 'lost_response', match: { path: `/v2/checkout/orders/${waiting.transactionId}/capture` }, times: 3 });
		expect(await router().completeAction('paypal', waiting.transactionId)).toMatchObject({ status: 'failed', reason: 'outcome_unknown' });
		expect(await router().payments.transaction(request.paymentId)).toMatchObject({ state: 'action_required' });
		const outcomes = await Promise.all(Array.from({ length: 6 }, () => router().completeAction('paypal', waiting.transactionId)));
		const [capture] = await captures();
		expect(await captures()).toHaveLength(1);
		expect(outcomes.every((outcome) => outcome.status === 'succeeded' && outcome.transactionId === capture.id)).toBe(true);
		expect(outcomes.filter((outcome) => !outcome.replayed)).toHaveLength(1);
		expect(await router().payments.transaction(request.paymentId)).toMatchObject({ state: 'succeeded', processorTransactionId: capture.id, attempts: [expect.objectContaining({ outcome: 'succeeded' })] });
		// The order's id still finds the payment (PayPal redelivers for days): answered from the record.
		expect(await router().completeAction('paypal', waiting.transactionId)).toMatchObject({ status: 'succeeded', replayed: true, transactionId: capture.id });
		expect(await router().process(request)).toMatchObject({ status: 'succeeded', replayed: true });
		// Refunds go against the capture.
		expect(await router().refund({ paymentId: request.paymentId, refundId: `${request.paymentId}-r1`, amount: 20 })).toMatchObject({ status: 'succeeded', amount: '20.00' });
		expect(await captures()).toHaveLength(1);
	});

	test('an authorize-only order is held once its payer approves, and captured later in part', async () => {
		const waiting = await router().process(payerApproves({ capture: false }));
		if (waiting.status !== 'action_required') throw new Error(`no action: ${JSON.stringify(waiting)}`);
		expect(waiting.capture).toBe(false);
		await payerApprovesAt(waiting.action.url!);
		const held = await router().completeAction('paypal', waiting.transactionId);
		expect(held).toMatchObject({ status: 'authorized', replayed: false, expiresAt: expect.any(String), honorPeriodEndsAt: expect.any(String) });
		expect(await captures()).toEqual([]);
		expect(await router().capture(waiting.paymentId, 40)).toMatchObject({ status: 'captured', amount: '40.00' });
		expect((await captures()).map((capture) => capture.amount.value)).toEqual(['40.00']);
	});
});
