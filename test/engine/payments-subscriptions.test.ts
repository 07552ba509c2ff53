/**
 * Subscriptions through the neutral plan model on the Stripe (Billing), PayPal (Subscriptions), Square
 * (Subscriptions) and Braintree (recurring billing, on its XML gateway) sandboxes, on SQLite
 * and PostgreSQL: create, change plan, pause and cancel, each exactly once per request id across concurrent duplicates
 * and answers lost after the processor acted; a request id reused for another request is refused; bad input names its
 * field before anything is sent.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { defaultRoutingConfig, openPayments, PaymentRouter, type SubscriptionOutcome, type SubscriptionPlan, type SubscriptionRequest } from '../../lib/payments';
import { paymentMigrations } from '../../lib/payments/migrations';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import type { PaymentConnector } from '../../lib/platforms/payments';
import type { PlatformResolver } from '../../lib/platforms/resolver';
import { InputError } from '../../lib/records/inputSchema';
import { closeAllStores, coreMigrations, openStore, type StateStore, type StoreConfig } from '../../lib/store';
import { acquirePostgres, uniqueName } from '../support/postgres';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { sandboxAccount } from '../support/standalone';

const plans: SubscriptionPlan[] = [
	{ id: 'basic', amount: 9, currency: 'USD', interval: 'month', processorPlans: { stripe: 'price_basic_monthly', paypal: 'P-BASIC-MONTHLY', square: 'SQ-PLAN-BASIC-MONTHLY', braintree: 'bt-basic-monthly' } },
	{ id: 'pro', amount: 29, currency: 'USD', interval: 'month', processorPlans: { stripe: 'price_pro_monthly', paypal: 'P-PRO-MONTHLY', square: 'SQ-PLAN-PRO-MONTHLY', braintree: 'bt-pro-monthly' } },
];

let stripe: RunningSandbox;
let paypal: RunningSandbox;
let square: RunningSandbox;
let braintree: RunningSandbox;
let squareControl: SandboxControl;
let braintreeControl: SandboxControl;
let stripeControl: SandboxControl;
let paypalControl: SandboxControl;
let store: StateStore;
let platforms: PlatformResolver;
let connectors: Record<string, PaymentConnector>;
let counter = 0;
let releasePostgres: (() => Promise<void>) | undefined;

beforeAll(async () => {
	[stripe, paypal, square, braintree] = await Promise.all([startSandbox('stripe'), startSandbox('paypal'), startSandbox('square'), startSandbox('braintree')]);
	braintreeControl = new SandboxControl(braintree.baseUrl);
	squareControl = new SandboxControl(square.baseUrl);
	stripeControl = new SandboxControl(stripe.baseUrl);
	paypalControl = new SandboxControl(paypal.baseUrl);
});

afterAll(async () => {
	await closeAllStores();
	await releasePostgres?.();
	await Promise.all([stripe.close(), paypal.close(), square.close(), braintree.close()]);
});

beforeEach(async () => {
	await Promise.all([stripeControl.reset(), paypalControl.reset(), squareControl.reset(), braintreeControl.reset()]);
});

async function storeConfig(backend: 'sqlite' | 'postgres'): Promise<StoreConfig> {
	if (backend === 'sqlite') return { kind: 'sqlite', file: path.join(mkdtempSync(path.join(tmpdir(), 'payments-subscriptions-')), 'state.sqlite') };
	const server = await acquirePostgres();
	releasePostgres = server.release;
	return { kind: 'postgres', ...server.config, schema: uniqueName('subscriptions') };
}

function run(request: Omit<SubscriptionRequest, 'requestId'> & { requestId?: string }): Promise<SubscriptionOutcome> {
	const router = new PaymentRouter({ db: store.db, connectors, config: defaultRoutingConfig(), pollMs: 5 });
	return router.subscriptions.run({ requestId: `sub-${++counter}`, ...request }, plans);
}

/** A Stripe customer whose default payment method is a test Visa card. */
async function stripeCustomer(): Promise<string> {
	const transport = (await platforms.connect('stripe')).transport;
	const customer = await transport.request<{ id: string }>({ method: 'POST', url: '/v1/customers', bodyType: 'form', body: { email: 'subscriber@example.com', invoice_settings: { default_payment_method: 'pm_card_visa' } } });
	return customer.id;
}

