/**
 * The package in n8n's queue mode: a main process, a webhook processor and workers sharing Redis and PostgreSQL, the
 * templates' nodes on the Integration State Store credential (a PostgreSQL database). The payment and order templates
 * answer through the webhook processor while their executions run on both workers; 20 concurrent deliveries of one
 * payment charge once. Then a worker is killed (SIGKILL) in the middle of a payment and another in the middle of an
 * order's fan-out: n8n does not run a dead worker's job again (its queue gives stalled jobs no second try), so the
 * payment's sender delivers it again and the order template's resume finishes the order; nothing is lost, doubled or
 * charged twice.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { Client } from 'pg';

import { readManifest } from '../harness/build';
import { sleep } from '../harness/n8nHttp';
import { startQueueN8n, type QueueCluster, type QueueProcess } from '../harness/n8nQueue';
import { repoRoot } from '../harness/paths';
import { importEventHub, startTemplateServices, withCallerKey, type EventHub, type TemplateServices } from '../harness/templateServices';
import { withStateStore, withSubWorkflowIds, type WorkflowJson } from '../harness/workflowJson';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { startCommerceSandboxes, type CommerceSandboxes } from '../support/inventoryStores';
import { quickBooksCredential } from '../support/quickbooks';
import { consentingContact, marketingFanOutWorkflow } from '../support/marketingFanOutWorkflow';
import { createCredentials, seedSandboxes } from '../../scripts/demo';

jest.setTimeout(600_000);

const processors = ['stripe', 'paypal', 'square', 'braintree'] as const;
const tokens = { stripe: 'pm_card_visa', paypal: 'vault-ok', square: 'cnon:card-nonce-ok', braintree: 'fake-valid-nonce' };
/** How long after recording an order a resume may take over its steps (300 s in the template). */
const resumeAfterSeconds = 15;

let cluster: QueueCluster;
let payments: Record<(typeof processors)[number], RunningSandbox>;
let stripe: SandboxControl;
let commerce: CommerceSandboxes;
let receivers: RunningSandbox;
let hub: EventHub;
let hubspot: RunningSandbox;
let quickbooks: RunningSandbox;
let mailchimp: RunningSandbox;
let marketo: RunningSandbox;
let stateStoreId: string;
let services: TemplateServices;
let routerWorkflowId: string;
let orderWorkflowId: string;

const template = (name: string) => JSON.parse(readFileSync(path.join(repoRoot, 'workflows', name), 'utf8').replaceAll('https://receivers.example.com', receivers.baseUrl)) as WorkflowJson;

