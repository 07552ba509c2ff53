/**
 * The PayPal sandbox reports billing from its own lifecycle, as PayPal does: a subscription's billing cycle charged
 * (PAYMENT.SALE.COMPLETED, the sale naming the subscription) or declined (BILLING.SUBSCRIPTION.PAYMENT.FAILED), its
 * cancel through the API (BILLING.SUBSCRIPTION.CANCELLED), an invoice paid in full or cancelled (INVOICING.INVOICE.PAID,
 * INVOICING.INVOICE.CANCELLED); each signed so that verify-webhook-signature answers SUCCESS, a redelivery the same event.
 */
import { SandboxControl, type WebhookDelivery } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';
import { apiClient } from '../support/http';

let paypal: RunningSandbox;
let control: SandboxControl;
let api: ReturnType<typeof apiClient>;
let webhookId: string;

const BILLING = ['PAYMENT.SALE.COMPLETED', 'BILLING.SUBSCRIPTION.PAYMENT.FAILED', 'BILLING.SUBSCRIPTION.CANCELLED', 'INVOICING.INVOICE.PAID', 'INVOICING.INVOICE.CANCELLED'];

beforeAll(async () => {
	paypal = await startSandbox('paypal');
	control = new SandboxControl(paypal.baseUrl);
});
afterAll(() => paypal.close());
beforeEach(async () => {
	await control.reset();
	const granted = await fetch(`${paypal.baseUrl}/v1/oauth2/token`, {
		method: 'POST',
		headers: { authorization: `Basic ${Buffer.from(`${paypal.credentials.clientId}:${paypal.credentials.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
		body: 'grant_type=client_credentials',
	});
	api = apiClient(paypal.baseUrl, ((await granted.json()) as { access_token: string }).access_token);
	// Nobody listens there: the deliveries are read back from the control API.
	const hook = await api('/v1/notifications/webhooks', { method: 'POST', body: { url: 'http://127.0.0.1:9/paypal', event_types: BILLING.map((name) => ({ name })) } });
	expect(hook.status).toBe(201);
	webhookId = hook.body.id;
});

interface Delivered {
	event: { id: string; event_type: string; resource_type: string; create_time: string; resource: Record<string, any> };
	delivery: WebhookDelivery;
}

async function delivered(): Promise<Delivered[]> {
	return (await control.webhooks()).deliveries.map((delivery) => ({ event: JSON.parse(delivery.body) as Delivered['event'], delivery }));
}

/** What PayPal's verify-webhook-signature says of a delivery, from its transmission headers. */
async function verification({ event, delivery }: Delivered): Promise<string> {
	const header = (name: string) => delivery.headers[name];
	const answer = await api('/v1/notifications/verify-webhook-signature', {
		method: 'POST',
		body: {
			auth_algo: header('paypal-auth-algo'), cert_url: header('paypal-cert-url'), transmission_id: header('paypal-transmission-id'),
			transmission_sig: header('paypal-transmission-sig'), transmission_time: header('paypal-transmission-time'), webhook_id: webhookId, webhook_event: event,
		},
	});
	return answer.body.verification_status as string;
}

async function activeSubscription(plan = 'P-BASIC-MONTHLY'): Promise<string> {
	const created = await api('/v1/billing/subscriptions', { method: 'POST', body: { plan_id: plan }, headers: { prefer: 'return=representation' } });
	const approve = (created.body.links as Array<{ rel: string; href: string }>).find((link) => link.rel === 'approve')!.href;
	expect((await fetch(approve)).status).toBe(200);
	return created.body.id as string;
}

test("a billing cycle charged is a sale of the plan's price naming the subscription, delivered twice as one event; declined, the subscription's failed payment", async () => {
	const subscriptionId = await activeSubscription();
	await control.emitEvent({ event_type: 'PAYMENT.SALE.COMPLETED', subscription: subscriptionId, times: 2 });
	const sales = await delivered();
	expect(sales).toHaveLength(2);
	expect(sales[1].event).toEqual(sales[0].event);
	expect(sales[0].event).toMatchObject({ id: expect.stringMatching(/^WH-/), event_type: 'PAYMENT.SALE.COMPLETED', resource_type: 'sale' });
	expect(sales[0].event.resource).toMatchObject({ state: 'completed', billing_agreement_id: subscriptionId, amount: { total: '9.00', currency: 'USD' } });
	expect(await verification(sales[0])).toBe('SUCCESS');
	expect(await verification({ ...sales[0], event: { ...sales[0].event, resource: { ...sales[0].event.resource, amount: { total: '0.01', currency: 'USD' } } } })).toBe('FAILURE');
	const [subscription] = await control.state<Array<{ billing_info: { cycle_executions: Array<{ cycles_completed: number }>; last_payment: { amount: unknown } } }>>('subscriptions');
	expect(subscription.billing_info).toMatchObject({ cycle_executions: [{ cycles_completed: 1 }], last_payment: { amount: { currency_code: 'USD', value: '9.00' } } });

	await control.emitEvent({ event_type: 'BILLING.SUBSCRIPTION.PAYMENT.FAILED', subscription: subscriptionId });
	const failed = (await delivered())[2];
	expect(failed.event).toMatchObject({ event_type: 'BILLING.SUBSCRIPTION.PAYMENT.FAILED', resource_type: 'subscription' });
	expect(failed.event.resource).toMatchObject({ id: subscriptionId, status: 'ACTIVE', subscriber: { payer_id: expect.any(String) }, billing_info: { failed_payments_count: 1, last_failed_payment: { amount: { currency_code: 'USD', value: '9.00' }, reason_code: 'PAYMENT_DENIED' } } });
	expect(await verification(failed)).toBe('SUCCESS');
});

test('a cancel through the API is reported once, its repeat under the same PayPal-Request-Id is not; a cancelled subscription is billed no more', async () => {
	const subscriptionId = await activeSubscription('P-PRO-MONTHLY');
	const cancel = () => api(`/v1/billing/subscriptions/${subscriptionId}/cancel`, { method: 'POST', body: { reason: 'Not needed' }, headers: { 'paypal-request-id': 'cancel-1' } });
	expect((await cancel()).status).toBe(204);
	expect((await cancel()).status).toBe(204);
	const events = await delivered();
	expect(events.map(({ event }) => [event.event_type, event.resource.id, event.resource.status])).toEqual([['BILLING.SUBSCRIPTION.CANCELLED', subscriptionId, 'CANCELLED']]);
	expect(await verification(events[0])).toBe('SUCCESS');
	await expect(control.emitEvent({ event_type: 'PAYMENT.SALE.COMPLETED', subscription: subscriptionId })).rejects.toThrow(/CANCELLED: only an ACTIVE one is billed/);
	await expect(control.emitEvent({ event_type: 'BILLING.SUBSCRIPTION.CANCELLED', subscription: subscriptionId })).rejects.toThrow(/no billing cycle/);
	expect(await delivered()).toHaveLength(1);
});

test('an invoice paid in part is not reported, paid in full it is (INVOICING.INVOICE.PAID, the invoice wrapped); another cancelled; a paid one cannot be cancelled', async () => {
	const invoice = async () => {
		const created = await api('/v2/invoicing/invoices', { method: 'POST', body: { detail: { currency_code: 'USD' }, primary_recipients: [{ billing_info: { email_address: 'payer@example.com' } }], items: [{ name: 'Seats', quantity: '2', unit_amount: { currency_code: 'USD', value: '19.99' } }] } });
		expect((await api(`/v2/invoicing/invoices/${created.body.id}/send`, { method: 'POST', body: {} })).status).toBe(200);
		return created.body.id as string;
	};
	const paid = await invoice();
	const pay = (value: string) => api(`/v2/invoicing/invoices/${paid}/payments`, { method: 'POST', body: { method: 'BANK_TRANSFER', amount: { currency_code: 'USD', value } } });
	expect((await pay('50.00')).body.details[0].issue).toBe('PAYMENT_AMOUNT_INVALID');
	expect((await pay('10.00')).status).toBe(200);
	expect(await delivered()).toEqual([]);
	expect((await pay('29.98')).status).toBe(200);
	const [paidEvent] = await delivered();
	expect(paidEvent.event).toMatchObject({ event_type: 'INVOICING.INVOICE.PAID', resource_type: 'invoices', resource: { invoice: { id: paid, status: 'PAID', amount: { currency_code: 'USD', value: '39.98' }, due_amount: { value: '0.00' }, payments: { paid_amount: { value: '39.98' } } } } });
	expect(await verification(paidEvent)).toBe('SUCCESS');
	expect((await api(`/v2/invoicing/invoices/${paid}/cancel`, { method: 'POST', body: {} })).body.details[0].issue).toBe('INVALID_INVOICE_STATUS');

	const cancelled = await invoice();
	expect((await api(`/v2/invoicing/invoices/${cancelled}/cancel`, { method: 'POST', body: { subject: 'Cancelled', send_to_recipient: true } })).status).toBe(204);
	const events = await delivered();
	expect(events.map(({ event }) => [event.event_type, event.resource.invoice.id, event.resource.invoice.status])).toEqual([['INVOICING.INVOICE.PAID', paid, 'PAID'], ['INVOICING.INVOICE.CANCELLED', cancelled, 'CANCELLED']]);
});
