/**
 * The Smart Payment Router in the real n8n against the four processor sandboxes: the payment-router template as a
 * published webhook, called with its caller key (without it: refused, nothing charged), that answers with the outcome
 * once the charge is known (201 charged, 200 the same payment again, 402 declined, 409 an id reused for another
 * payment, 422 invalid naming the field, with nothing charged; duplicates charged once, fallback when Stripe is down,
 * PayPal through the credential's OAuth token); each charge recorded once as a QuickBooks sales receipt, each failure
 * emailed (SMTP sink), each transaction metered. The processor-events template's Payment Event Triggers register their
 * webhooks with Stripe and Square on publishing; a refund and a dispute of a real charge are recorded with the
 * accounting receiver and the dispute emailed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { UsageMeter } from '../../lib/metering';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore } from '../../lib/store';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { startN8n, type ExecutionSummary, type N8nServer } from '../harness/n8nServer';
import { repoRoot } from '../harness/paths';
import { importEventHub, startTemplateServices, withCallerKey, type EventHub, type TemplateServices } from '../harness/templateServices';
import { withSubWorkflowIds, type WorkflowJson } from '../harness/workflowJson';
import { quickBooksCredential } from '../support/quickbooks';

jest.setTimeout(600_000);

const processors = ['stripe', 'paypal', 'square', 'braintree'] as const;
let receivers: RunningSandbox;
const template = (name: string) => JSON.parse(readFileSync(path.join(repoRoot, 'workflows', name), 'utf8').replaceAll('https://receivers.example.com', receivers.baseUrl)) as WorkflowJson;
const tokens = { stripe: 'pm_card_visa', paypal: 'vault-ok', square: 'cnon:card-nonce-ok', braintree: 'fake-valid-nonce' };

let n8n: N8nServer;
let services: TemplateServices;
let sandboxes: Record<string, RunningSandbox>;
let control: Record<string, SandboxControl>;
let receiverControl: SandboxControl;
let quickbooks: RunningSandbox;
let routerWorkflowId: string;
let credentialIds: Record<string, string>;
const credentialData: Record<string, Record<string, unknown>> = {};
let eventsWorkflowId: string;
let hub: EventHub;

beforeAll(async () => {
	sandboxes = Object.fromEntries(await Promise.all(processors.map(async (name) => [name, await startSandbox(name)] as const)));
	control = Object.fromEntries(processors.map((name) => [name, new SandboxControl(sandboxes[name].baseUrl)]));
	receivers = await startSandbox('receivers');
	receiverControl = new SandboxControl(receivers.baseUrl);
	quickbooks = await startSandbox('quickbooks');
	n8n = await startN8n();
	services = await startTemplateServices(n8n);
	const { stripe, paypal, square, braintree } = sandboxes;
	Object.assign(credentialData, {
		integrationStripeApi: { secretKey: stripe.credentials.secretKey, baseUrl: stripe.baseUrl },
		integrationPayPalApi: { clientId: paypal.credentials.clientId, clientSecret: paypal.credentials.clientSecret, baseUrl: paypal.baseUrl },
		integrationSquareApi: { accessToken: square.credentials.accessToken, baseUrl: square.baseUrl },
		integrationBraintreeApi: { publicKey: braintree.credentials.publicKey, privateKey: braintree.credentials.privateKey, baseUrl: braintree.baseUrl },
	});
	const ids: Record<string, string> = { ...services.credentialIds };
	for (const [type, data] of Object.entries(credentialData)) ids[type] = await n8n.createCredential(type, type, data);
	ids.httpHeaderAuth = await n8n.createCredential('httpHeaderAuth', 'Accounting receiver', { name: 'Authorization', value: `Bearer ${receivers.credentials.bearerToken}` });
	ids.integrationQuickBooksOAuth2Api = await n8n.createCredential('integrationQuickBooksOAuth2Api', 'QuickBooks sandbox', quickBooksCredential(quickbooks));
	credentialIds = ids;
	// Each charge is published to the Event Router template (on receivers of its own).
	hub = await importEventHub(n8n, ids);
	routerWorkflowId = await n8n.importWorkflow(withSubWorkflowIds(template('payment-router.json'), hub.ids), { credentials: ids });
	await n8n.activate(routerWorkflowId);
	eventsWorkflowId = await n8n.importWorkflow(template('payment-processor-events.json'), { credentials: ids });
	await n8n.activate(eventsWorkflowId);
});

afterAll(async () => {
	await closeAllStores();
	await n8n?.stop();
	await services?.close();
	await hub?.close();
	await receivers?.close();
	await quickbooks?.close();
	await Promise.all(Object.values(sandboxes ?? {}).map((sandbox) => sandbox.close()));
});

/** Delivers a payment request to the published template, expects the answer's status and waits for its execution. */
async function submit(body: object, status: number): Promise<ExecutionSummary & { answer: unknown }> {
	const earlier = new Set((await n8n.executions(routerWorkflowId)).map((run) => run.id));
	const reply = await n8n.callWebhook('payments/requested', withCallerKey({ body }));
	expect({ status: reply.status, body: reply.body }).toMatchObject({ status });
	// 120 s: the run ends late on a loaded machine (in queue mode it waits for a worker).
	return { ...(await n8n.waitForExecution(routerWorkflowId, (run) => !earlier.has(run.id), 120_000)), answer: reply.body };
}