beforeAll(async () => {
	const started = await Promise.all(processors.map((name) => startSandbox(name)));
	payments = Object.fromEntries(processors.map((name, index) => [name, started[index]])) as typeof payments;
	stripe = new SandboxControl(payments.stripe.baseUrl);
	commerce = await startCommerceSandboxes();
	receivers = await startSandbox('receivers');
	hubspot = await startSandbox('hubspot');
	quickbooks = await startSandbox('quickbooks');
	[mailchimp, marketo] = await Promise.all([startSandbox('mailchimp'), startSandbox('marketo')]);
	cluster = await startQueueN8n({
		// A dead worker's job is given up within seconds (defaults: a 60 s lock, checked every 30 s); 20 s, not less, so a
		// live worker slowed by a loaded machine keeps its job.
		env: { QUEUE_WORKER_LOCK_DURATION: '20000', QUEUE_WORKER_LOCK_RENEW_TIME: '2000', QUEUE_WORKER_STALLED_INTERVAL: '5000' },
	});
	const { main } = cluster;
	const [shopify, woocommerce, magento, bigcommerce] = commerce.stores;
	services = await startTemplateServices(main);
	const ids: Record<string, string> = {
		...services.credentialIds,
		integrationStripeApi: await main.createCredential('integrationStripeApi', 'Stripe', { secretKey: payments.stripe.credentials.secretKey, webhookSecret: 'whsec_q', baseUrl: payments.stripe.baseUrl }),
		integrationPayPalApi: await main.createCredential('integrationPayPalApi', 'PayPal', { clientId: payments.paypal.credentials.clientId, clientSecret: payments.paypal.credentials.clientSecret, baseUrl: payments.paypal.baseUrl }),
		integrationSquareApi: await main.createCredential('integrationSquareApi', 'Square', { accessToken: payments.square.credentials.accessToken, webhookSecret: 'sq_q', baseUrl: payments.square.baseUrl }),
		integrationBraintreeApi: await main.createCredential('integrationBraintreeApi', 'Braintree', { publicKey: payments.braintree.credentials.publicKey, privateKey: payments.braintree.credentials.privateKey, baseUrl: payments.braintree.baseUrl }),
		integrationShopifyApi: await main.createCredential('integrationShopifyApi', 'Shopify', { accessToken: shopify.settings.accessToken, locationId: shopify.settings.locationId, baseUrl: shopify.baseUrl, webhookSecret: commerce.sandboxes.shopify.credentials.webhookSecret }),
		integrationWooCommerceApi: await main.createCredential('integrationWooCommerceApi', 'WooCommerce', { consumerKey: woocommerce.settings.consumerKey, consumerSecret: woocommerce.settings.consumerSecret, baseUrl: woocommerce.baseUrl }),
		integrationMagentoApi: await main.createCredential('integrationMagentoApi', 'Magento', { accessToken: magento.settings.accessToken, sourceCode: magento.settings.sourceCode, baseUrl: magento.baseUrl }),
		integrationBigCommerceApi: await main.createCredential('integrationBigCommerceApi', 'BigCommerce', { accessToken: bigcommerce.settings.accessToken, locationId: 1, baseUrl: bigcommerce.baseUrl }),
		integrationHubSpotApi: await main.createCredential('integrationHubSpotApi', 'HubSpot', { accessToken: hubspot.credentials.accessToken, baseUrl: hubspot.baseUrl }),
		integrationQuickBooksOAuth2Api: await main.createCredential('integrationQuickBooksOAuth2Api', 'QuickBooks sandbox', quickBooksCredential(quickbooks)),
		httpHeaderAuth: await main.createCredential('httpHeaderAuth', 'Fulfillment Receiver', { name: 'Authorization', value: `Bearer ${receivers.credentials.bearerToken}` }),
	};
	const { database, host, port, user, password } = cluster.stateStore;
	stateStoreId = await main.createCredential('integrationStateStore', 'State Store (PostgreSQL)', { host, port, database, user, password, ssl: false, schema: 'public' });
	const onStateStore = (workflow: WorkflowJson) => withStateStore(workflow, readManifest().name, { id: stateStoreId, name: 'State Store (PostgreSQL)' });

	// Payments and orders are published to the Event Router template (on receivers of its own, same state store).
	hub = await importEventHub(main, ids, { prepare: onStateStore });
	routerWorkflowId = await main.importWorkflow(onStateStore(withSubWorkflowIds(template('payment-router.json'), hub.ids)), { credentials: ids });
	// The order's steps run in a sub-workflow, in the worker that recorded the order.
	const steps = template('order-steps.json');
	const stepsWorkflowId = await main.importWorkflow(onStateStore(steps), { credentials: ids });
	await main.activate(stepsWorkflowId);
	const orders = withSubWorkflowIds(template('order-inventory-fanout.json'), { [String(steps.name)]: stepsWorkflowId, ...hub.ids });
	orders.nodes = orders.nodes.map((node) => (['recordOrder', 'resumeOrders'].includes(String(node.parameters.operation)) ? { ...node, parameters: { ...node.parameters, resumeAfter: resumeAfterSeconds } } : node));
	orderWorkflowId = await main.importWorkflow(onStateStore(orders), { credentials: ids });
	await main.activate(routerWorkflowId);
	// Publishing registers the Order Triggers' webhooks with the stores (at the webhook processor's URL).
	await main.activate(orderWorkflowId);
	await commerce.seed(['Q-1'], 100);
});

afterAll(async () => {
	await cluster?.stop();
	await services?.close();
	await hub?.close();
	await Promise.all(Object.values(payments ?? {}).map((sandbox) => sandbox.close()));
	await commerce?.close();
	await receivers?.close();
	await hubspot?.close();
	await quickbooks?.close();
	await mailchimp?.close();
	await marketo?.close();
});

const pay = (paymentId: string, amount = 30) => cluster.callWebhook('payments/requested', withCallerKey({ body: { paymentId, amount, currency: 'USD', country: 'US', tokens } }));

