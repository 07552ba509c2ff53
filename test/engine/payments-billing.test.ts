/**
 * Subscription and invoice events (issue 18): each processor's renewal paid or failed, subscription canceled and
 * invoice paid, voided or overdue read into one billing event, recorded once per processor event however often and
 * however concurrently it is delivered, amounts in exact minor units; a canceled subscription and an invoice's new
 * state followed into the store's records (an invoice never moves back from paid). Stripe and Braintree events come from
 * their sandboxes (Braintree's through the subscription's renewal); PayPal's and Square's are their documented shapes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { defaultRoutingConfig, openPayments, PaymentRouter, type BillingOutcome, type SubscriptionPlan } from '../../lib/payments';
import { paymentMigrations } from '../../lib/payments/migrations';
import { braintreePaymentWebhooks } from '../../lib/platforms/braintree/paymentWebhooks';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import type { PaymentConnector } from '../../lib/platforms/payments';
import type { PlatformResolver } from '../../lib/platforms/resolver';
import { InputError } from '../../lib/records/inputSchema';
import { closeAllStores, coreMigrations, openStore, type StateStore, type StoreConfig } from '../../lib/store';
import { acquirePostgres, uniqueName } from '../support/postgres';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { sandboxAccount } from '../support/standalone';

const plans: SubscriptionPlan[] = [{ id: 'basic', amount: 9, currency: 'USD', interval: 'month', processorPlans: { stripe: 'price_basic_monthly', braintree: 'bt-basic-monthly' } }];

let stripe: RunningSandbox;
let braintree: RunningSandbox;
let stripeControl: SandboxControl;
let braintreeControl: SandboxControl;
let store: StateStore;
let platforms: PlatformResolver;
let connectors: Record<string, PaymentConnector>;
let releasePostgres: (() => Promise<void>) | undefined;
let counter = 0;

beforeAll(async () => {
	[stripe, braintree] = await Promise.all([startSandbox('stripe'), startSandbox('braintree')]);
	stripeControl = new SandboxControl(stripe.baseUrl);
	braintreeControl = new SandboxControl(braintree.baseUrl);
});

afterAll(async () => {
	await closeAllStores();
	await releasePostgres?.();
	await Promise.all([stripe.close(), braintree.close()]);
});

beforeEach(async () => {
	await Promise.all([stripeControl.reset(), braintreeControl.reset()]);
});

async function storeConfig(backend: 'sqlite' | 'postgres'): Promise<StoreConfig> {
	if (backend === 'sqlite') return { kind: 'sqlite', file: path.join(mkdtempSync(path.join(tmpdir(), 'payments-billing-')), 'state.sqlite') };
	const server = await acquirePostgres();
	releasePostgres = server.release;
	return { kind: 'postgres', ...server.config, schema: uniqueName('billing') };
}

const router = () => new PaymentRouter({ db: store.db, connectors, config: defaultRoutingConfig(), pollMs: 5 });
const billing = () => openPayments({ store, platforms }).billing();
const billingRows = async () => await store.db.query<{ event_id: string }>('SELECT event_id FROM payment_billing_events');

/** The Stripe event the sandbox sends once the billing event has happened. */
async function stripeEvent(type: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
	return (await stripeControl.emitEvent<{ event: Record<string, unknown> }>({ type, ...extra })).event;
}

async function stripeSubscription(): Promise<string> {
	const transport = (await platforms.connect('stripe')).transport;
	const customer = await transport.request<{ id: string }>({ method: 'POST', url: '/v1/customers', bodyType: 'form', body: { email: 'subscriber@example.com', invoice_settings: { default_payment_method: 'pm_card_visa' } } });
	const created = await router().subscriptions.run({ requestId: `sub-${++counter}`, change: 'create', processor: 'stripe', plan: 'basic', customer: customer.id }, plans);
	if (created.status !== 'succeeded') throw new Error(JSON.stringify(created));
	return created.subscriptionId;
}