const succeededOf = (run: ExecutionSummary) => run.outputs['Answer Paid']?.[0]?.[0]?.json;
const failedOf = (run: ExecutionSummary) => run.outputs['Answer Not Paid']?.[0]?.[0]?.json;
/** QuickBooks Online's sales receipts: the payment template's accounting entries. */
const salesReceipts = async () => await new SandboxControl(quickbooks.baseUrl).state<Array<{ DocNumber: string; TotalAmt: number; Line: Array<{ Description?: string }> }>>('salesreceipts');
const accountingEntries = async () => await receiverControl.state<Array<{ idempotencyKey: string; body: Record<string, unknown>; requests: number }>>('accounting');

async function meteredTransactions(): Promise<number> {
	const store = await openStore(n8n.stateStore, allMigrations);
	const meter = new UsageMeter({ db: store.db, namespace: 'demo' });
	return (await meter.usage('demo')).meters.transactions?.events ?? 0;
}

test('a payment request without the caller key is refused and charges nothing', async () => {
	const reply = await n8n.callWebhook('payments/requested', { body: { paymentId: 'e2e-no-key', amount: 30, currency: 'USD', country: 'US', tokens } });
	expect(reply.status).toBe(403);
	expect(await control.stripe.state('charges')).toHaveLength(0);
	expect(await n8n.executions(routerWorkflowId)).toHaveLength(0);
});

test('a payment request is charged once, however often it is delivered', async () => {
	const request = { paymentId: 'e2e-order-1', amount: 30, currency: 'USD', country: 'US', tokens };
	const first = await submit(request, 201);
	expect(first.status).toBe('success');
	expect(succeededOf(first)).toMatchObject({ paymentId: 'e2e-order-1', status: 'succeeded', processor: 'stripe', amount: '30.00', fee: '1.17' });
	expect(first.answer).toEqual({ paymentId: 'e2e-order-1', status: 'succeeded', processor: 'stripe', transactionId: succeededOf(first).transactionId, amount: '30.00', currency: 'USD', replayed: false });
	const again = await submit(request, 200);
	expect(succeededOf(again)).toMatchObject({ paymentId: 'e2e-order-1', replayed: true, transactionId: succeededOf(first).transactionId });
	expect(again.answer).toMatchObject({ paymentId: 'e2e-order-1', replayed: true });
	expect(await control.stripe.state('charges')).toHaveLength(1);
	// One sales receipt in QuickBooks and one metered transaction for the payment, however often it was requested.
	const receipts = (await salesReceipts()).filter((receipt) => receipt.DocNumber === 'e2e-order-1');
	expect(receipts).toEqual([expect.objectContaining({ TotalAmt: 30 })]);
	expect(receipts[0].Line.map((line) => line.Description).filter(Boolean)).toEqual([expect.stringContaining(`stripe ${succeededOf(first).transactionId}`)]);
	expect(await meteredTransactions()).toBe(1);
});