/** A Shopify orders/create delivery, signed as Shopify signs it, to the URL the Order Trigger registered with the store. */
async function deliverOrder(order: { id: number; email?: string; total_price?: string; currency: string; created_at?: string; line_items: Array<{ id: number; sku: string; quantity: number; price: string }> }, deliveryId: string) {
	const [hook] = await commerce.controls.shopify.state<Array<{ address: string; topic: string }>>('webhooks');
	const body = JSON.stringify(order);
	const signature = createHmac('sha256', commerce.sandboxes.shopify.credentials.webhookSecret).update(body).digest('base64');
	const response = await fetch(hook.address, { method: 'POST', headers: { 'content-type': 'application/json', 'X-Shopify-Topic': 'orders/create', 'X-Shopify-Hmac-Sha256': signature, 'X-Shopify-Webhook-Id': deliveryId }, body });
	await response.arrayBuffer();
	return response.status;
}

const stripeCharges = async (paymentId: string) =>
	(await stripe.state<Array<{ metadata: Record<string, string>; amount: number }>>('charges')).filter((charge) => charge.metadata.payment_id === paymentId);

type ReceivedDelivery = { receiver: string; idempotencyKey: string; requests: number };
const receiverDeliveries = async (orderKey: string) =>
	(await new SandboxControl(receivers.baseUrl).state<ReceivedDelivery[]>('deliveries'))
		.filter((delivery) => delivery.idempotencyKey.endsWith(`:${orderKey}`))
		.map(({ receiver, requests }) => ({ receiver, requests }))
		.sort((a, b) => a.receiver.localeCompare(b.receiver));
/** The order's sales receipts in QuickBooks (the memo names the source transaction, the order key). */
const salesReceipts = async (orderKey: string) =>
	(await new SandboxControl(quickbooks.baseUrl).state<Array<{ PrivateNote: string; TotalAmt: number }>>('salesreceipts')).filter((receipt) => receipt.PrivateNote === `Source transaction ${orderKey}`);
const revenueOf = async (email: string) =>
	(await new SandboxControl(hubspot.baseUrl).state<Array<{ properties: Record<string, string> }>>('contacts'))
		.filter((contact) => contact.properties.email === email)
		.map((contact) => Number(contact.properties.total_revenue));

type LedgerRowSeen = { order_id: string; store_id: string; status: string; previous_quantity: string | null; new_quantity: string | null; attempts: string; error_code: string | null; error_message: string | null };
/** The inventory ledger's rows for a SKU, every order and store (what the test prints when an order's stock is owed). */
async function ledgerRows(sku: string): Promise<LedgerRowSeen[]> {
	const client = new Client({ ...cluster.stateStore });
	await client.connect();
	try {
		// Where each row's change stands is its outbox entry's (open: still owed), keyed by the row's key in its payload.
		const { rows } = await client.query<LedgerRowSeen>(
			`SELECT l.order_id, l.store_id, CASE WHEN o.open_steps > 0 THEN 'pending' WHEN l.new_quantity IS NULL THEN 'failed' ELSE 'applied' END AS status,
			 l.previous_quantity, l.new_quantity, o.attempts, o.last_error_code AS error_code, o.last_error AS error_message
			 FROM inventory_ledger l JOIN outbox_entries o ON o.topic = 'inventory.ledger' AND o.payload::jsonb ->> 'orderId' = l.order_id
			 AND o.payload::jsonb ->> 'lineId' = l.line_id AND o.payload::jsonb ->> 'storeId' = l.store_id
			 WHERE l.sku = $1 ORDER BY l.order_id, l.store_id`,
			[sku],
		);
		return rows;
	} finally {
		await client.end();
	}
}

/** The order's steps still open in the state store (PostgreSQL); undefined when the order was never recorded. */
async function openSteps(orderKey: string): Promise<string[] | undefined> {
	const client = new Client({ ...cluster.stateStore });
	await client.connect();
	try {
		const { rows } = await client.query<{ step: string; status: string }>('SELECT step, status FROM outbox_steps WHERE entry_key = $1 ORDER BY position', [orderKey]);
		return rows.length === 0 ? undefined : rows.filter((row) => row.status === 'pending').map((row) => row.step);
	} finally {
		await client.end();
	}
}

// 120 s by default: what it waits for is an n8n run or a worker's, late on a loaded machine.
async function until<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 120_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const result = await check();
		if (result) return result;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(300);
	}
}

const isAlive = (worker: QueueProcess) => worker.process.child.exitCode === null && worker.process.child.signalCode === null;
const startedSoFar = () => new Set(Object.values(cluster.executionsByWorker()).flat());

