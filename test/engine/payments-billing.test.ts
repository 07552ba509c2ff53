/**
 * Subscription and invoice events (issue 18): each processor's renewal paid or failed, subscription canceled and
 * invoice paid, voided or overdue read into one billing event, recorded once per processor event however often and
 * however concurrently it is delivered, amounts in exact minor units; a canceled subscription and an invoice's new
 * state followed into the store's records (an invoice never moves back from paid). Every processor's events come from
 * its sandbox's own lifecycle (a renewal run, a cancel or an invoice paid through the API); PayPal's, Square's and
 * Braintree's are taken as the Payment Event Trigger takes them (registered for Subscription or Invoice Changed, verified, matched),
 * and their documented shapes cover the edges the sandboxes do not reach (JPY and KWD amounts, refused fields).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { defaultRoutingConfig, openPayments, PaymentRouter, type BillingOutcome, type SubscriptionPlan } from '../../lib/payments';
import { paymentMigrations } from '../../lib/payments/migrations';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import type { PaymentConnector } from '../../lib/platforms/payments';
import type { PlatformResolver } from '../../lib/platforms/resolver';
import { headerReader } from '../../lib/platforms/webhookSchemes';
import { InputError } from '../../lib/records/inputSchema';
import { paymentWebhookScheme, receiveDelivery, registerHook, registersThroughApi, type HookRegistration } from '../../lib/triggers';
import { closeAllStores, coreMigrations, openStore, type StateStore, type StoreConfig } from '../../lib/store';
import { acquirePostgres, uniqueName } from '../support/postgres';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { sandboxAccount } from '../support/standalone';

const plans: SubscriptionPlan[] = [{ id: 'basic', amount: 9, currency: 'USD', interval: 'month', processorPlans: { stripe: 'price_basic_monthly', braintree: 'bt-basic-monthly', paypal: 'P-BASIC-MONTHLY', square: 'SQ-PLAN-BASIC-MONTHLY' } }];

let stripe: RunningSandbox;
let braintree: RunningSandbox;
let stripeControl: SandboxControl;
let braintreeControl: SandboxControl;
let paypal: RunningSandbox;
let square: RunningSandbox;
let paypalControl: SandboxControl;
let squareControl: SandboxControl;
let store: StateStore;
let platforms: PlatformResolver;
let connectors: Record<string, PaymentConnector>;
let releasePostgres: (() => Promise<void>) | undefined;
let counter = 0;

beforeAll(async () => {
	[stripe, braintree, paypal, square] = await Promise.all([startSandbox('stripe'), startSandbox('braintree'), startSandbox('paypal'), startSandbox('square')]);
	stripeControl = new SandboxControl(stripe.baseUrl);
	braintreeControl = new SandboxControl(braintree.baseUrl);
	paypalControl = new SandboxControl(paypal.baseUrl);
	squareControl = new SandboxControl(square.baseUrl);
});

afterAll(async () => {
	await closeAllStores();
	await releasePostgres?.();
	await Promise.all([stripe.close(), braintree.close(), paypal.close(), square.close()]);
});

beforeEach(async () => {
	await Promise.all([stripeControl.reset(), braintreeControl.reset(), paypalControl.reset(), squareControl.reset()]);
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

/**
 * The package's webhook for Subscription or Invoice Changed, registered at the processor as the Payment Event Trigger
 * registers it, or as its user sets it up in Braintree's Control Panel (nobody listens at its URL: the sandbox's deliveries are read back). `received()` takes each new
 * delivery as the trigger does (signature verified, through PayPal's API for PayPal, with the private key for Braintree; the event matched): the payload an
 * execution would start with, or why none would start.
 */