test('the same payment id with another amount is refused with 409 and charges nothing', async () => {
	const charges = (await control.stripe.state<unknown[]>('charges')).length;
	const run = await submit({ paymentId: 'e2e-order-1', amount: 31, currency: 'USD', country: 'US', tokens }, 409);
	expect(run.answer).toMatchObject({ paymentId: 'e2e-order-1', status: 'failed', reason: 'payment_id_reused' });
	expect(await control.stripe.state('charges')).toHaveLength(charges);
});

test.each([
	['without a paymentId', { amount: 30, currency: 'USD', country: 'US', tokens }],
	['with an object as paymentId', { paymentId: { id: 'e2e-obj' }, amount: 30, currency: 'USD', country: 'US', tokens }],
])('a payment %s is refused with 422 naming paymentId; nothing is charged', async (_case, body) => {
	const charges = await Promise.all(processors.map(async (name) => (await control[name].requests()).filter((entry) => entry.method === 'POST').length));
	const run = await submit(body, 422);
	expect(run.status).toBe('success');
	expect(run.answer).toEqual({ error: expect.stringContaining('paymentId'), fields: ['paymentId'] });
	expect(succeededOf(run)).toBeUndefined();
	const after = await Promise.all(processors.map(async (name) => (await control[name].requests()).filter((entry) => entry.method === 'POST').length));
	expect(after).toEqual(charges);
	// No charge under "undefined" or "[object Object]", now or later.
	const stripeCharges = await control.stripe.state<Array<{ metadata?: Record<string, string> }>>('charges');
	expect(JSON.stringify(stripeCharges)).not.toMatch(/undefined|\[object Object\]/);
});

test('a hard decline goes to the failed branch with no fallback', async () => {
	const run = await submit({ paymentId: 'e2e-declined-1', amount: 30, currency: 'USD', country: 'US', tokens: { ...tokens, stripe: 'pm_card_chargeDeclinedIncorrectCvc' } }, 402);
	expect(failedOf(run)).toMatchObject({ reason: 'hard_decline', code: 'incorrect_cvc' });
	expect(run.answer).toMatchObject({ paymentId: 'e2e-declined-1', status: 'failed', reason: 'hard_decline', code: 'incorrect_cvc', message: expect.any(String) });
	expect(failedOf(run).attempts).toHaveLength(1);
	expect(await control.square.state('completed')).toHaveLength(0);
	const email = await services.smtp.waitFor((message) => message.subject.includes('e2e-declined-1'));
	expect(email).toMatchObject({ to: ['payments@example.com'], subject: 'Payment e2e-declined-1 not charged: hard_decline' });
	expect(email.text).toContain('stripe: hard_decline incorrect_cvc');
	expect((await salesReceipts()).filter((receipt) => receipt.DocNumber === 'e2e-declined-1')).toEqual([]);
});

test('with Stripe down, the payment succeeds through the fallback', async () => {
	await control.stripe.fault({ kind: 'error', status: 503, times: -1, match: { path: '/v1/payment_intents' } });
	try {
		const run = await submit({ paymentId: 'e2e-fallback-1', amount: 30, currency: 'USD', country: 'US', tokens }, 201);
		expect(succeededOf(run)).toMatchObject({ status: 'succeeded', processor: 'square', fallbackUsed: true });
	} finally {
		await control.stripe.clearFaults();
	}
});

test('PayPal charges through the token its credential fetched', async () => {
	const run = await submit({ paymentId: 'e2e-paypal-1', amount: 12.5, currency: 'EUR', country: 'DE', method: 'paypal', tokens: { paypal: 'vault-ok' } }, 201);
	expect(succeededOf(run)).toMatchObject({ status: 'succeeded', processor: 'paypal', amount: '12.50' });
	expect(await control.paypal.state('captures')).toHaveLength(1);
});