const stripeSubscriptions = async () => await stripeControl.state<Array<{ id: string; status: string; pause_collection: unknown; items: { data: Array<{ price: { id: string } }> } }>>('subscriptions');
const squareSubscriptions = async () => await squareControl.state<Array<{ id: string; status: string; location_id: string; plan_variation_id: string; canceled_date?: string }>>('billing_subscriptions');
const braintreeSubscriptions = async () => await braintreeControl.state<Array<{ id: string; status: string; planId: string; price: string; transactionIds: string[] }>>('subscriptions');
/** A Braintree customer with a vaulted Visa card (its default): the customer's id and the card's token. */
async function braintreeCustomer(): Promise<{ id: string; token: string }> {
	const { customers } = await braintreeControl.seed<{ customers: Array<{ id: string; cards: Array<{ token: string }> }> }>({ customers: [{ paymentMethodNonce: 'fake-valid-visa-nonce' }] });
	return { id: customers[0].id, token: customers[0].cards[0].token };
}
const payPalSubscriptions = async () => await paypalControl.state<Array<{ id: string; status: string; plan_id: string }>>('subscriptions');

function succeeded(outcome: SubscriptionOutcome): Extract<SubscriptionOutcome, { status: 'succeeded' }> {
	if (outcome.status !== 'succeeded') throw new Error(`not succeeded: ${JSON.stringify(outcome)}`);
	return outcome;
}

