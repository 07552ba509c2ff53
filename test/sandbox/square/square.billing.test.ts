/**
 * The Square sandbox reports billing from its own lifecycle, as Square does: a subscription's billing cycle is an
 * invoice of its own, charged (invoice.payment_made) or declined (invoice.scheduled_charge_failed); its cancel through
 * the API is an update (still ACTIVE, `canceled_date` set) and, once its paid period ends, subscription.updated to
 * CANCELED; an invoice paid by its buyer or canceled through the API (invoice.payment_made, invoice.canceled). Each is
 * signed with the subscription's key over URL + body; a redelivery is the same event.
 */
import { verifySquareSignature } from '../../../lib/platforms/square';
import { SandboxControl, type WebhookDelivery } from '../framework/controlClient';
import { startSandbox, type RunningSandbox } from '../registry';
import { apiClient } from '../support/http';

let square: RunningSandbox;
let control: SandboxControl;
let api: ReturnType<typeof apiClient>;
let signatureKey: string;

const url = 'http://127.0.0.1:9/square';
const BILLING = ['invoice.payment_made', 'invoice.scheduled_charge_failed', 'invoice.canceled', 'subscription.updated'];

beforeAll(async () => {
	square = await startSandbox('square');
	control = new SandboxControl(square.baseUrl);
	api = apiClient(square.baseUrl, square.credentials.accessToken);
});
afterAll(() => square.close());
beforeEach(async () => {
	await control.reset();
	// Nobody listens there: the deliveries are read back from the control API.
	const created = await api('/v2/webhooks/subscriptions', { method: 'POST', body: { idempotency_key: 'hook', subscription: { name: 'billing', event_types: BILLING, notification_url: url } } });
	expect(created.status).toBe(200);
	signatureKey = created.body.subscription.signature_key;
});

interface Delivered {
	event: { event_id: string; type: string; created_at: string; data: { type: string; id: string; object: Record<string, any> } };
	delivery: WebhookDelivery;
}

async function delivered(): Promise<Delivered[]> {
	return (await control.webhooks()).deliveries.map((delivery) => ({ event: JSON.parse(delivery.body) as Delivered['event'], delivery }));
}

const signed = ({ delivery }: Delivered) => verifySquareSignature(delivery.headers['x-square-hmacsha256-signature'], url, delivery.body, signatureKey).valid;

async function subscription(plan = 'SQ-PLAN-BASIC-MONTHLY'): Promise<string> {
	const created = await api('/v2/subscriptions', { method: 'POST', body: { idempotency_key: `sub-${plan}`, location_id: 'LSANDBOX', plan_variation_id: plan, customer_id: 'SQ-CUSTOMER-1', card_id: 'ccof:card-1' } });
	return created.body.subscription.id as string;
}

test("a billing cycle charged is the subscription's invoice paid, delivered twice as one event; declined, its scheduled charge failed", async () => {
	const subscriptionId = await subscription();
	await control.emitEvent({ type: 'invoice.payment_made', subscription: subscriptionId, times: 2 });
	const paid = await delivered();
	expect(paid).toHaveLength(2);
	expect(paid[1].event).toEqual(paid[0].event);
	expect(paid[0].event).toMatchObject({ merchant_id: 'MSANDBOX', type: 'invoice.payment_made', data: { type: 'invoice' } });
	const invoice = paid[0].event.data.object.invoice;
	expect(paid[0].event.data.id).toBe(invoice.id);
	expect(invoice).toMatchObject({ subscription_id: subscriptionId, status: 'PAID', location_id: 'LSANDBOX', primary_recipient: { customer_id: 'SQ-CUSTOMER-1' }, payment_requests: [{ computed_amount_money: { amount: 900, currency: 'USD' }, total_completed_amount_money: { amount: 900, currency: 'USD' } }] });
	expect(paid.every(signed)).toBe(true);
	expect(signed({ ...paid[0], delivery: { ...paid[0].delivery, body: paid[0].delivery.body.replace('900', '901') } })).toBe(false);

	await control.emitEvent({ type: 'invoice.scheduled_charge_failed', subscription: subscriptionId });
	const failed = (await delivered())[2];
	expect(failed.event).toMatchObject({ type: 'invoice.scheduled_charge_failed', data: { object: { invoice: { subscription_id: subscriptionId, status: 'UNPAID', payment_requests: [{ computed_amount_money: { amount: 900 }, total_completed_amount_money: { amount: 0 } }] } } } });
	expect(failed.event.data.object.invoice.id).not.toBe(invoice.id);
	expect(signed(failed)).toBe(true);
	expect(await control.state<Array<{ subscription_id?: string }>>('invoices')).toHaveLength(2);
});