test('a refund and a dispute of a charged payment are recorded with accounting; the dispute is emailed', async () => {
	// Publishing the template registered one webhook per trigger with each processor: no URL typed anywhere.
	expect((await control.stripe.state<Array<{ enabled_events: string[] }>>('webhook_endpoints')).flatMap((hook) => hook.enabled_events).sort()).toEqual(['charge.dispute.created', 'charge.refunded']);
	expect((await control.square.state<Array<{ event_types: string[] }>>('subscriptions')).flatMap((hook) => hook.event_types).sort()).toEqual(['dispute.created', 'refund.created']);
	const before = (await n8n.executions(eventsWorkflowId)).length;
	const charged = await submit({ paymentId: 'e2e-refunded-1', amount: 42, currency: 'USD', country: 'US', tokens }, 201);
	const intentId = String(succeededOf(charged).transactionId);
	await control.stripe.emitEvent({ type: 'charge.refunded' });
	await control.stripe.emitEvent({ type: 'charge.dispute.created' });
	await control.square.emitEvent({ type: 'dispute.created' });
	await waitForCount(async () => (await n8n.executions(eventsWorkflowId)).filter((run) => run.finished || run.status === 'error').length, before + 3);
	expect((await n8n.executions(eventsWorkflowId)).map((run) => run.status)).toEqual(['success', 'success', 'success']);
	const recorded = (await accountingEntries()).filter((entry) => entry.body.type === 'refund' || entry.body.type === 'dispute');
	expect(recorded.map((entry) => [entry.body.type, entry.body.platform, entry.body.eventType]).sort()).toEqual([
		['dispute', 'square', 'dispute.created'],
		['dispute', 'stripe', 'charge.dispute.created'],
		['refund', 'stripe', 'charge.refunded'],
	]);
	expect(recorded.find((entry) => entry.body.type === 'refund')?.body.paymentId).toBe(intentId);
	const disputeEmails = services.smtp.messages().filter((message) => message.subject.startsWith('Dispute opened'));
	expect(disputeEmails.map((message) => [message.subject.split(' payment')[0], message.to])).toEqual(
		expect.arrayContaining([
			['Dispute opened on stripe', ['payments@example.com']],
			['Dispute opened on square', ['payments@example.com']],
		]),
	);
	expect(disputeEmails).toHaveLength(2);
	// A forged delivery to a registered URL is refused before any execution.
	const [hook] = await control.stripe.state<Array<{ url: string }>>('webhook_endpoints');
	const forged = await fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` }, body: '{"id":"evt_forged","type":"charge.refunded"}' });
	expect(forged.status).toBe(401);
	expect((await n8n.executions(eventsWorkflowId)).length).toBe(before + 3);
});

/** Up to 120 s: what it counts comes from n8n runs, late on a loaded machine (in queue mode they wait for a worker). */
async function waitForCount(read: () => Promise<number>, count: number): Promise<void> {
	for (const deadline = Date.now() + 120_000; (await read()) < count; ) {
		if (Date.now() > deadline) throw new Error(`still ${await read()} of ${count}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/** n8n's own credential test (the editor's "Test" button): `POST /rest/credentials/test`. */
async function testCredential(id: string, type: string, data: Record<string, unknown>): Promise<{ status: string; message: string }> {
	const response = await fetch(`${n8n.baseUrl}/rest/credentials/test`, {
		method: 'POST',
		headers: { cookie: n8n.cookie, 'content-type': 'application/json' },
		body: JSON.stringify({ credentials: { id, name: type, type, data } }),
	});
	return ((await response.json()) as { data: { status: string; message: string } }).data;
}

test('each processor credential passes n8n’s credential test; a wrong secret fails it', async () => {
	for (const [type, data] of Object.entries(credentialData)) {
		expect({ type, ...(await testCredential(credentialIds[type], type, data)) }).toMatchObject({ type, status: 'OK' });
	}
	const wrong = { ...credentialData.integrationStripeApi, secretKey: 'sk_test_wrong' };
	const wrongId = await n8n.createCredential('integrationStripeApi', 'Stripe (wrong key)', wrong);
	expect((await testCredential(wrongId, 'integrationStripeApi', wrong)).status).toBe('Error');
	const wrongPayPal = { ...credentialData.integrationPayPalApi, clientSecret: 'wrong' };
	const wrongPayPalId = await n8n.createCredential('integrationPayPalApi', 'PayPal (wrong secret)', wrongPayPal);
	expect((await testCredential(wrongPayPalId, 'integrationPayPalApi', wrongPayPal)).status).toBe('Error');
});