async function billingWebhook(processor: 'paypal' | 'square' | 'braintree', control: SandboxControl) {
	const transport = (await platforms.connect(processor)).transport;
	const scheme = paymentWebhookScheme(processor);
	const url = `http://127.0.0.1:9/${processor}-billing`;
	// Braintree's is set up in its Control Panel (here: the sandbox's control API) and checked with the credential's private key.
	const registration: Partial<HookRegistration> = registersThroughApi(scheme) ? await registerHook(transport, scheme, 'billingChanged', url) : {};
	if (!registersThroughApi(scheme)) await control.registerWebhook(url, 'unused: Braintree signs with the API keys');
	const credentialSecret = processor === 'braintree' ? braintree.credentials.privateKey : undefined;
	let seen = 0;
	return async (): Promise<Array<Record<string, unknown> | string>> => {
		const deliveries = (await control.webhooks()).deliveries.slice(seen);
		seen += deliveries.length;
		const outcomes = [];
		for (const delivery of deliveries) {
			const outcome = await receiveDelivery(store, scheme, { event: 'billingChanged', triggerKey: 'billing-test', header: headerReader(delivery.headers), rawBody: Buffer.from(delivery.body), url, registration, credentialSecret, dropRepeats: false, api: transport });
			outcomes.push(outcome.outcome === 'accepted' ? outcome.events[0].payload : `${outcome.outcome}: ${outcome.reason}`);
		}
		return outcomes;
	};
}

/** Records deliveries all at once: how many were recorded and how many replayed, and the recorded one. */
async function recordDeliveries(processor: string, deliveries: Array<Record<string, unknown> | string>): Promise<{ changes: string[]; recorded: BillingOutcome }> {
	const events = deliveries.map((delivery) => {
		if (typeof delivery === 'string') throw new Error(delivery);
		return delivery;
	});
	const outcomes = await Promise.all(events.map((event) => billing().record(processor, event)));
	return { changes: outcomes.map((outcome) => outcome.change).sort(), recorded: outcomes.find((outcome) => outcome.change === 'recorded')! };
}

/** Records one event `times` times at once: how many were recorded and how many replayed, and the recorded one. */
async function recordConcurrently(processor: string, event: Record<string, unknown>, times = 3): Promise<{ changes: string[]; recorded: BillingOutcome }> {
	const outcomes = await Promise.all(Array.from({ length: times }, () => billing().record(processor, event)));
	return { changes: outcomes.map((outcome) => outcome.change).sort(), recorded: outcomes.find((outcome) => outcome.change === 'recorded')! };
}

