/**
 * The Stripe sandbox's Billing and dispute answers as Stripe's OpenAPI spec (spec3, API 2023-08-16) says: customers
 * and subscriptions through the subscription connector (create, change plan, pause, cancel, a cancel repeated), and
 * the Dispute each charge.dispute.* event carries.
 */
import type { InvoiceActions, SubscriptionActions } from '../../../lib/platforms/payments';
import { paymentConnector, sandboxAccount } from '../../support/standalone';
import { SandboxControl } from '../framework/controlClient';
import type { RunningSandbox } from '../registry';
import { SpecConformance, startSpecCheckedSandbox } from '../support/conformance';
import { OpenApiValidator } from '../support/openapi';

const spec = new OpenApiValidator('stripe/spec3-2023-09-12.yaml');
const conformance = new SpecConformance([{ spec, base: '' }]);
let sandbox: RunningSandbox;
let subscriptions: SubscriptionActions;
let invoices: InvoiceActions;
let control: SandboxControl;

beforeAll(async () => {
	sandbox = await startSpecCheckedSandbox('stripe', conformance);
	const connector = await paymentConnector(sandboxAccount('stripe', sandbox.baseUrl, sandbox.credentials), { retry: { baseDelayMs: 5, maxDelayMs: 50 } });
	subscriptions = connector.subscriptions!;
	invoices = connector.invoices!;
	control = new SandboxControl(sandbox.baseUrl);
});
afterAll(async () => {
	await sandbox.close();
});

test('customers and subscriptions, through the subscription connector, answer as the spec says', async () => {
	const response = await fetch(`${sandbox.baseUrl}/v1/customers`, {
		method: 'POST',
		headers: { authorization: `Bearer ${String(sandbox.credentials.secretKey)}`, 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ 'invoice_settings[default_payment_method]': 'pm_card_visa' }),
	});
	const customer = ((await response.json()) as { id: string }).id;
	const created = await subscriptions.create({ idempotencyKey: 'sub-1', resuming: false, requestId: 'r-1', processorPlanId: 'price_basic_monthly', customer });
	if (created.outcome !== 'succeeded') throw new Error(JSON.stringify(created));
	const change = (key: string, processorPlanId?: string) => ({ idempotencyKey: key, resuming: false, subscriptionId: created.subscriptionId, processorPlanId });
	expect(await subscriptions.changePlan(change('sub-2', 'price_pro_monthly'))).toMatchObject({ outcome: 'succeeded', processorPlanId: 'price_pro_monthly' });
	expect(await subscriptions.pause!(change('sub-3'))).toMatchObject({ outcome: 'succeeded', state: 'paused' });
	expect(await subscriptions.cancel(change('sub-4'))).toMatchObject({ outcome: 'succeeded', state: 'canceled' });
	expect(await subscriptions.cancel(change('sub-5'))).toMatchObject({ outcome: 'succeeded', state: 'canceled' });
	expect(await subscriptions.create({ idempotencyKey: 'sub-6', resuming: false, requestId: 'r-6', processorPlanId: 'price_missing', customer })).toMatchObject({ outcome: 'refused', code: 'resource_missing' });
	expect(conformance.problems()).toEqual([]);
	expect(conformance.covered()).toEqual(expect.arrayContaining(['post /v1/customers 200', 'post /v1/subscriptions 200', 'post /v1/subscriptions 400', 'get /v1/subscriptions/{subscription_exposed_id} 200', 'post /v1/subscriptions/{subscription_exposed_id} 200', 'delete /v1/subscriptions/{subscription_exposed_id} 200', 'delete /v1/subscriptions/{subscription_exposed_id} 400']));
});

test('the price list (active, recurring, paged after a price) answers as the spec says', async () => {
	const list = (query: string) => fetch(`${sandbox.baseUrl}/v1/prices?${query}`, { headers: { authorization: `Bearer ${String(sandbox.credentials.secretKey)}` } });
	const firstPage = (await (await list('active=true&type=recurring&limit=1')).json()) as { data: Array<{ id: string }>; has_more: boolean };
	expect(firstPage).toMatchObject({ data: [{ id: 'price_pro_monthly' }], has_more: true });
	expect(await (await list('active=true&type=recurring&limit=1&starting_after=price_pro_monthly')).json()).toMatchObject({ data: [{ id: 'price_basic_monthly' }], has_more: false });
	expect((await list('limit=0')).status).toBe(400);
	expect(conformance.problems()).toEqual([]);
	expect(conformance.covered()).toEqual(expect.arrayContaining(['get /v1/prices 200', 'get /v1/prices 400']));
});

test('the Dispute every charge.dispute.* event carries is a Dispute as the spec says', async () => {
	for (const type of ['charge.dispute.created', 'charge.dispute.updated', 'charge.dispute.closed']) {
		const { event } = await control.emitEvent<{ event: { data: { object: unknown } } }>({ type });
		expect(spec.schemaErrors('components/schemas/event', event)).toEqual([]);
		expect(spec.schemaErrors('components/schemas/dispute', event.data.object)).toEqual([]);
	}
});

test('invoices, through the invoice connector (create, items, finalize, send, read back, a repeat replayed), answer as the spec says', async () => {
	const response = await fetch(`${sandbox.baseUrl}/v1/customers`, {
		method: 'POST',
		headers: { authorization: `Bearer ${String(sandbox.credentials.secretKey)}`, 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ email: 'billing@example.com' }),
	});
	const customer = ((await response.json()) as { id: string }).id;
	const request = { idempotencyKey: 'inv-1', resuming: false, requestId: 'r-1', customer, currency: 'USD', dueInDays: 30, lines: [{ description: 'Seats', unitAmountMinor: 1999, quantity: 2 }] };
	const sent = await invoices.createAndSend(request);
	expect(sent).toMatchObject({ outcome: 'succeeded', state: 'open', totalMinor: 3998, currency: 'USD' });
	expect(await invoices.createAndSend(request)).toEqual(sent);
	if (sent.outcome !== 'succeeded') throw new Error(JSON.stringify(sent));
	expect(await invoices.lookup(sent.invoiceId)).toEqual(sent);
	expect(await invoices.createAndSend({ ...request, idempotencyKey: 'inv-2', customer: 'cus_missing' })).toMatchObject({ outcome: 'refused', code: 'resource_missing' });
	const { event } = await control.emitEvent<{ event: { data: { object: unknown } } }>({ type: 'invoice.paid' });
	expect(spec.schemaErrors('components/schemas/invoice', event.data.object)).toEqual([]);
	expect(conformance.problems()).toEqual([]);
	expect(conformance.covered()).toEqual(expect.arrayContaining(['post /v1/invoices 200', 'post /v1/invoices 400', 'post /v1/invoiceitems 200', 'post /v1/invoices/{invoice}/finalize 200', 'post /v1/invoices/{invoice}/send 200', 'get /v1/invoices/{invoice} 200']));
});