/** The live worker running an execution started after `before` (the test has one in flight). */
const busyWorker = (before: Set<string>) =>
	until(async () => cluster.workers.find((worker) => isAlive(worker) && cluster.unfinishedExecutions(worker).some((id) => !before.has(id))), 'a worker to start the execution');

/** Every finished execution of a workflow; each must have been started by exactly one worker. */
async function finishedExecutionIds(workflowId: string): Promise<string[]> {
	return (await cluster.main.executions(workflowId)).filter((run) => run.finished || run.status === 'error').map((run) => run.id);
}

test('payments and orders answered through the webhook processor run on both workers; 20 concurrent deliveries of one payment charge once', async () => {
	const [same, distinct, orders] = await Promise.all([
		Promise.all(Array.from({ length: 20 }, () => pay('q-same-1'))),
		Promise.all(Array.from({ length: 6 }, (_, index) => pay(`q-distinct-${index}`, 10 + index))),
		Promise.all([1, 2, 3].map((n) => deliverOrder({ id: 88_000 + n, currency: 'USD', line_items: [{ id: 1, sku: 'Q-1', quantity: n, price: '1.00' }] }, `q-order-${n}`))),
	]);
	// One delivery charges; the others are answered as the same payment (200) or as one still under way (409).
	const statuses = same.map((reply) => reply.status);
	expect(statuses.filter((status) => status === 201)).toHaveLength(1);
	expect(statuses.every((status) => [200, 201, 409].includes(status))).toBe(true);
	expect(await stripeCharges('q-same-1')).toHaveLength(1);
	expect(distinct.map((reply) => reply.status)).toEqual([201, 201, 201, 201, 201, 201]);
	for (let index = 0; index < 6; index++) expect(await stripeCharges(`q-distinct-${index}`)).toMatchObject([{ amount: (10 + index) * 100 }]);
	// Each order answered once recorded (the trigger answers when the intake's last node finishes).
	expect(orders).toEqual([200, 200, 200]);
	await ordersFinished([1, 2, 3].map((n) => `shopify:${88_000 + n}`));
	// Shopify sold them itself; the other three stores each moved once per order: 100 - (1 + 2 + 3).
	expect(await commerce.quantities('Q-1')).toEqual({ shopify: 100, woocommerce: 94, magento: 94, bigcommerce: 94 });
	for (const n of [1, 2, 3]) {
		expect(await receiverDeliveries(`shopify:${88_000 + n}`)).toEqual([{ receiver: 'fulfillment', requests: 1 }]);
		expect(await salesReceipts(`shopify:${88_000 + n}`)).toHaveLength(1);
	}

	// A caller is answered by Respond to Webhook before its execution's last nodes finish: wait for them to finish.
	const finished = await until(async () => {
		const ids = [...(await finishedExecutionIds(routerWorkflowId)), ...(await finishedExecutionIds(orderWorkflowId))];
		return ids.length >= 20 + 6 + 3 && ids;
	}, 'every execution to finish');
	// Both workers ran executions, and every finished execution was started by exactly one of them (the workers' logs
	// read once all have finished, so none still on its way is missed).
	const byWorker = cluster.executionsByWorker();
	expect(Object.values(byWorker).map((ids) => ids.length > 0)).toEqual([true, true]);
	const started = Object.values(byWorker).flat();
	expect(new Set(started).size).toBe(started.length);
	expect(finished.filter((id) => !started.includes(id))).toEqual([]);
	console.log(`executions per worker: ${JSON.stringify(Object.fromEntries(Object.entries(byWorker).map(([name, ids]) => [name, ids.length])))}`);
});

/**
 * Waits for the orders' steps to be done. A store that failed an order's change (under this machine's load, a timeout)
 * leaves its stock step open, as it should: the template's resume, scheduled every 5 minutes, is run by hand here once
 * the order's hold runs out, and writes what the store is still owed. A change written twice or lost still fails the
 * quantities checked after this.
 */
async function ordersFinished(orderKeys: string[]): Promise<void> {
	let resumes = 0;
	await until(
		async () => {
			if ((await Promise.all(orderKeys.map(openSteps))).every((steps) => steps?.length === 0)) return true;
			// Only a store that failed the change (its error recorded) is owed a resume; a row pending without an error is
			// still being written by its own execution.
			const owed = (await ledgerRows('Q-1')).filter((row) => row.status === 'pending' && row.error_code !== null);
			if (owed.length === 0) return false;
			console.log(`resume ${++resumes}: stores still owed ${JSON.stringify(owed)}`);
			await cluster.main.runManual(orderWorkflowId);
			await sleep(2000);
			return false;
		},
		'the orders to finish',
		120_000,
	).catch(async (error: Error) => {
		throw new Error(`${error.message}; ledger: ${JSON.stringify(await ledgerRows('Q-1'))}`);
	});
}