test('a cancel through the API is an update still ACTIVE; the paid period ended, subscription.updated to CANCELED; a canceled subscription is billed no more', async () => {
	const subscriptionId = await subscription('SQ-PLAN-PRO-MONTHLY');
	await expect(control.emitEvent({ type: 'subscription.updated', subscription: subscriptionId })).rejects.toThrow(/no cancel pending/);
	expect((await api(`/v2/subscriptions/${subscriptionId}/cancel`, { method: 'POST', body: {} })).status).toBe(200);
	await expect(control.emitEvent({ type: 'invoice.payment_made', subscription: subscriptionId })).rejects.toThrow(/cancel pending: it is not billed again/);
	await control.emitEvent({ type: 'subscription.updated', subscription: subscriptionId, times: 2 });
	const events = await delivered();
	expect(events.map(({ event }) => [event.type, event.data.type, event.data.id, event.data.object.subscription.status])).toEqual([
		['subscription.updated', 'subscription', subscriptionId, 'ACTIVE'],
		['subscription.updated', 'subscription', subscriptionId, 'CANCELED'],
		['subscription.updated', 'subscription', subscriptionId, 'CANCELED'],
	]);
	expect(events[0].event.data.object.subscription.canceled_date).toEqual(expect.any(String));
	expect(new Set(events.map(({ event }) => event.event_id)).size).toBe(2);
	expect(events.every(signed)).toBe(true);
});

test('an invoice its buyer pays is invoice.payment_made; another canceled at its version is invoice.canceled; a paid one is neither paid nor canceled again', async () => {
	const invoice = async (key: string) => {
		const order = await api('/v2/orders', { method: 'POST', body: { idempotency_key: `order-${key}`, order: { location_id: 'LSANDBOX', customer_id: 'SQ-CUSTOMER-1', line_items: [{ name: 'Seats', quantity: '2', base_price_money: { amount: 1999, currency: 'USD' } }] } } });
		const created = await api('/v2/invoices', { method: 'POST', body: { idempotency_key: `invoice-${key}`, invoice: { order_id: order.body.order.id, primary_recipient: { customer_id: 'SQ-CUSTOMER-1' }, payment_requests: [{ request_type: 'BALANCE', due_date: '2030-01-31' }] } } });
		const published = await api(`/v2/invoices/${created.body.invoice.id}/publish`, { method: 'POST', body: { version: 0 } });
		return published.body.invoice as { id: string; version: number };
	};
	const paid = await invoice('paid');
	await control.emitEvent({ type: 'invoice.payment_made', invoice: paid.id });
	await expect(control.emitEvent({ type: 'invoice.payment_made', invoice: paid.id })).rejects.toThrow(/is PAID: only an UNPAID invoice is paid/);
	const cancelPaid = await api(`/v2/invoices/${paid.id}/cancel`, { method: 'POST', body: { version: paid.version + 1 } });
	expect(cancelPaid.body.errors[0]).toMatchObject({ code: 'BAD_REQUEST' });

	const canceled = await invoice('canceled');
	expect((await api(`/v2/invoices/${canceled.id}/cancel`, { method: 'POST', body: { version: 0 } })).body.errors[0]).toMatchObject({ code: 'VERSION_MISMATCH', field: 'version' });
	const cancel = await api(`/v2/invoices/${canceled.id}/cancel`, { method: 'POST', body: { version: canceled.version } });
	expect(cancel.body.invoice).toMatchObject({ status: 'CANCELED', version: canceled.version + 1 });
	const events = await delivered();
	expect(events.map(({ event }) => [event.type, event.data.object.invoice.id, event.data.object.invoice.status])).toEqual([['invoice.payment_made', paid.id, 'PAID'], ['invoice.canceled', canceled.id, 'CANCELED']]);
	expect(events[0].event.data.object.invoice.payment_requests[0].total_completed_amount_money).toEqual({ amount: 3998, currency: 'USD' });
	expect(events.every(signed)).toBe(true);
});
