/**
 * PayPal's, Square's and Braintree's billing in the real n8n (issue 18), from their sandboxes' own lifecycle: the
 * payment-billing-events template set to the processor (as its sticky note says: the trigger's and Record Billing
 * Event's processor and credential), published, registers its webhook for Subscription or Invoice Changed (Braintree's
 * is set up in its Control Panel: here through the sandbox's control API, with the trigger's Production URL). A
 * subscription is created and cancelled through the Smart Payment Router in n8n; its renewal, charged by the processor
 * and delivered twice at once, books one QuickBooks sales receipt of 9.00 and one meter entry; its cancel (PayPal's and
 * Braintree's at once, Square's when the paid period ends) is emailed once, a redelivery of it starting nothing. Two
 * executions in all.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { UsageMeter } from '../../lib/metering';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { SandboxControl, type WebhookDelivery } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { startN8n, type N8nServer } from '../harness/n8nServer';
import { repoRoot } from '../harness/paths';
import { startTemplateServices, type TemplateServices } from '../harness/templateServices';
import type { WorkflowJson } from '../harness/workflowJson';
import { quickBooksCredential } from '../support/quickbooks';

jest.setTimeout(900_000);

type Processor = 'paypal' | 'square' | 'braintree';

const pkg = 'n8n-nodes-integration-automation';
const stamp = Date.now();
const plans = [{ id: 'basic', amount: 9, currency: 'USD', interval: 'month', processorPlans: { paypal: 'P-BASIC-MONTHLY', square: 'SQ-PLAN-BASIC-MONTHLY', braintree: 'bt-basic-monthly' } }];
const credentialTypes: Record<Processor, string> = { paypal: 'integrationPayPalApi', square: 'integrationSquareApi', braintree: 'integrationBraintreeApi' };

let sandboxes: Record<Processor | 'quickbooks', RunningSandbox>;
let n8n: N8nServer;
let services: TemplateServices;
let store: StateStore;
const credentialIds: Record<string, string> = {};

beforeAll(async () => {
	const [paypal, square, braintree, quickbooks] = await Promise.all([startSandbox('paypal'), startSandbox('square'), startSandbox('braintree'), startSandbox('quickbooks')]);
	sandboxes = { paypal, square, braintree, quickbooks };
	n8n = await startN8n();
	services = await startTemplateServices(n8n);
	Object.assign(credentialIds, services.credentialIds, {
		integrationPayPalApi: await n8n.createCredential('integrationPayPalApi', 'PayPal sandbox', { clientId: paypal.credentials.clientId, clientSecret: paypal.credentials.clientSecret, baseUrl: paypal.baseUrl }),
		integrationSquareApi: await n8n.createCredential('integrationSquareApi', 'Square sandbox', { accessToken: square.credentials.accessToken, baseUrl: square.baseUrl }),
		integrationBraintreeApi: await n8n.createCredential('integrationBraintreeApi', 'Braintree sandbox', { publicKey: braintree.credentials.publicKey, privateKey: braintree.credentials.privateKey, merchantId: braintree.credentials.merchantId, baseUrl: braintree.baseUrl }),
		integrationQuickBooksOAuth2Api: await n8n.createCredential('integrationQuickBooksOAuth2Api', 'QuickBooks sandbox', quickBooksCredential(quickbooks)),
	});
	store = await openStore(n8n.stateStore, allMigrations);
});

afterAll(async () => {
	await closeAllStores();
	await n8n?.stop();
	await services?.close();
	await Promise.all(Object.values(sandboxes ?? {}).map((sandbox) => sandbox.close()));
});

/** The template as its sticky note says to set it up for another processor: the trigger's and Record Billing Event's processor and credential. */
function templateFor(processor: Processor, webhookId: string): WorkflowJson {
	const template = JSON.parse(readFileSync(path.join(repoRoot, 'workflows', 'payment-billing-events.json'), 'utf8')) as WorkflowJson;
	const credentials = { [credentialTypes[processor]]: { id: '', name: `${processor} account` } };
	const nodes = template.nodes.map((node) => {
		if (node.name === 'Subscription or Invoice Changed') return { ...node, webhookId, parameters: { ...node.parameters, platform: processor }, credentials };
		if (node.name === 'Record Billing Event') return { ...node, parameters: { ...node.parameters, processors: [processor], billingProcessor: processor }, credentials };
		return node;
	});
	return { ...template, name: `${String(template.name)} (${processor})`, nodes };
}