/** Kills the worker running the one execution started after `before`; returns it. */
async function killBusyWorker(before: Set<string>): Promise<QueueProcess> {
	const worker = await busyWorker(before);
	await worker.process.kill();
	return worker;
}

test('a worker killed in the middle of a payment: the sender delivers it again and it is charged once', async () => {
	const latencyMs = 12_000;
	// The charge request waits 12 s at Stripe, so the worker dies while it is on its way.
	await stripe.fault({ kind: 'latency', ms: latencyMs, match: { path: '/v1/payment_intents' } });
	const before = startedSoFar();
	// Its answer never comes or is an error: the worker dies. The sender's retry below is what a sender does then.
	void pay('q-killed-1', 42).catch(() => undefined);
	await until(async () => (await stripe.faults()).length === 0, 'the charge request to reach Stripe');
	const reachedStripe = Date.now();
	const killed = await killBusyWorker(before);
	await cluster.addWorker();

	// The sender delivers again until it gets an answer that is not "under way" (the dead worker's claim lapses in about 15 s).
	const answer = await until(
		async () => {
			const reply = await pay('q-killed-1', 42);
			return reply.status === 409 || reply.status >= 500 ? undefined : reply;
		},
		'the payment to be answered',
		120_000,
	);
	expect(answer).toMatchObject({ status: expect.any(Number), body: { paymentId: 'q-killed-1', status: 'succeeded', processor: 'stripe', amount: '42.00' } });
	expect([200, 201]).toContain(answer.status);
	// Once the dead worker's delayed request has been let through at Stripe too, there is still one charge (5 s past its
	// delay: the sandbox shares this loaded process).
	await sleep(Math.max(0, reachedStripe + latencyMs + 5000 - Date.now()));
	expect(await stripeCharges('q-killed-1')).toMatchObject([{ amount: 4200 }]);
	const again = await pay('q-killed-1', 42);
	expect(again).toMatchObject({ status: 200, body: { replayed: true, transactionId: (answer.body as { transactionId: string }).transactionId } });
	expect(await stripeCharges('q-killed-1')).toHaveLength(1);
	console.log(`killed ${killed.name} in the middle of a payment`);
});

test("a worker killed in the middle of an order's fan-out: the resume finishes the order, each step once", async () => {
	// The fulfillment call hangs (longer than this test), so the worker dies with the stock step done and the others not.
	await new SandboxControl(receivers.baseUrl).fault({ kind: 'latency', ms: 300_000, match: { path: '/fulfillment/' } });
	const order = { id: 88_100, email: 'queue-crash@example.com', total_price: '4.00', currency: 'USD', created_at: '2026-01-02T03:04:05Z', line_items: [{ id: 1, sku: 'Q-1', quantity: 2, price: '2.00' }] };
	const before = startedSoFar();
	expect(await deliverOrder(order, 'q-crash-1')).toBe(200);
	await until(async () => (await openSteps('shopify:88100'))?.includes('stock') === false, 'the stock step');
	expect(await openSteps('shopify:88100')).toEqual(['fulfillment', 'accounting', 'crm']);
	// The steps run in a sub-workflow inside the worker that took the order's execution: kill that worker.
	const recordedBy = await until(async () => cluster.workers.find((worker) => isAlive(worker) && (cluster.executionsByWorker()[worker.name] ?? []).some((id) => !before.has(id))), 'the worker that took the order');
	await recordedBy.process.kill();

	// The resume (scheduled every 5 minutes; run by hand here) hands the order to the surviving worker once its hold runs out.
	let lastResume: unknown;
	await until(
		async () => {
			if ((await openSteps('shopify:88100'))?.length === 0) return true;
			const run = await cluster.main.runManual(orderWorkflowId);
			lastResume = { status: run.status, error: run.error, outputs: Object.fromEntries(Object.entries(run.outputs).map(([name, outputs]) => [name, outputs.map((items) => items.map((item) => item.json))])) };
			if ((await openSteps('shopify:88100'))?.length === 0) return true;
			await sleep(2000);
			return false;
		},
		'the resumed steps',
		120_000,
	).catch(async (error: Error) => {
		throw new Error(`${error.message}; open steps ${JSON.stringify(await openSteps('shopify:88100'))}; last resume run: ${JSON.stringify(lastResume)}`);
	});
	expect(await commerce.quantities('Q-1')).toEqual({ shopify: 100, woocommerce: 92, magento: 92, bigcommerce: 92 });
	expect(await receiverDeliveries('shopify:88100')).toEqual([{ receiver: 'fulfillment', requests: 1 }]);
	expect(await salesReceipts('shopify:88100')).toEqual([expect.objectContaining({ TotalAmt: 4 })]);
	expect(await revenueOf('queue-crash@example.com')).toEqual([4]);
	const later = await cluster.main.runManual(orderWorkflowId);
	expect(later.outputs['Resume Pending Orders']?.[0] ?? []).toEqual([]);
});