/** Records one event `times` times at once: how many were recorded and how many replayed, and the recorded one. */
async function recordConcurrently(processor: string, event: Record<string, unknown>, times = 3): Promise<{ changes: string[]; recorded: BillingOutcome }> {
	const outcomes = await Promise.all(Array.from({ length: times }, () => billing().record(processor, event)));
	return { changes: outcomes.map((outcome) => outcome.change).sort(), recorded: outcomes.find((outcome) => outcome.change === 'recorded')! };
}

describe.each(['sqlite', 'postgres'] as const)('on %s', (backend) => {
	beforeAll(async () => {
		store = await openStore(await storeConfig(backend), [...coreMigrations, ...paymentMigrations]);
		platforms = standalonePlatforms([sandboxAccount('stripe', stripe.baseUrl, stripe.credentials), sandboxAccount('braintree', braintree.baseUrl, braintree.credentials)], { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
		connectors = await openPayments({ store, platforms }).connectors(['stripe', 'braintree']);
	});

	test('Stripe: a renewal paid delivered three times at once is recorded once (9.00 USD = 900), a failed one and the cancel each once; the subscription is canceled in the store', async () => {
		const subscriptionId = await stripeSubscription();
		const before = (await billingRows()).length;
		const paid = await recordConcurrently('stripe', await stripeEvent('invoice.paid', { subscription: subscriptionId }));
		expect(paid.changes).toEqual(['recorded', 'replayed', 'replayed']);
		expect(paid.recorded).toMatchObject({ processor: 'stripe', kind: 'renewal_paid', processorType: 'invoice.paid', subscriptionId, plan: 'basic', amountMinor: 900, amount: '9.00', currency: 'USD', subscriptionState: 'active' });
		const failed = await recordConcurrently('stripe', await stripeEvent('invoice.payment_failed', { subscription: subscriptionId }), 2);
		expect(failed.recorded).toMatchObject({ kind: 'renewal_failed', subscriptionId, amountMinor: 900, currency: 'USD' });
		const canceled = await recordConcurrently('stripe', await stripeEvent('customer.subscription.deleted', { subscription: subscriptionId }), 2);
		expect(canceled.recorded).toMatchObject({ kind: 'subscription_canceled', subscriptionId, subscriptionState: 'canceled', plan: 'basic' });
		expect(canceled.recorded.amountMinor).toBeUndefined();
		expect((await billingRows()).length - before).toBe(3);
	});

	test('Stripe: an invoice sent through the store is followed by its events: overdue, then paid; an overdue event after the payment does not move it back', async () => {
		const transport = (await platforms.connect('stripe')).transport;
		const customer = await transport.request<{ id: string }>({ method: 'POST', url: '/v1/customers', bodyType: 'form', body: { email: 'billing@example.com' } });
		const sent = await router().invoices.create({ requestId: `inv-${backend}-${++counter}`, processor: 'stripe', customer: customer.id, currency: 'USD', lines: [{ description: 'Seats', amount: 19.99, quantity: 2 }] });
		if (sent.status !== 'succeeded') throw new Error(JSON.stringify(sent));
		const overdue = await stripeEvent('invoice.overdue');
		expect(await billing().record('stripe', overdue)).toMatchObject({ change: 'recorded', kind: 'invoice_overdue', invoiceId: sent.invoiceId, invoiceState: 'open' });
		const paid = await recordConcurrently('stripe', await stripeEvent('invoice.paid'));
		expect(paid.recorded).toMatchObject({ kind: 'invoice_paid', invoiceId: sent.invoiceId, amountMinor: 3998, amount: '39.98', currency: 'USD', invoiceState: 'paid' });
		// A late event (another id) of an earlier state: recorded, but the invoice stays paid.
		expect(await billing().record('stripe', { ...overdue, id: `${String(overdue.id)}-late` })).toMatchObject({ change: 'recorded', invoiceState: 'paid' });
		const [row] = await store.db.query<{ state: string; processor_status: string }>('SELECT state, processor_status FROM payment_invoices WHERE invoice_id = ?', [sent.invoiceId]);
		expect(row).toEqual({ state: 'paid', processor_status: 'paid' });

		const other = await router().invoices.create({ requestId: `inv-void-${backend}-${++counter}`, processor: 'stripe', customer: customer.id, currency: 'USD', lines: [{ description: 'Setup', amount: 5 }] });
		if (other.status !== 'succeeded') throw new Error(JSON.stringify(other));
		expect(await billing().record('stripe', await stripeEvent('invoice.voided'))).toMatchObject({ kind: 'invoice_voided', invoiceId: other.invoiceId, invoiceState: 'void' });
	});

	test("Braintree: the subscription's renewal (its next cycle billed) notifies subscription_charged_successfully, recorded once with the charge in minor units; the cancel once", async () => {
		await braintreeControl.registerWebhook('http://127.0.0.1:9/braintree', 'unused');
		const { customers } = await braintreeControl.seed<{ customers: Array<{ cards: Array<{ token: string }> }> }>({ customers: [{ paymentMethodNonce: 'fake-valid-visa-nonce' }] });
		const created = await router().subscriptions.run({ requestId: `bt-${backend}-${++counter}`, change: 'create', processor: 'braintree', plan: 'basic', paymentMethod: customers[0].cards[0].token }, plans);
		if (created.status !== 'succeeded') throw new Error(JSON.stringify(created));
		const notified = async (kind: string) => {
			await braintreeControl.emitEvent({ kind, subscriptionId: created.subscriptionId });
			const { deliveries } = await braintreeControl.webhooks();
			return braintreePaymentWebhooks.parse!(Buffer.from(deliveries.at(-1)!.body)) as Record<string, unknown>;
		};
		const renewal = await notified('subscription_charged_successfully');
		const paid = await recordConcurrently('braintree', renewal);
		expect(paid.changes).toEqual(['recorded', 'replayed', 'replayed']);
		expect(paid.recorded).toMatchObject({ kind: 'renewal_paid', processorType: 'subscription_charged_successfully', subscriptionId: created.subscriptionId, plan: 'basic', amountMinor: 900, amount: '9.00', currency: 'USD' });
		const transactions = await braintreeControl.state<Array<{ id: string }>>('subscriptions');
		expect(transactions).toEqual([expect.objectContaining({ transactionIds: [expect.any(String), expect.any(String)] })]);
		const canceled = await billing().record('braintree', await notified('subscription_canceled'));
		expect(canceled).toMatchObject({ change: 'recorded', kind: 'subscription_canceled', subscriptionState: 'canceled' });
	});

	test("PayPal: a subscription's sale completed, its failed payment and its cancel; amounts exact in the currency's digits", async () => {
		const sale = {
			id: `WH-SALE-${backend}`, event_type: 'PAYMENT.SALE.COMPLETED', create_time: '2026-12-01T10:00:00Z',
			resource: { id: '8PX12345', state: 'completed', billing_agreement_id: 'I-BW452GLLEP1G', amount: { total: '1500', currency: 'JPY' } },
		};
		const paid = await recordConcurrently('paypal', sale);
		expect(paid.changes).toEqual(['recorded', 'replayed', 'replayed']);
		expect(paid.recorded).toMatchObject({ kind: 'renewal_paid', subscriptionId: 'I-BW452GLLEP1G', amountMinor: 1500, amount: '1500', currency: 'JPY', occurredAt: '2026-12-01T10:00:00.000Z' });
		const failed = {
			id: `WH-FAIL-${backend}`, event_type: 'BILLING.SUBSCRIPTION.PAYMENT.FAILED', create_time: '2026-12-02T10:00:00Z',
			resource: { id: 'I-BW452GLLEP1G', status: 'ACTIVE', billing_info: { last_failed_payment: { amount: { currency_code: 'KWD', value: '1.005' } } } },
		};
		expect(await billing().record('paypal', failed)).toMatchObject({ kind: 'renewal_failed', amountMinor: 1005, amount: '1.005', currency: 'KWD' });
		const cancelled = { id: `WH-CANCEL-${backend}`, event_type: 'BILLING.SUBSCRIPTION.CANCELLED', create_time: '2026-12-03T10:00:00Z', resource: { id: 'I-BW452GLLEP1G', status: 'CANCELLED' } };
		expect(await billing().record('paypal', cancelled)).toMatchObject({ kind: 'subscription_canceled', subscriptionId: 'I-BW452GLLEP1G' });
		// Finer than the currency allows: refused naming the field, nothing recorded.
		const before = (await billingRows()).length;
		const finer = { ...sale, id: `WH-FINER-${backend}`, resource: { ...sale.resource, amount: { total: '29.001', currency: 'USD' } } };
		const error = await billing().record('paypal', finer).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(InputError);
		expect((error as InputError).violations.map((violation) => violation.field)).toEqual(['resource.amount.total']);
		expect((await billingRows()).length).toBe(before);
	});

	test('Square: an invoice of a subscription paid is its renewal; a scheduled charge failed; a subscription updated to CANCELED is a cancel, any other update refused naming its status', async () => {
		const invoice = (type: string, money: Record<string, unknown>) => ({
			merchant_id: 'MSANDBOX', type, event_id: `sq-${type}-${backend}`, created_at: '2026-12-01T10:00:00Z',
			data: { type: 'invoice', id: 'inv:0-ChA', object: { invoice: { id: 'inv:0-ChA', subscription_id: 'SQSUB1', primary_recipient: { customer_id: 'SQ-CUSTOMER-1' }, payment_requests: [money] } } },
		});
		const paid = await recordConcurrently('square', invoice('invoice.payment_made', { total_completed_amount_money: { amount: 2900, currency: 'USD' } }));
		expect(paid.changes).toEqual(['recorded', 'replayed', 'replayed']);
		expect(paid.recorded).toMatchObject({ kind: 'renewal_paid', subscriptionId: 'SQSUB1', invoiceId: 'inv:0-ChA', customer: 'SQ-CUSTOMER-1', amountMinor: 2900, amount: '29.00' });
		expect(await billing().record('square', invoice('invoice.scheduled_charge_failed', { computed_amount_money: { amount: 2900, currency: 'USD' } }))).toMatchObject({ kind: 'renewal_failed', amountMinor: 2900 });
		const updated = (status: string) => ({ type: 'subscription.updated', event_id: `sq-sub-${status}-${backend}`, created_at: '2026-12-04T10:00:00Z', data: { type: 'subscription', id: 'SQSUB1', object: { subscription: { id: 'SQSUB1', status, customer_id: 'SQ-CUSTOMER-1' } } } });
		expect(await billing().record('square', updated('CANCELED'))).toMatchObject({ kind: 'subscription_canceled', subscriptionId: 'SQSUB1' });
		const error = await billing().record('square', updated('ACTIVE')).catch((caught: unknown) => caught);
		expect((error as InputError).violations.map((violation) => violation.field)).toEqual(['data.object.subscription.status']);
	});

	test('an event that is no billing event of the processor is refused naming every field, before anything is recorded', async () => {
		const error = await billing().record('stripe', { id: 'evt_x', type: 'invoice.paid', created: 'yesterday', data: { object: { id: 'in_1', amount_paid: 9.5 } } }).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(InputError);
		expect((error as InputError).violations.map((violation) => violation.field).sort()).toEqual(['created', 'data.object.amount_paid', 'data.object.currency']);
		expect(await billingRows()).not.toContainEqual({ event_id: 'evt_x' });
	});
});