/** One Smart Payment Router operation on the processor, run by hand. */
async function runRouter(processor: Processor, name: string, parameters: Record<string, unknown>) {
	const location = processor === 'square' ? { squareLocation: { __rl: true, mode: 'id', value: 'LSANDBOX' } } : {};
	const workflowId = await n8n.importWorkflow({
		name: `${name} ${processor} e2e`,
		nodes: [
			{ parameters: {}, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
			{ parameters: { processors: [processor], ...location, ...parameters }, name, type: `${pkg}.smartPaymentRouter`, typeVersion: 1.1, position: [200, 0], credentials: { [credentialTypes[processor]]: { id: credentialIds[credentialTypes[processor]], name: 'sandbox' } } },
		],
		connections: { Start: { main: [[{ node: name, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	});
	const run = await n8n.runManual(workflowId, undefined, 150_000);
	expect(run.status).toBe('success');
	return run.outputs[name].flat().map((item) => item.json);
}

async function waitUntil<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 150_000): Promise<T> {
	for (const deadline = Date.now() + timeoutMs; ; await new Promise((resolve) => setTimeout(resolve, 250))) {
		const value = await read();
		if (done(value)) return value;
		if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}\n${n8n.logTail()}`);
	}
}

const salesReceipts = async (subscriptionId: string) =>
	(await new SandboxControl(sandboxes.quickbooks.baseUrl).state<Array<{ TotalAmt: number; Line: Array<{ Description?: string }> }>>('salesreceipts')).filter((receipt) => receipt.Line.some((line) => line.Description?.includes(subscriptionId)));
/** What a delivery says: PayPal's and Square's JSON as it is, Braintree's notification XML out of its form. */
function deliveredText(delivery: WebhookDelivery): string {
	const payload = new URLSearchParams(delivery.body).get('bt_payload');
	return payload === null ? delivery.body : Buffer.from(payload, 'base64').toString('utf8');
}
const isCancelOf = (subscriptionId: string) => (delivery: WebhookDelivery) => /"status":"CANCEL+ED"|<kind>subscription_canceled<\/kind>/.test(deliveredText(delivery)) && deliveredText(delivery).includes(subscriptionId);

const meter = async (namespace: string) => (await new UsageMeter({ db: store.db, namespace }).usage('demo')).meters.transactions ?? { events: 0, amountMinor: 0 };

/** The control event that charges the subscription's next cycle and delivers its event twice at once (a retry racing the first). */
const renewal: Record<Processor, (subscriptionId: string) => Record<string, unknown>> = {
	paypal: (subscription) => ({ event_type: 'PAYMENT.SALE.COMPLETED', subscription, times: 2 }),
	square: (subscription) => ({ type: 'invoice.payment_made', subscription, times: 2 }),
	braintree: (subscriptionId) => ({ kind: 'subscription_charged_successfully', subscriptionId, times: 2 }),
};

describe.each(['paypal', 'square', 'braintree'] as const)('on %s', (processor) => {
	test('a subscription created and cancelled through the router: its renewal delivered twice books one receipt and one meter entry, its cancel emailed once under a redelivery', async () => {
		const control = new SandboxControl(sandboxes[processor].baseUrl);
		const webhookId = randomUUID();
		const workflowId = await n8n.importWorkflow(templateFor(processor, webhookId), { credentials: credentialIds });
		await n8n.activate(workflowId);
		let hookUrl: string;
		if (processor === 'braintree') {
			// What the user does in Braintree's Control Panel: the trigger's Production URL as a destination (Braintree signs with the API keys).
			hookUrl = `${n8n.webhookBaseUrl}/webhook/${webhookId}/webhook`;
			await control.registerWebhook(hookUrl, 'unused');
		} else {
			hookUrl = (await control.state<Array<Record<string, unknown>>>(processor === 'paypal' ? 'webhooks' : 'subscriptions')).map((hook) => String(hook.url ?? hook.notification_url)).find((url) => url.startsWith(n8n.webhookBaseUrl))!;
		}
		expect(hookUrl).toBeDefined();
		const [demoBefore, accountingBefore] = [await meter('demo'), await meter('accounting')];

		// Braintree bills a vaulted card: the customer's, as the shop's signup made it.
		const braintreeCard = processor === 'braintree' ? (await control.seed<{ customers: Array<{ cards: Array<{ token: string }> }> }>({ customers: [{ paymentMethodNonce: 'fake-valid-visa-nonce' }] })).customers[0].cards[0].token : undefined;
		const [created] = await runRouter(processor, 'Subscribe', {
			operation: 'createSubscription',
			subscriptionPlansFrom: 'json',
			subscriptionPlans: JSON.stringify(plans),
			subscriptionRequestId: `e2e-billing-subscribe-${processor}-${stamp}`,
			subscriptionProcessor: processor,
			subscriptionPlan: 'basic',
			...(processor === 'square' ? { subscriptionCustomer: 'SQ-CUSTOMER-1', subscriptionPaymentMethod: 'ccof:card-1' } : {}),
			...(processor === 'braintree' ? { subscriptionPaymentMethod: braintreeCard } : {}),
		});
		const subscriptionId = String(created.subscriptionId);
		// PayPal's subscriber approves on PayPal's page before the first cycle; Square's and Braintree's card on file is charged at once.
		if (processor === 'paypal') expect((await fetch(String((created.action as { url: string }).url))).status).toBe(200);

		// The next cycle charged; the processor delivers its event twice at once (a retry racing the first).
		await control.emitEvent(renewal[processor](subscriptionId));
		await waitUntil('the renewal booked', () => salesReceipts(subscriptionId), (receipts) => receipts.length > 0);

		const [canceled] = await runRouter(processor, 'Cancel', { operation: 'cancelSubscription', subscriptionRequestId: `e2e-billing-cancel-${processor}-${stamp}`, subscriptionId });
		expect([canceled.subscriptionId, canceled.state]).toEqual([subscriptionId, 'canceled']);
		// Square cancels at the end of the paid period: its scheduled cancel starts nothing, the period's end is the cancel.
		if (processor === 'square') await control.emitEvent({ type: 'subscription.updated', subscription: subscriptionId });
		await services.smtp.waitFor((message) => message.subject === `Subscription ${subscriptionId} canceled on ${processor}`, 150_000);

		// The processor delivers the cancel again, byte for byte.
		const toN8n = async () => (await control.webhooks()).deliveries.filter((delivery) => delivery.url === hookUrl);
		const cancel = (await toN8n()).find(isCancelOf(subscriptionId))!;
		const again = await fetch(hookUrl, { method: 'POST', headers: cancel.headers, body: cancel.body });
		expect(again.status).toBe(200);
		expect(await again.json()).toMatchObject({ started: false, reason: expect.stringMatching(/already received/) });

		// None refused. A delivery the sandbox gave up on after its 10 s (a worker-starved n8n on a loaded machine) has no
		// status; the effects below prove it was still taken once.
		const answered = (await toN8n()).filter((delivery) => delivery.status !== null);
		expect(answered.length).toBeGreaterThan(0);
		expect(answered.map((delivery) => delivery.status)).toEqual(answered.map(() => 200));
		// Two executions (the renewal, the cancel): each event's other delivery started none.
		const runs = await waitUntil('two executions finished', () => n8n.executions(workflowId), (found) => found.filter((run) => run.status === 'success' || run.status === 'error').length >= 2);
		expect(runs.map((run) => run.status)).toEqual(['success', 'success']);

		expect((await salesReceipts(subscriptionId)).map((receipt) => receipt.TotalAmt)).toEqual([9]);
		const [demo, accounting] = [await meter('demo'), await meter('accounting')];
		expect([demo.events - demoBefore.events, Number(demo.amountMinor) - Number(demoBefore.amountMinor), accounting.events - accountingBefore.events]).toEqual([1, 900, 1]);
		const recorded = await store.db.query<{ kind: string; amount_minor: number | string | null }>('SELECT kind, amount_minor FROM payment_billing_events WHERE processor = ? AND subscription_id = ? ORDER BY occurred_at', [processor, subscriptionId]);
		expect(recorded.map((row) => [row.kind, row.amount_minor === null ? null : Number(row.amount_minor)])).toEqual([['renewal_paid', 900], ['subscription_canceled', null]]);
		expect(services.smtp.messages().filter((message) => message.subject.includes(subscriptionId)).map((message) => message.subject)).toEqual([`Subscription ${subscriptionId} canceled on ${processor}`]);
	});
});