test("Mailchimp's 10 connections and Marketo's 10 concurrent calls hold across 2 workers, then 4: the sandboxes never see more", async () => {
	const platforms = [mailchimp, marketo];
	const controls = platforms.map((sandbox) => new SandboxControl(sandbox.baseUrl));
	const credentials = await createCredentials(cluster.main, platforms);
	const workflow = withStateStore(marketingFanOutWorkflow('queue/marketing-limits', ['mailchimp', 'marketo']), readManifest().name, { id: stateStoreId, name: 'State Store (PostgreSQL)' });
	const workflowId = await cluster.main.importWorkflow(workflow, { credentials });
	await cluster.main.activate(workflowId);
	const deliveries = 12;
	const contactsEach = 20;
	for (const workerCount of [2, 4]) {
		while (cluster.workers.filter(isAlive).length < workerCount) await cluster.addWorker();
		// Fresh sandboxes (their peak of requests in flight starts at 0), each request held open 300 ms so they overlap.
		for (const control of controls) await control.reset();
		await seedSandboxes(platforms);
		for (const control of controls) await control.updateSettings({ responseDelayMs: 300 });
		const before = new Set((await cluster.main.executions(workflowId)).map((run) => run.id));
		const replies = await Promise.all(
			Array.from({ length: deliveries }, (_, delivery) =>
				cluster.callWebhook('queue/marketing-limits', {
					body: { contacts: Array.from({ length: contactsEach }, (_, index) => consentingContact(`limits-${workerCount}w-${delivery * contactsEach + index}`)) },
				}),
			),
		);
		expect(replies.map((reply) => reply.status)).toEqual(Array.from({ length: deliveries }, () => 200));
		const runs = await until(
			async () => {
				const finished = (await cluster.main.executions(workflowId)).filter((run) => !before.has(run.id) && !['new', 'running'].includes(run.status));
				return finished.length >= deliveries && finished;
			},
			`the ${deliveries} deliveries' executions`,
			300_000,
		);
		const [mailchimpSeen, marketoSeen] = await Promise.all(controls.map((control) => control.state<{ peak: number; refused: number }>('connections')));
		const refused = (await Promise.all(controls.map((control) => control.requests()))).flat().filter((entry) => entry.status === 429);
		const byWorker = cluster.executionsByWorker();
		const workersUsed = Object.entries(byWorker).filter(([, ids]) => runs.some((run) => ids.includes(run.id))).map(([name]) => name);
		console.log(`${workerCount} workers (${workersUsed.join(', ')}): Mailchimp peak ${mailchimpSeen.peak} connections, Marketo peak ${marketoSeen.peak} calls at once; refused ${mailchimpSeen.refused} and ${marketoSeen.refused}`);
		expect(runs.map((run) => run.status)).toEqual(runs.map(() => 'success'));
		// Every contact reached both platforms.
		const members = await controls[0].state<Array<{ email_address: string }>>('members');
		expect(members.filter((member) => member.email_address.startsWith(`limits-${workerCount}w-`))).toHaveLength(deliveries * contactsEach);
		expect(workersUsed.length).toBeGreaterThanOrEqual(2);
		// The sandboxes refuse the 11th request at once (Mailchimp 429, Marketo 615): a limit kept per worker shows there.
		expect({ mailchimp: mailchimpSeen.refused, marketo: marketoSeen.refused }).toEqual({ mailchimp: 0, marketo: 0 });
		expect(refused).toEqual([]);
	}
});

