/**
 * Subscription renewals in the real n8n (issue 18): the payment-billing-events template, published, registers its
 * Stripe webhook endpoint for the billing events. A subscription's renewal paid, delivered twice at once, is recorded
 * once: one QuickBooks sales receipt of 9.00 (the price's 900 minor units), one `transactions` meter entry with its
 * amount and one in namespace `accounting`; a failed renewal and the cancel are each emailed once. The store holds one
 * row per Stripe event.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { UsageMeter } from '../../lib/metering';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { startN8n, type N8nServer } from '../harness/n8nServer';
import { repoRoot } from '../harness/paths';
import { startTemplateServices, type TemplateServices } from '../harness/templateServices';
import type { WorkflowJson } from '../harness/workflowJson';
import { quickBooksCredential } from '../support/quickbooks';

jest.setTimeout(600_000);

let stripe: RunningSandbox;
let quickbooks: RunningSandbox;
let control: SandboxControl;
let n8n: N8nServer;
let services: TemplateServices;
let workflowId: string;
let store: StateStore;

beforeAll(async () => {
	[stripe, quickbooks] = await Promise.all([startSandbox('stripe'), startSandbox('quickbooks')]);
	control = new SandboxControl(stripe.baseUrl);
	n8n = await startN8n();
	services = await startTemplateServices(n8n);
	const ids: Record<string, string> = {
		...services.credentialIds,
		integrationStripeApi: await n8n.createCredential('integrationStripeApi', 'Stripe sandbox', { secretKey: stripe.credentials.secretKey, baseUrl: stripe.baseUrl }),
		integrationQuickBooksOAuth2Api: await n8n.createCredential('integrationQuickBooksOAuth2Api', 'QuickBooks sandbox', quickBooksCredential(quickbooks)),
	};
	const template = JSON.parse(readFileSync(path.join(repoRoot, 'workflows', 'payment-billing-events.json'), 'utf8')) as WorkflowJson;
	workflowId = await n8n.importWorkflow(template, { credentials: ids });
	await n8n.activate(workflowId);
	store = await openStore(n8n.stateStore, allMigrations);
});

afterAll(async () => {
	await closeAllStores();
	await n8n?.stop();
	await services?.close();
	await Promise.all([stripe?.close(), quickbooks?.close()]);
});

const salesReceipts = async () => await new SandboxControl(quickbooks.baseUrl).state<Array<{ TotalAmt: number; Line: Array<{ Description?: string }> }>>('salesreceipts');
const meters = async (namespace: string) => (await new UsageMeter({ db: store.db, namespace }).usage('demo')).meters.transactions;

/** Waits until `count` executions of the template have finished, and returns them. */
async function finished(count: number) {
	for (const deadline = Date.now() + 120_000; ; ) {
		const runs = (await n8n.executions(workflowId)).filter((run) => run.finished || run.status === 'success' || run.status === 'error');
		if (runs.length >= count) return runs;
		if (Date.now() > deadline) throw new Error(`${runs.length} of ${count} executions finished`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

test('a renewal paid twice at once books one sales receipt and one meter entry; a failed renewal and the cancel are emailed', async () => {
	const endpoints = await control.state<Array<{ url: string; enabled_events: string[] }>>('webhook_endpoints');
	expect(endpoints.find((endpoint) => endpoint.url.startsWith(n8n.webhookBaseUrl))?.enabled_events.sort()).toEqual(
		['customer.subscription.deleted', 'invoice.marked_uncollectible', 'invoice.overdue', 'invoice.paid', 'invoice.payment_failed', 'invoice.voided'],
	);
	const stripeApi = async <T>(url: string, body: Record<string, string>): Promise<T> => {
		const response = await fetch(`${stripe.baseUrl}${url}`, { method: 'POST', headers: { authorization: `Bearer ${String(stripe.credentials.secretKey)}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });
		return (await response.json()) as T;
	};
	const customer = await stripeApi<{ id: string }>('/v1/customers', { email: 'subscriber@example.com', 'invoice_settings[default_payment_method]': 'pm_card_visa' });
	const subscription = await stripeApi<{ id: string }>('/v1/subscriptions', { customer: customer.id, 'items[0][price]': 'price_basic_monthly' });

	// Stripe delivers the renewal's invoice.paid twice at once (a retry racing the first).
	const { event } = await control.emitEvent<{ event: { id: string } }>({ type: 'invoice.paid', subscription: subscription.id, times: 2 });
	await finished(1);
	const receipts = async () => (await salesReceipts()).filter((receipt) => receipt.Line.some((line) => line.Description?.includes(subscription.id)));
	// 120 s: the receipt is written by an n8n run, slow on a loaded machine (in queue mode it waits for a worker).
	for (const deadline = Date.now() + 120_000; (await receipts()).length === 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 250));
	// Both deliveries settled before either is counted again. None refused: a delivery the sandbox stopped waiting for
	// after its 10 s (n8n busy on a loaded machine) has no status; the one receipt below proves it was taken once.
	const deliveries = async () => (await control.webhooks()).deliveries.filter((delivery) => delivery.body.includes(event.id));
	for (const deadline = Date.now() + 120_000; (await deliveries()).length < 2 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 250));
	expect(await deliveries()).toHaveLength(2);
	const answered = (await deliveries()).filter((delivery) => delivery.status !== null);
	expect(answered.map((delivery) => delivery.status)).toEqual(answered.map(() => 200));
	const settled = await finished((await n8n.executions(workflowId)).length);
	expect(settled.every((run) => run.status === 'success')).toBe(true);

	expect((await receipts()).map((receipt) => receipt.TotalAmt)).toEqual([9]);
	expect(await meters('demo')).toMatchObject({ events: 1, quantity: 1, amountMinor: 900 });
	expect(await meters('accounting')).toMatchObject({ events: 1 });
	expect(await store.db.query('SELECT kind, amount_minor, currency FROM payment_billing_events WHERE event_id = ?', [event.id])).toEqual([{ kind: 'renewal_paid', amount_minor: 900, currency: 'USD' }]);

	await control.emitEvent({ type: 'invoice.payment_failed', subscription: subscription.id });
	const failedMail = await services.smtp.waitFor((message) => message.subject.startsWith('Renewal failed') && message.subject.includes(subscription.id));
	expect(failedMail.text).toMatch(/not paid: 9\.00 USD/);
	await control.emitEvent({ type: 'customer.subscription.deleted', subscription: subscription.id });
	await services.smtp.waitFor((message) => message.subject === `Subscription ${subscription.id} canceled on stripe`);
	await finished(settled.length + 2);
	expect(services.smtp.messages().filter((message) => message.subject.includes(subscription.id))).toHaveLength(2);
	expect((await receipts())).toHaveLength(1);
});