describe.each(['sqlite', 'postgres'] as const)('on %s', (backend) => {
	beforeAll(async () => {
		store = await openStore(await storeConfig(backend), [...coreMigrations, ...paymentMigrations]);
		const accounts = [sandboxAccount('stripe', stripe.baseUrl, stripe.credentials), sandboxAccount('braintree', braintree.baseUrl, braintree.credentials), sandboxAccount('paypal', paypal.baseUrl, paypal.credentials), sandboxAccount('square', square.baseUrl, square.credentials)];
		platforms = standalonePlatforms(accounts, { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
		connectors = await openPayments({ store, platforms }).connectors(['stripe', 'braintree', 'paypal', 'square'], { square: { locationId: 'LSANDBOX' } });
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

	test("Braintree, from its sandbox: a subscription made through the store, renewed (its next cycle charged, delivered twice at once: recorded once, 9.00 = 900), declined, canceled through the store", async () => {
		const received = await billingWebhook('braintree', braintreeControl);
		const { customers } = await braintreeControl.seed<{ customers: Array<{ cards: Array<{ token: string }> }> }>({ customers: [{ paymentMethodNonce: 'fake-valid-visa-nonce' }] });
		const created = await router().subscriptions.run({ requestId: `bt-${backend}-${++counter}`, change: 'create', processor: 'braintree', plan: 'basic', paymentMethod: customers[0].cards[0].token }, plans);
		if (created.status !== 'succeeded') throw new Error(JSON.stringify(created));
		const { subscriptionId } = created;
		// Its creation and first charge notify nothing.
		expect(await received()).toEqual([]);

		await braintreeControl.emitEvent({ kind: 'subscription_charged_successfully', subscriptionId, times: 2 });
		const paid = await recordDeliveries('braintree', await received());
		expect(paid.changes).toEqual(['recorded', 'replayed']);
		expect(paid.recorded).toMatchObject({ kind: 'renewal_paid', processorType: 'subscription_charged_successfully', subscriptionId, plan: 'basic', amountMinor: 900, amount: '9.00', currency: 'USD' });
		await braintreeControl.emitEvent({ kind: 'subscription_charged_unsuccessfully', subscriptionId });
		expect((await recordDeliveries('braintree', await received())).recorded).toMatchObject({ kind: 'renewal_failed', processorType: 'subscription_charged_unsuccessfully', subscriptionId, amountMinor: 900, currency: 'USD' });

		const canceled = await router().subscriptions.run({ requestId: `bt-cancel-${backend}-${counter}`, change: 'cancel', subscriptionId }, plans);
		expect(canceled).toMatchObject({ status: 'succeeded', state: 'canceled' });
		const cancel = await recordDeliveries('braintree', await received());
		expect(cancel.recorded).toMatchObject({ kind: 'subscription_canceled', processorType: 'subscription_canceled', subscriptionId, plan: 'basic', subscriptionState: 'canceled' });
		expect(cancel.recorded.amountMinor).toBeUndefined();
		const recorded = await store.db.query<{ kind: string }>('SELECT kind FROM payment_billing_events WHERE processor = ? AND subscription_id = ? ORDER BY occurred_at', ['braintree', subscriptionId]);
		expect(recorded.map((row) => row.kind).sort()).toEqual(['renewal_failed', 'renewal_paid', 'subscription_canceled']);
	});

	test("PayPal, from its sandbox: a subscription made through the store, approved, renewed (the sale delivered twice at once: recorded once, 9.00 = 900), declined, canceled through the store; an invoice paid and one cancelled", async () => {
		const received = await billingWebhook('paypal', paypalControl);
		const created = await router().subscriptions.run({ requestId: `pp-${backend}-${++counter}`, change: 'create', processor: 'paypal', plan: 'basic' }, plans);
		if (created.status !== 'succeeded') throw new Error(JSON.stringify(created));
		expect((await fetch(created.action!.url!)).status).toBe(200);
		const { subscriptionId } = created;

		await paypalControl.emitEvent({ event_type: 'PAYMENT.SALE.COMPLETED', subscription: subscriptionId, times: 2 });
		const paid = await recordDeliveries('paypal', await received());
		expect(paid.changes).toEqual(['recorded', 'replayed']);
		expect(paid.recorded).toMatchObject({ kind: 'renewal_paid', processorType: 'PAYMENT.SALE.COMPLETED', subscriptionId, plan: 'basic', amountMinor: 900, amount: '9.00', currency: 'USD' });
		await paypalControl.emitEvent({ event_type: 'BILLING.SUBSCRIPTION.PAYMENT.FAILED', subscription: subscriptionId });
		expect((await recordDeliveries('paypal', await received())).recorded).toMatchObject({ kind: 'renewal_failed', subscriptionId, customer: 'SANDBXBUYER23', amountMinor: 900, currency: 'USD' });

		const canceled = await router().subscriptions.run({ requestId: `pp-cancel-${backend}-${counter}`, change: 'cancel', subscriptionId }, plans);
		expect(canceled).toMatchObject({ status: 'succeeded', state: 'canceled' });
		const cancel = await recordDeliveries('paypal', await received());
		expect(cancel.recorded).toMatchObject({ kind: 'subscription_canceled', processorType: 'BILLING.SUBSCRIPTION.CANCELLED', subscriptionId, plan: 'basic', subscriptionState: 'canceled' });

		const transport = (await platforms.connect('paypal')).transport;
		const invoice = async () => {
			const sent = await router().invoices.create({ requestId: `pp-inv-${backend}-${++counter}`, processor: 'paypal', customer: 'payer@example.com', currency: 'USD', lines: [{ description: 'Seats', amount: 19.99, quantity: 2 }] });
			if (sent.status !== 'succeeded') throw new Error(JSON.stringify(sent));
			return sent.invoiceId;
		};
		const paidInvoice = await invoice();
		await transport.request({ method: 'POST', url: `/v2/invoicing/invoices/${paidInvoice}/payments`, body: { method: 'BANK_TRANSFER', amount: { currency_code: 'USD', value: '39.98' } } });
		expect((await recordDeliveries('paypal', await received())).recorded).toMatchObject({ kind: 'invoice_paid', invoiceId: paidInvoice, amountMinor: 3998, currency: 'USD', invoiceState: 'paid' });
		const voided = await invoice();
		await transport.send({ method: 'POST', url: `/v2/invoicing/invoices/${voided}/cancel`, body: { send_to_recipient: false } });
		expect((await recordDeliveries('paypal', await received())).recorded).toMatchObject({ kind: 'invoice_voided', invoiceId: voided, invoiceState: 'void' });
	});

	test("Square, from its sandbox: a subscription made through the store, renewed (its invoice paid, delivered twice at once: recorded once), declined, canceled through the store: the scheduled cancel starts nothing, the end of its period is the cancel; an invoice paid by its buyer and one canceled", async () => {
		const received = await billingWebhook('square', squareControl);
		const created = await router().subscriptions.run({ requestId: `sq-${backend}-${++counter}`, change: 'create', processor: 'square', plan: 'basic', customer: 'SQ-CUSTOMER-1', paymentMethod: 'ccof:card-1' }, plans);
		if (created.status !== 'succeeded') throw new Error(JSON.stringify(created));
		const { subscriptionId } = created;

		await squareControl.emitEvent({ type: 'invoice.payment_made', subscription: subscriptionId, times: 2 });
		const paid = await recordDeliveries('square', await received());
		expect(paid.changes).toEqual(['recorded', 'replayed']);
		expect(paid.recorded).toMatchObject({ kind: 'renewal_paid', processorType: 'invoice.payment_made', subscriptionId, plan: 'basic', customer: 'SQ-CUSTOMER-1', amountMinor: 900, amount: '9.00', currency: 'USD' });
		await squareControl.emitEvent({ type: 'invoice.scheduled_charge_failed', subscription: subscriptionId });
		expect((await recordDeliveries('square', await received())).recorded).toMatchObject({ kind: 'renewal_failed', subscriptionId, amountMinor: 900 });

		expect(await router().subscriptions.run({ requestId: `sq-cancel-${backend}-${counter}`, change: 'cancel', subscriptionId }, plans)).toMatchObject({ status: 'succeeded', state: 'canceled' });
		expect(await received()).toEqual([expect.stringMatching(/^skipped: this subscription.updated is not billingChanged/)]);
		await squareControl.emitEvent({ type: 'subscription.updated', subscription: subscriptionId });
		expect((await recordDeliveries('square', await received())).recorded).toMatchObject({ kind: 'subscription_canceled', subscriptionId, plan: 'basic', subscriptionState: 'canceled' });

		const invoice = async () => {
			const sent = await router().invoices.create({ requestId: `sq-inv-${backend}-${++counter}`, processor: 'square', customer: 'SQ-CUSTOMER-1', currency: 'USD', lines: [{ description: 'Seats', amount: 19.99, quantity: 2 }] });
			if (sent.status !== 'succeeded') throw new Error(JSON.stringify(sent));
			return sent.invoiceId;
		};
		const paidInvoice = await invoice();
		await squareControl.emitEvent({ type: 'invoice.payment_made', invoice: paidInvoice, times: 2 });
		const invoicePaid = await recordDeliveries('square', await received());
		expect(invoicePaid.changes).toEqual(['recorded', 'replayed']);
		expect(invoicePaid.recorded).toMatchObject({ kind: 'invoice_paid', invoiceId: paidInvoice, amountMinor: 3998, invoiceState: 'paid' });
		const voided = await invoice();
		const { invoice: current } = await (await platforms.connect('square')).transport.request<{ invoice: { version: number } }>({ method: 'GET', url: `/v2/invoices/${voided}` });
		await (await platforms.connect('square')).transport.request({ method: 'POST', url: `/v2/invoices/${voided}/cancel`, body: { version: current.version } });
		expect((await recordDeliveries('square', await received())).recorded).toMatchObject({ kind: 'invoice_voided', invoiceId: voided, invoiceState: 'void' });
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