describe.each(['sqlite', 'postgres'] as const)('on %s', (backend) => {
	beforeAll(async () => {
		store = await openStore(await storeConfig(backend), [...coreMigrations, ...paymentMigrations]);
		const accounts = [
			sandboxAccount('stripe', stripe.baseUrl, stripe.credentials),
			sandboxAccount('paypal', paypal.baseUrl, paypal.credentials),
			sandboxAccount('square', square.baseUrl, square.credentials),
			sandboxAccount('braintree', braintree.baseUrl, braintree.credentials),
		];
		platforms = standalonePlatforms(accounts, { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
		// Square bills at the location picked: the second active one, not the first Square lists.
		connectors = await openPayments({ store, platforms }).connectors(['stripe', 'paypal', 'square', 'braintree'], { square: { locationId: 'LONLINE' } });
	});

	test('Stripe: five concurrent submissions of one create make one subscription; change plan, pause and cancel each once', async () => {
		const customer = await stripeCustomer();
		const create = { requestId: `create-${backend}-${++counter}`, change: 'create' as const, processor: 'stripe', plan: 'basic', customer };
		const outcomes = await Promise.all(Array.from({ length: 5 }, () => run(create)));
		const created = succeeded(outcomes[0]);
		expect(outcomes.every((outcome) => outcome.status === 'succeeded' && outcome.subscriptionId === created.subscriptionId)).toBe(true);
		expect(outcomes.filter((outcome) => outcome.status === 'succeeded' && !outcome.replayed)).toHaveLength(1);
		expect(created).toMatchObject({ processor: 'stripe', plan: 'basic', processorPlanId: 'price_basic_monthly', state: 'active' });
		expect(await stripeSubscriptions()).toHaveLength(1);

		const upgrade = { requestId: `upgrade-${backend}-${counter}`, change: 'changePlan' as const, subscriptionId: created.subscriptionId, plan: 'pro' };
		expect(await run(upgrade)).toMatchObject({ status: 'succeeded', plan: 'pro', processorPlanId: 'price_pro_monthly', state: 'active', replayed: false });
		expect(await run(upgrade)).toMatchObject({ status: 'succeeded', plan: 'pro', replayed: true });
		expect(await run({ change: 'pause', subscriptionId: created.subscriptionId })).toMatchObject({ status: 'succeeded', state: 'paused', plan: 'pro' });
		const cancel = { requestId: `cancel-${backend}-${counter}`, change: 'cancel' as const, subscriptionId: created.subscriptionId };
		const [first, second] = await Promise.all([run(cancel), run(cancel)]);
		expect([first, second].map((outcome) => outcome.status === 'succeeded' && outcome.state)).toEqual(['canceled', 'canceled']);
		expect([first, second].map((outcome) => outcome.status === 'succeeded' && outcome.replayed).sort()).toEqual([false, true]);
		// A second cancel under another request id (canceled already: Stripe refuses, read back) is where it was asked to go.
		expect(await run({ change: 'cancel', subscriptionId: created.subscriptionId })).toMatchObject({ status: 'succeeded', state: 'canceled' });
		const [stored] = await stripeSubscriptions();
		expect(stored).toMatchObject({ status: 'canceled', items: { data: [{ price: { id: 'price_pro_monthly' } }] } });
		// The create's request id used for something else is refused, not answered with the create.
		expect(await run({ ...cancel, requestId: create.requestId })).toMatchObject({ status: 'failed', reason: 'request_id_reused' });
	});

	test('Stripe: a create whose answer is lost through every retry is settled by its repeat: one subscription', async () => {
		const customer = await stripeCustomer();
		await stripeControl.fault({ kind: 'lost_response', match: { path: '/v1/subscriptions' }, times: 3 });
		const create = { requestId: `lost-${backend}-${++counter}`, change: 'create' as const, processor: 'stripe', plan: 'pro', customer };
		expect(await run(create)).toMatchObject({ status: 'failed', reason: 'outcome_unknown' });
		expect(await stripeSubscriptions()).toHaveLength(1); // made, its answer lost
		const settled = succeeded(await run(create));
		expect(settled).toMatchObject({ replayed: false, state: 'active', processorPlanId: 'price_pro_monthly' });
		expect((await stripeSubscriptions()).map((subscription) => subscription.id)).toEqual([settled.subscriptionId]);
	});

	test('PayPal: a subscription waits for its subscriber (approve page), then is revised, paused and canceled once, a lost cancel settled by its repeat', async () => {
		const create = { requestId: `paypal-${backend}-${++counter}`, change: 'create' as const, processor: 'paypal', plan: 'basic', returnUrl: 'https://shop.example/subscribed' };
		const [created, duplicate] = await Promise.all([run(create), run(create)]);
		const pending = succeeded(created);
		expect(pending).toMatchObject({ state: 'pending', processorStatus: 'APPROVAL_PENDING', action: { type: 'payer_action' } });
		expect(succeeded(duplicate).subscriptionId).toBe(pending.subscriptionId);
		expect(await payPalSubscriptions()).toHaveLength(1);
		expect((await fetch(pending.action!.url!)).status).toBe(200);

		expect(await run({ change: 'changePlan', subscriptionId: pending.subscriptionId, plan: 'pro' })).toMatchObject({ status: 'succeeded', state: 'active', processorPlanId: 'P-PRO-MONTHLY' });
		expect(await run({ change: 'pause', subscriptionId: pending.subscriptionId })).toMatchObject({ status: 'succeeded', state: 'paused', processorStatus: 'SUSPENDED' });
		await paypalControl.fault({ kind: 'lost_response', match: { path: `/v1/billing/subscriptions/${pending.subscriptionId}/cancel` }, times: 3 });
		const cancel = { requestId: `paypal-cancel-${backend}-${counter}`, change: 'cancel' as const, subscriptionId: pending.subscriptionId };
		expect(await run(cancel)).toMatchObject({ status: 'failed', reason: 'outcome_unknown' });
		expect(await run(cancel)).toMatchObject({ status: 'succeeded', state: 'canceled', processorStatus: 'CANCELLED', replayed: false });
		expect(await payPalSubscriptions()).toEqual([expect.objectContaining({ status: 'CANCELLED', plan_id: 'P-PRO-MONTHLY' })]);
	});

	test('Square: three concurrent creates make one subscription; swap, pause, and a cancel whose answer is lost settled by its repeat', async () => {
		const create = { requestId: `square-${backend}-${++counter}`, change: 'create' as const, processor: 'square', plan: 'basic', customer: 'SQ-CUSTOMER-1', paymentMethod: 'ccof:card-1' };
		const outcomes = await Promise.all(Array.from({ length: 3 }, () => run(create)));
		const created = succeeded(outcomes[0]);
		expect(outcomes.every((outcome) => outcome.status === 'succeeded' && outcome.subscriptionId === created.subscriptionId)).toBe(true);
		expect(created).toMatchObject({ state: 'active', processorPlanId: 'SQ-PLAN-BASIC-MONTHLY' });
		expect((await squareSubscriptions()).map((subscription) => subscription.location_id)).toEqual(['LONLINE']);
		expect(await run({ change: 'changePlan', subscriptionId: created.subscriptionId, plan: 'pro' })).toMatchObject({ status: 'succeeded', processorPlanId: 'SQ-PLAN-PRO-MONTHLY' });
		expect(await run({ change: 'pause', subscriptionId: created.subscriptionId })).toMatchObject({ status: 'succeeded', state: 'paused' });
		// Square's cancel takes no key: the repeat is refused (a cancel is pending already), read back, and answered as canceled.
		await squareControl.fault({ kind: 'lost_response', match: { path: `/v2/subscriptions/${created.subscriptionId}/cancel` }, times: 3 });
		const cancel = { requestId: `square-cancel-${backend}-${counter}`, change: 'cancel' as const, subscriptionId: created.subscriptionId };
		expect(await run(cancel)).toMatchObject({ status: 'failed', reason: 'outcome_unknown' });
		expect(await run(cancel)).toMatchObject({ status: 'succeeded', state: 'canceled', replayed: false });
		expect(await run(cancel)).toMatchObject({ status: 'succeeded', state: 'canceled', replayed: true });
		expect(await squareSubscriptions()).toEqual([expect.objectContaining({ plan_variation_id: 'SQ-PLAN-PRO-MONTHLY', canceled_date: expect.any(String) })]);
	});

	test('Square without a picked location: refused naming the location before any call, nothing subscribed', async () => {
		const unlocated = await openPayments({ store, platforms }).connectors(['square']);
		await squareControl.clearRequests();
		const outcome = await new PaymentRouter({ db: store.db, connectors: unlocated, config: defaultRoutingConfig() }).subscriptions.run({ requestId: `square-nowhere-${backend}-${++counter}`, change: 'create', processor: 'square', plan: 'basic', customer: 'SQ-CUSTOMER-1' }, plans);
		expect(outcome).toMatchObject({ status: 'failed', reason: 'processor_refused', code: 'LOCATION_REQUIRED', message: expect.stringContaining('Square Location (locationId)') });
		expect(await squareSubscriptions()).toEqual([]);
		expect(await squareControl.requests()).toEqual([]);
	});

	test('Braintree: five concurrent creates make one subscription (its first cycle charged once); change plan sets the plan and its price; cancel once; no pause', async () => {
		const { token } = await braintreeCustomer();
		const create = { requestId: `braintree-${backend}-${++counter}`, change: 'create' as const, processor: 'braintree', plan: 'basic', paymentMethod: token };
		const outcomes = await Promise.all(Array.from({ length: 5 }, () => run(create)));
		const created = succeeded(outcomes[0]);
		expect(outcomes.every((outcome) => outcome.status === 'succeeded' && outcome.subscriptionId === created.subscriptionId)).toBe(true);
		expect(outcomes.filter((outcome) => outcome.status === 'succeeded' && !outcome.replayed)).toHaveLength(1);
		expect(created).toMatchObject({ processor: 'braintree', plan: 'basic', processorPlanId: 'bt-basic-monthly', state: 'active', processorStatus: 'Active' });
		expect((await braintreeSubscriptions()).map((subscription) => [subscription.id, subscription.transactionIds.length])).toEqual([[created.subscriptionId, 1]]);

		// Braintree keeps the price when the new plan bills as often: the connector sets the new plan's price too.
		const upgrade = { requestId: `braintree-upgrade-${backend}-${counter}`, change: 'changePlan' as const, subscriptionId: created.subscriptionId, plan: 'pro' };
		expect(await run(upgrade)).toMatchObject({ status: 'succeeded', plan: 'pro', processorPlanId: 'bt-pro-monthly', state: 'active', replayed: false });
		expect(await run(upgrade)).toMatchObject({ status: 'succeeded', replayed: true });
		expect(await braintreeSubscriptions()).toEqual([expect.objectContaining({ planId: 'bt-pro-monthly', price: '29.00' })]);
		expect(await run({ change: 'pause', subscriptionId: created.subscriptionId })).toMatchObject({ status: 'failed', reason: 'not_supported' });

		const cancel = { requestId: `braintree-cancel-${backend}-${counter}`, change: 'cancel' as const, subscriptionId: created.subscriptionId };
		const [first, second] = await Promise.all([run(cancel), run(cancel)]);
		expect([first, second].map((outcome) => outcome.status === 'succeeded' && outcome.state)).toEqual(['canceled', 'canceled']);
		expect([first, second].map((outcome) => outcome.status === 'succeeded' && outcome.replayed).sort()).toEqual([false, true]);
		// Canceled already: Braintree refuses (81905), the connector reads it back: where it was asked to go.
		expect(await run({ change: 'cancel', subscriptionId: created.subscriptionId })).toMatchObject({ status: 'succeeded', state: 'canceled', processorStatus: 'Canceled' });
		expect(await braintreeSubscriptions()).toEqual([expect.objectContaining({ status: 'Canceled', planId: 'bt-pro-monthly' })]);
	});

	test('Braintree: a create whose answer is lost is read back at once; one whose read-back is lost too is settled by its repeat ("ID has already been taken"): one subscription each', async () => {
		const { id: customer, token } = await braintreeCustomer();
		const subscriptions = `/merchants/${String(braintree.credentials.merchantId)}/subscriptions`;
		await braintreeControl.fault({ kind: 'lost_response', match: { method: 'POST', path: subscriptions }, times: 1 });
		// By the customer: its default card is billed.
		const readBack = succeeded(await run({ requestId: `braintree-lost-${backend}-${++counter}`, change: 'create', processor: 'braintree', plan: 'pro', customer }));
		expect(readBack).toMatchObject({ state: 'active', processorPlanId: 'bt-pro-monthly', replayed: false });

		await braintreeControl.fault({ kind: 'lost_response', match: { path: subscriptions }, times: 4 });
		const create = { requestId: `braintree-lost-twice-${backend}-${++counter}`, change: 'create' as const, processor: 'braintree', plan: 'basic', paymentMethod: token };
		expect(await run(create)).toMatchObject({ status: 'failed', reason: 'outcome_unknown' });
		await braintreeControl.clearFaults();
		await braintreeControl.clearRequests();
		const settled = succeeded(await run(create));
		expect((await braintreeControl.requests()).map((request) => [request.method, request.status])).toEqual([['POST', 422], ['GET', 200]]);
		expect(settled).toMatchObject({ replayed: false, state: 'active', processorPlanId: 'bt-basic-monthly' });
		const atBraintree = await braintreeSubscriptions();
		expect(atBraintree.map((subscription) => subscription.id).sort()).toEqual([readBack.subscriptionId, settled.subscriptionId].sort());
		expect(atBraintree.map((subscription) => subscription.transactionIds.length)).toEqual([1, 1]);
	});

	test('Braintree: without a payment method, an unknown customer or plan, or the credential\'s merchant id, nothing is made and the refusal says why', async () => {
		expect(await run({ change: 'create', processor: 'braintree', plan: 'basic' })).toMatchObject({ status: 'failed', reason: 'processor_refused', code: 'PAYMENT_METHOD_REQUIRED' });
		expect(await run({ change: 'create', processor: 'braintree', plan: 'basic', customer: 'nobody' })).toMatchObject({ status: 'failed', reason: 'processor_refused', code: 'UNKNOWN_CUSTOMER', message: expect.stringContaining('no customer nobody') });
		const { token } = await braintreeCustomer();
		const unknownPlan = [{ ...plans[0], processorPlans: { braintree: 'bt-gold' } }];
		const refused = await new PaymentRouter({ db: store.db, connectors, config: defaultRoutingConfig() }).subscriptions.run({ requestId: `braintree-gold-${++counter}`, change: 'create', processor: 'braintree', plan: 'basic', paymentMethod: token }, unknownPlan);
		expect(refused).toMatchObject({ status: 'failed', reason: 'processor_refused', code: '91904', message: expect.stringContaining('Plan ID is invalid') });
		const { merchantId: _merchantId, ...withoutMerchant } = braintree.credentials;
		const noMerchant = await openPayments({ store, platforms: standalonePlatforms([sandboxAccount('braintree', braintree.baseUrl, withoutMerchant)]) }).connectors(['braintree']);
		const outcome = await new PaymentRouter({ db: store.db, connectors: noMerchant, config: defaultRoutingConfig() }).subscriptions.run({ requestId: `braintree-no-merchant-${++counter}`, change: 'create', processor: 'braintree', plan: 'basic', paymentMethod: token }, plans);
		expect(outcome).toMatchObject({ status: 'failed', code: 'MERCHANT_ID_REQUIRED', message: expect.stringContaining('Merchant ID') });
		// The merchant account picked on the node bills the subscription: a EUR account cannot bill a USD plan.
		const euro = await openPayments({ store, platforms }).connectors(['braintree'], { braintree: { merchantAccountId: 'sandbox_store_eur' } });
		const mismatch = await new PaymentRouter({ db: store.db, connectors: euro, config: defaultRoutingConfig() }).subscriptions.run({ requestId: `braintree-eur-${++counter}`, change: 'create', processor: 'braintree', plan: 'basic', paymentMethod: token }, plans);
		expect(mismatch).toMatchObject({ status: 'failed', reason: 'processor_refused', code: '91923' });
		expect(await braintreeSubscriptions()).toEqual([]);
	});
});

describe('input', () => {
	test('an unknown plan, a missing subscription id or a plan without this processor is refused naming the field, before any call', async () => {
		const refused = async (request: Omit<SubscriptionRequest, 'requestId'>, plansGiven = plans) =>
			await new PaymentRouter({ db: store.db, connectors, config: defaultRoutingConfig() }).subscriptions.run({ requestId: `bad-${++counter}`, ...request }, plansGiven).catch((error: unknown) => error);
		const unknownPlan = await refused({ change: 'create', processor: 'stripe', plan: 'platinum' });
		expect(unknownPlan).toBeInstanceOf(InputError);
		expect((unknownPlan as InputError).violations).toEqual([expect.objectContaining({ field: 'plan', problem: expect.stringContaining('basic, pro') })]);
		expect(((await refused({ change: 'cancel' })) as InputError).violations.map((violation) => violation.field)).toEqual(['subscriptionId']);
		const stripeOnly = [{ ...plans[0], processorPlans: { stripe: 'price_basic_monthly' } }];
		expect(((await refused({ change: 'create', processor: 'paypal', plan: 'basic' }, stripeOnly)) as Error).message).toContain('basic has no plan on paypal');
		expect(await stripeSubscriptions()).toEqual([]);
		expect(await run({ change: 'cancel', subscriptionId: 'sub_never_made' })).toMatchObject({ status: 'failed', reason: 'unknown_subscription' });
	});
});
